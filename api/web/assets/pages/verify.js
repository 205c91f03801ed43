// The public verification page: anyone — a clerk or auditor of another university — checks a proof file or a transfer
// letter (介绍信) against the chain, without an account. Ways in: drop a proof bundle, or check a letter by its 编号,
// its QR code link (/verify?number=…&salt=…) or its PDF (pages/verify/letter-form.js).
import { html, useEffect, useRef, useState } from "/portal/vendor/preact-htm.js";
import { api } from "../lib/api.js";
import { messages } from "../lib/i18n.js";
import { ErrorMessage, Field, PageHeading } from "../lib/ui.js";
import { LetterForm } from "./verify/letter-form.js";
import { BundleResult, LetterResult, letterVerdict, subjectOf, VerdictStatus } from "./verify/results.js";

const t = messages({
  "zh-CN": {
    title: "核验存证与介绍信",
    intro: "无需登录。核验只读取联盟链：文件或介绍信是否由联盟中的党组织签发、是否被改动过，逐项给出结论。本页不显示任何个人信息。",
    bundleTitle: "核验存证文件",
    bundleText: "存证文件是党组织导出的 JSON 文件（单条记录或成员档案）。",
    bundleFile: "存证文件（JSON）",
    bundleHint: "把文件拖到这里，或按此选择文件。",
    chosen: "已选择：{name}",
    verifying: "正在核验…",
    detailsTitle: "核验详情",
    notJson: "这个文件不是 JSON，不是存证文件。",
  },
  en: {
    title: "Verify a proof or a transfer letter",
    intro:
      "No account needed. Verifying reads only the consortium chain: it tells, check by check, whether a Party organization of the consortium issued the file or letter and whether anything was changed. This page never shows personal data.",
    bundleTitle: "Verify a proof file",
    bundleText: "A proof file is the JSON file a Party organization exports (one record or a member's file).",
    bundleFile: "Proof file (JSON)",
    bundleHint: "Drop the file here, or use this to choose it.",
    chosen: "Chosen: {name}",
    verifying: "Verifying…",
    detailsTitle: "Details",
    notJson: "This file is not JSON: it is not a proof file.",
  },
});

/** A drop zone that is also a real, labelled file input: dropping and choosing with the keyboard do the same. */
function DropZone({ id, label, hint, accept, fileName, error, onFile }) {
  const [dragging, setDragging] = useState(false);
  const take = (files) => files?.[0] && onFile(files[0]);
  const onDrop = (event) => {
    event.preventDefault();
    setDragging(false);
    take(event.dataTransfer?.files);
  };
  const onDragOver = (event) => {
    event.preventDefault();
    setDragging(true);
  };
  return html`
    <div class=${`drop-zone verify-drop${dragging ? " dragging" : ""}`} onDragOver=${onDragOver} onDragLeave=${() => setDragging(false)} onDrop=${onDrop}>
      <${Field} id=${id} label=${label} hint=${hint} error=${error}>
        ${(attributes) => html`<input ...${attributes} type="file" accept=${accept} onChange=${(event) => take(event.currentTarget.files)} />`}
      <//>
      ${fileName ? html`<p class="hint verify-chosen">${t("chosen", { name: fileName })}</p>` : null}
    </div>
  `;
}

export default function VerifyPage({ query }) {
  const [outcome, setOutcome] = useState({ busy: false, result: null, failure: null });
  const [bundleFile, setBundleFile] = useState({ name: null, error: null });
  const outcomeRef = useRef(null);

  const run = async (ask) => {
    setOutcome({ busy: true, result: null, failure: null });
    try {
      setOutcome({ busy: false, result: await ask(), failure: null });
    } catch (failure) {
      setOutcome({ busy: false, result: null, failure });
    }
  };

  // The answer is shown above the forms: bring it into view when the reader has scrolled past it (on a phone).
  useEffect(() => {
    const top = outcomeRef.current?.getBoundingClientRect().top;
    if ((outcome.result || outcome.failure) && top !== undefined && top < 0) outcomeRef.current.scrollIntoView({ block: "start" });
  }, [outcome]);

  const verifyBundle = async (file) => {
    let bundle;
    try {
      bundle = JSON.parse(await file.text());
    } catch {
      setBundleFile({ name: file.name, error: t("notJson") });
      return;
    }
    setBundleFile({ name: file.name, error: null });
    await run(async () => ({
      kind: "bundle",
      fileName: file.name,
      bundle,
      verdict: await api("/api/verify", { method: "POST", body: { bundle }, anonymous: true }),
    }));
  };

  const verifyLetter = (body) =>
    run(async () => ({ kind: "letter", answer: await api("/api/verify/letter", { method: "POST", body, anonymous: true }) }));

  const { busy, result, failure } = outcome;
  const verdict = result?.kind === "bundle" ? result.verdict.verdict : result && letterVerdict(result.answer);
  return html`
    <${PageHeading} title=${t("title")} />
    <p class="verify-intro">${t("intro")}</p>
    <div class="verify-outcome" ref=${outcomeRef}>
      <${VerdictStatus} busyText=${busy ? t("verifying") : null} verdict=${verdict} subject=${result ? subjectOf(result) : null} />
      <${ErrorMessage} error=${failure} />
      ${
        result
          ? html`
            <section class="panel verify-result" aria-labelledby="verify-details-title">
              <h2 id="verify-details-title">${t("detailsTitle")}</h2>
              ${
                result.kind === "bundle"
                  ? html`<${BundleResult} verdict=${result.verdict} bundle=${result.bundle} />`
                  : html`<${LetterResult} answer=${result.answer} />`
              }
            </section>
          `
          : null
      }
    </div>
    <div class="grid verify-ways">
      <section class="panel" aria-labelledby="verify-bundle-title">
        <h2 id="verify-bundle-title">${t("bundleTitle")}</h2>
        <p>${t("bundleText")}</p>
        <${DropZone}
          id="bundle-file"
          label=${t("bundleFile")}
          hint=${t("bundleHint")}
          accept="application/json,.json"
          fileName=${bundleFile.name}
          error=${bundleFile.error}
          onFile=${verifyBundle}
        />
      </section>
      <${LetterForm} query=${query} busy=${busy} onVerify=${verifyLetter} />
    </div>
  `;
}
