// What a roster check found: the column mapping the clerk may adjust (each field of the import → a column of the
// file), and the report: how many rows pass, and each refused row with its line, column and rule in the reader's
// language, as the API's refusal catalogue words it.
import { html } from "/portal/vendor/preact-htm.js";
import { language, messages } from "../../lib/i18n.js";
import { stageName } from "../../lib/rules.js";

const t = messages({
  "zh-CN": {
    mapping: "列对应关系",
    mappingHint: "左边是名册需要的内容，右边是您文件中的列。系统已按列名自动对应，如有不对请调整，然后重新检查。",
    field: "名册内容",
    column: "文件中的列",
    required: "（必填）",
    none: "（不导入）",
    report: "检查结果",
    summary: "文件共 {rows} 行：{accepted} 行可以导入，{refused} 行有问题，{skipped} 行的人员已在册。",
    imported: "已导入 {imported} 人。",
    fileProblems: "文件整体的问题（需先解决，否则不能导入）：",
    refused: "有问题的行",
    line: "行号",
    problemColumn: "列",
    rule: "问题",
    lineNumber: "第 {line} 行",
    skipped: "已在册、不再导入的行：{lines}。",
    byStage: "可导入人员的发展阶段：",
    separator: "、",
  },
  en: {
    mapping: "Column mapping",
    mappingHint:
      "On the left what the roster needs, on the right the columns of your file. They were matched by name; adjust any that are wrong, then check again.",
    field: "Roster field",
    column: "Column of the file",
    required: "(required)",
    none: "(not imported)",
    report: "Check result",
    summary: "{rows} rows: {accepted} can be imported, {refused} have problems, {skipped} people are already on file.",
    imported: "{imported} imported.",
    fileProblems: "Problems of the file as a whole (to be solved before importing):",
    refused: "Rows with problems",
    line: "Line",
    problemColumn: "Column",
    rule: "Problem",
    lineNumber: "Line {line}",
    skipped: "Already on file, not imported again: lines {lines}.",
    byStage: "Stages of the people to import:",
    separator: ", ",
  },
});

/** The refusal's text in the reader's language, the rule id beside it for whoever reads English. */
function ProblemText({ problem }) {
  return html`<span data-rule=${problem.rule}>${language() === "en" ? problem.message.en : problem.message.zh}</span>${
    language() === "en" ? html` <span class="refusal-rule">${problem.rule}</span>` : null
  }`;
}

/** Each field of the import with the file's column it is read from; `onChange(field, header)` ("" = none). */
export function ColumnMapping({ columns, headers, mapping, onChange, disabled }) {
  return html`
    <section class="panel" aria-labelledby="roster-mapping-title">
      <h2 id="roster-mapping-title">${t("mapping")}</h2>
      <p class="hint">${t("mappingHint")}</p>
      <table class="roster-mapping">
        <thead><tr><th scope="col">${t("field")}</th><th scope="col">${t("column")}</th></tr></thead>
        <tbody>
          ${columns.map(
            (column) => html`
              <tr>
                <th scope="row"><label for=${`roster-map-${column.field}`}>${column.title}</label>${column.required ? html` <span class="required">${t("required")}</span>` : null}</th>
                <td>
                  <select id=${`roster-map-${column.field}`} value=${mapping[column.field] ?? ""} disabled=${disabled}
                    onChange=${(event) => onChange(column.field, event.currentTarget.value)}>
                    <option value="">${t("none")}</option>
                    ${headers.map((header) => html`<option value=${header}>${header}</option>`)}
                  </select>
                </td>
              </tr>
            `,
          )}
        </tbody>
      </table>
    </section>
  `;
}

/** The report of a check or an import; `rules` names the stages. */
export function RosterReport({ rules, report }) {
  const byStage = Object.entries(report.byStage).filter(([, count]) => count > 0);
  return html`
    <section class="panel" aria-labelledby="roster-report-title">
      <h2 id="roster-report-title">${t("report")}</h2>
      <p>
        ${t("summary", { rows: report.file.rows, accepted: report.accepted, refused: report.refused.length, skipped: report.skipped.length })}
        ${report.dryRun ? null : html` <strong>${t("imported", { imported: report.imported })}</strong>`}
      </p>
      ${
        byStage.length > 0
          ? html`<p class="hint">${t("byStage")} ${byStage.map(([stage, count]) => `${stageName(rules, stage)} ${count}`).join(t("separator"))}</p>`
          : null
      }
      ${
        report.fileProblems.length > 0
          ? html`
            <div class="error-message" role="alert">
              <p>${t("fileProblems")}</p>
              <ul>${report.fileProblems.map((problem) => html`<li>${problem.column}：<${ProblemText} problem=${problem} /></li>`)}</ul>
            </div>
          `
          : null
      }
      ${
        report.refused.length > 0
          ? html`
            <table class="responsive-table roster-refused" aria-labelledby="roster-refused-caption">
              <caption id="roster-refused-caption">${t("refused")}</caption>
              <thead><tr><th scope="col">${t("line")}</th><th scope="col">${t("problemColumn")}</th><th scope="col">${t("rule")}</th></tr></thead>
              <tbody>
                ${report.refused.flatMap(({ line, problems }) =>
                  problems.map(
                    (problem) => html`
                      <tr>
                        <td data-label=${t("line")}>${t("lineNumber", { line })}</td>
                        <td data-label=${t("problemColumn")}>${problem.column}</td>
                        <td data-label=${t("rule")}><${ProblemText} problem=${problem} /></td>
                      </tr>
                    `,
                  ),
                )}
              </tbody>
            </table>
          `
          : null
      }
      ${report.skipped.length > 0 ? html`<p class="hint">${t("skipped", { lines: report.skipped.map((skipped) => skipped.line).join(t("separator")) })}</p>` : null}
    </section>
  `;
}
