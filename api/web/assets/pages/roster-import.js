// 导入党员名册: an organization administrator or clerk brings the members the university already has from its
// roster file. The template downloads from here; a chosen file is first checked (a dry run: every row, nothing
// written), the column mapping the check used is shown and may be adjusted, and only a file checked with the mapping
// in force is imported. The API reports no progress while it works, so the bar follows the upload, then the page
// says the server is checking or importing until the report comes back.
import { html, useState } from "/portal/vendor/preact-htm.js";
import { api, download } from "../lib/api.js";
import { messages } from "../lib/i18n.js";
import { roleName } from "../lib/roles.js";
import { loadRules } from "../lib/rules.js";
import { Link } from "../lib/router.js";
import { ErrorMessage, Field, Loading, PageHeading, useAsync } from "../lib/ui.js";
import { fileSize, uploadFile } from "../lib/upload.js";
import { useVocabulary } from "../lib/vocabulary.js";
import { ColumnMapping, RosterReport } from "./roster-import/report.js";

const t = messages({
  "zh-CN": {
    title: "导入党员名册",
    intro:
      "把本校已有的党员名册或发展党员台账导入系统。先检查（不写入任何数据），确认无误后再导入。同一个人（按公民身份号码）不会重复导入。",
    template: "名册模板",
    templateHint: "可以直接使用本校现有的名册；列名不同也没关系，检查后可以调整对应关系。",
    downloadTemplate: "下载名册模板",
    steps: "检查与导入",
    file: "名册文件",
    fileHint: "电子表格文件（.xlsx）或逗号分隔的文本文件（.csv，国标或万国码编码均可），不超过 {max}。",
    chosen: "已选择：{name}（{size}）",
    check: "检查",
    checkAgain: "按调整后的对应关系重新检查",
    mappingChanged: "列对应关系已调整，请重新检查后再导入。",
    import: "导入 {n} 人",
    uploading: "正在上传文件 {percent}%",
    upload: "上传进度",
    checking: "文件已上传，正在逐行检查…",
    importing: "文件已上传，正在导入（完成后显示结果）…",
    done: "导入完成。",
    members: "查看党员发展名单",
    another: "导入另一个文件",
    notAllowed: "只有{admin}和{clerk}可以导入名册。",
  },
  en: {
    title: "Import a roster",
    intro:
      "Bring the university's existing roster into the system. Check it first (nothing is written), then import. A person (by ID number) is never imported twice.",
    template: "Roster template",
    templateHint: "Your own roster works too: where its column names differ, adjust the mapping after the check.",
    downloadTemplate: "Download the template",
    steps: "Check and import",
    file: "Roster file",
    fileHint: "A spreadsheet (.xlsx) or comma-separated text (.csv, UTF-8 or GBK) of at most {max}.",
    chosen: "Chosen: {name} ({size})",
    check: "Check",
    checkAgain: "Check again with the adjusted mapping",
    mappingChanged: "The mapping was adjusted: check again before importing.",
    import: "Import {n} people",
    uploading: "Uploading the file {percent}%",
    upload: "Upload progress",
    checking: "Uploaded; checking every row…",
    importing: "Uploaded; importing (the result follows when done)…",
    done: "The import is done.",
    members: "Go to the members list",
    another: "Import another file",
    notAllowed: "Only an {admin} or a {clerk} imports rosters.",
  },
});

/** Runs the check (dryRun) or the import of `file` with the clerk's column choices; `onProgress(sent)` follows the upload. */
function sendRoster(file, mapping, dryRun, onProgress) {
  const query = new URLSearchParams({ fileName: file.name, dryRun: String(dryRun) });
  if (Object.keys(mapping).length > 0) query.set("mapping", JSON.stringify(mapping));
  return uploadFile(`/api/roster-imports?${query}`, file, { contentType: "application/octet-stream", onProgress });
}

function Progress({ phase, sent, total }) {
  const percent = total > 0 ? Math.floor((sent / total) * 100) : 0;
  const uploaded = sent >= total;
  return html`
    <div class="audit-progress" role="status">
      <progress max=${total} value=${sent} aria-label=${t("upload")}></progress>
      <p>${uploaded ? html`<span class="spinner" aria-hidden="true"></span>${t(phase)}` : t("uploading", { percent })}</p>
    </div>
  `;
}

export default function RosterImportPage() {
  const rules = useAsync(loadRules, []);
  const columns = useAsync(() => api("/api/roster-imports/columns").then((answer) => answer.items), []);
  // How large a file POST /api/roster-imports takes, said before the upload.
  const vocabulary = useVocabulary();
  const [file, setFile] = useState(null);
  /** The clerk's own column choices (field → header, "" for none); the rest the API matches by name. */
  const [choices, setChoices] = useState({});
  const [checked, setChecked] = useState(null);
  const [mappingChanged, setMappingChanged] = useState(false);
  const [imported, setImported] = useState(null);
  const [running, setRunning] = useState(null);
  const [error, setError] = useState(null);

  const run = async (dryRun) => {
    setError(null);
    setRunning({ phase: dryRun ? "checking" : "importing", sent: 0 });
    try {
      const report = await sendRoster(file, choices, dryRun, (sent) => setRunning((current) => current && { ...current, sent }));
      if (dryRun) {
        setChecked(report);
        setMappingChanged(false);
      } else {
        setImported(report);
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setRunning(null);
    }
  };

  const chooseFile = (event) => {
    setFile(event.currentTarget.files[0] ?? null);
    setChoices({});
    setChecked(null);
    setImported(null);
    setError(null);
  };

  const chooseColumn = (field, header) => {
    setChoices({ ...choices, [field]: header });
    setMappingChanged(true);
  };

  const startOver = () => {
    setFile(null);
    setChoices({});
    setChecked(null);
    setImported(null);
  };

  const loadError = rules.error ?? columns.error ?? vocabulary.error;
  if (loadError) {
    const retry = rules.error ? rules.reload : columns.error ? columns.reload : vocabulary.reload;
    return html`<${PageHeading} title=${t("title")} /><${ErrorMessage} error=${loadError} onRetry=${retry} />
      ${loadError.status === 403 ? html`<p>${t("notAllowed", { admin: roleName("ORG_ADMIN"), clerk: roleName("CLERK") })}</p>` : null}`;
  }
  if (!rules.data || !columns.data || !vocabulary.data) return html`<${PageHeading} title=${t("title")} /><${Loading} />`;

  const mapping = checked ? { ...checked.mapping, ...choices } : {};
  const mayImport = checked && !mappingChanged && checked.fileProblems.length === 0 && checked.accepted > 0 && !imported;

  return html`
    <${PageHeading} title=${t("title")} />
    <p>${t("intro")}</p>
    <section class="panel" aria-labelledby="roster-template-title">
      <h2 id="roster-template-title">${t("template")}</h2>
      <p class="hint">${t("templateHint")}</p>
      <button type="button" class="secondary" onClick=${() => download("/api/roster-imports/template").catch(setError)}>${t("downloadTemplate")}</button>
    </section>
    <section class="panel" aria-labelledby="roster-file-title">
      <h2 id="roster-file-title">${t("steps")}</h2>
      ${
        imported
          ? html`
            <p role="status" class="success-message">${t("done")}</p>
            <div class="actions">
              <${Link} href="/console/members">${t("members")}<//>
              <button type="button" class="secondary" onClick=${startOver}>${t("another")}</button>
            </div>
          `
          : html`
            <${Field} id="roster-file" label=${t("file")} hint=${t("fileHint", { max: fileSize(vocabulary.data.rosterImport.maxBytes) })}>
              ${(attributes) => html`<input ...${attributes} type="file" accept=".xlsx,.csv" disabled=${running !== null} onChange=${chooseFile} />`}
            <//>
            ${file ? html`<p class="hint">${t("chosen", { name: file.name, size: fileSize(file.size) })}</p>` : null}
            <div class="actions">
              <button type="button" class=${checked && !mappingChanged ? "secondary" : undefined} disabled=${!file || running !== null} onClick=${() => run(true)}>
                ${checked && mappingChanged ? t("checkAgain") : t("check")}
              </button>
              ${
                checked
                  ? html`<button type="button" disabled=${!mayImport || running !== null} onClick=${() => run(false)}>${t("import", { n: checked.accepted })}</button>`
                  : null
              }
            </div>
            ${mappingChanged ? html`<p class="hint">${t("mappingChanged")}</p>` : null}
          `
      }
      ${running ? html`<${Progress} phase=${running.phase} sent=${running.sent} total=${file.size} />` : null}
      <${ErrorMessage} error=${error} />
    </section>
    ${imported ? html`<${RosterReport} rules=${rules.data} report=${imported} />` : null}
    ${
      checked && !imported
        ? html`
          <${ColumnMapping} columns=${columns.data} headers=${checked.headers} mapping=${mapping} onChange=${chooseColumn} disabled=${running !== null} />
          <${RosterReport} rules=${rules.data} report=${checked} />
        `
        : null
    }
  `;
}
