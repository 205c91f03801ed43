// A member's development at a glance: every step of the rule set under its stage, each done (its records with how
// far they got on the chain), due (the dates the rules give) or not yet reached.
import { html, useState } from "/portal/vendor/preact-htm.js";
import { download } from "../../lib/api.js";
import { formatDate, localized, messages } from "../../lib/i18n.js";
import { Badge, ErrorMessage } from "../../lib/ui.js";

const t = messages({
  "zh-CN": {
    done: "已完成",
    due: "待办",
    overdue: "已逾期",
    notYet: "未开始",
    effective: "生效日期 {date}",
    record: "记录 #{id}",
    PENDING: "待上链",
    ANCHORED: "已上链待确认",
    FINAL: "已最终确认",
    FAILED: "上链失败",
    superseded: "已被更正",
    correction: "更正记录 #{id}",
    earliest: "最早 {date}",
    dueBy: "应于 {date} 前",
    deadline: "最迟 {date}",
    canRecord: "现在可以记录",
    download: "下载证明",
    downloadRecord: "（记录 #{id}）",
    failedBecause: "链上拒绝：{message}",
  },
  en: {
    done: "Done",
    due: "Due",
    overdue: "Overdue",
    notYet: "Not yet",
    effective: "Effective {date}",
    record: "Record #{id}",
    PENDING: "Waiting to be anchored",
    ANCHORED: "Anchored, awaiting confirmation",
    FINAL: "Final",
    FAILED: "Anchoring failed",
    superseded: "Superseded",
    correction: "Corrects record #{id}",
    earliest: "from {date}",
    dueBy: "due by {date}",
    deadline: "at the latest {date}",
    canRecord: "May be recorded now",
    download: "Download proof",
    downloadRecord: " (record #{id})",
    failedBecause: "Refused on chain: {message}",
  },
});

const STATE_TONES = { PENDING: "neutral", ANCHORED: "info", FINAL: "ok", FAILED: "bad" };

export function AnchoringBadge({ state }) {
  return html`<${Badge} tone=${STATE_TONES[state]}>${t(state)}<//>`;
}

/** The dates the rules give a step due next: "最早 … · 应于 … 前 · 最迟 …". */
export function dueText(due) {
  const parts = [
    due.earliest && t("earliest", { date: formatDate(due.earliest) }),
    due.dueBy && t("dueBy", { date: formatDate(due.dueBy) }),
    due.deadline && t("deadline", { date: formatDate(due.deadline) }),
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(" · ") : t("canRecord");
}

function RecordLine({ record, onDownload }) {
  const { state, error } = record.anchoring;
  return html`
    <li class=${record.superseded ? "step-record step-record-superseded" : "step-record"}>
      <span>${t("effective", { date: formatDate(record.effectiveDate) })}</span>
      <span>${t("record", { id: record.id })}</span>
      <${AnchoringBadge} state=${state} />
      ${record.superseded ? html`<${Badge} tone="warn">${t("superseded")}<//>` : null}
      ${record.supersedesRecordId ? html`<span class="hint">${t("correction", { id: record.supersedesRecordId })}</span>` : null}
      ${state === "FINAL"
        ? html`<button type="button" class="secondary small-button" onClick=${() => onDownload(record.id)}>
            ${t("download")}<span class="visually-hidden">${t("downloadRecord", { id: record.id })}</span>
          </button>`
        : null}
      ${state === "FAILED" && error ? html`<span class="step-record-error">${t("failedBecause", { message: error.name || error.message })}</span>` : null}
    </li>
  `;
}

function StepItem({ step, records, due, onDownload }) {
  const status = due ? (due.overdue ? "overdue" : "due") : records.some((record) => !record.superseded) ? "done" : "notYet";
  const tone = { overdue: "bad", due: "info", done: "ok", notYet: "neutral" }[status];
  return html`
    <li class=${`timeline-step timeline-step-${status}`}>
      <span class="timeline-code">${step.code}</span>
      <div>
        <span class="timeline-step-name">${localized(step.name)}</span>
        ${records.length > 0
          ? html`<ul class="step-records">${records.map((record) => html`<${RecordLine} key=${record.id} record=${record} onDownload=${onDownload} />`)}</ul>`
          : null}
        ${due ? html`<p class="step-due">${dueText(due)}</p>` : null}
      </div>
      <span><${Badge} tone=${tone}>${t(status)}<//></span>
    </li>
  `;
}

/** The timeline of all steps grouped by the rule set's stages, in the rule set's order. */
export function Timeline({ rules, records, nextSteps }) {
  const [downloadError, setDownloadError] = useState(null);
  const onDownload = (recordId) => {
    setDownloadError(null);
    download(`/api/records/${recordId}/proof`, `record-${recordId}-proof.json`).catch(setDownloadError);
  };
  const due = new Map(nextSteps.map((next) => [next.step, next]));
  const { stages, steps } = rules.definition;
  return html`
    <${ErrorMessage} error=${downloadError} />
    ${stages.map(
      (stage) => html`
        <h3 class="timeline-stage" id=${`stage-${stage.code}`}>${localized(stage.name)}</h3>
        <ol class="timeline member-timeline" aria-labelledby=${`stage-${stage.code}`}>
          ${steps
            .filter((step) => step.stage === stage.code)
            .map(
              (step) => html`<${StepItem} key=${step.code} step=${step} due=${due.get(step.code)}
                records=${records.filter((record) => record.step === step.code)} onDownload=${onDownload} />`,
            )}
        </ol>
      `,
    )}
  `;
}
