// A member's development at a glance: every step of the rule set under its stage, each done (its records with how
// far they got on the chain), due (the dates the rules give) or not yet reached.
import { html, useState } from "/portal/vendor/preact-htm.js";
import { download, saveJson } from "../../lib/api.js";
import { formatDate, formatDateTime, localized, messages } from "../../lib/i18n.js";
import { Badge, ErrorMessage } from "../../lib/ui.js";
import { correctionReasonName } from "./correct-form.js";
import { RecordEvidence } from "./evidence-list.js";

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
    correction: "更正记录 #{id}（{reason}）",
    correct: "更正",
    earliest: "最早 {date}",
    dueBy: "应于 {date} 前",
    deadline: "最迟 {date}",
    canRecord: "现在可以记录",
    download: "下载证明",
    ofRecord: "（记录 #{id}）",
    failedBecause: "链上拒绝：{message}",
    receipt: "写入回执：承诺 {date} 前上链",
    receiptDownload: "下载回执",
    receiptTitle: "本机构签名承诺：把这条记录的哈希 {hash} 原样写上链。用 cunzheng verify --receipt 可核验承诺是否兑现。",
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
    correction: "Corrects record #{id} ({reason})",
    correct: "Correct",
    earliest: "from {date}",
    dueBy: "due by {date}",
    deadline: "at the latest {date}",
    canRecord: "May be recorded now",
    download: "Download proof",
    ofRecord: " (record #{id})",
    failedBecause: "Refused on chain: {message}",
    receipt: "Write receipt: on chain by {date}",
    receiptDownload: "Download receipt",
    receiptTitle: "The institution's signed promise to anchor this record's hash {hash} exactly. Check it with cunzheng verify --receipt.",
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

function RecordLine({ record, onDownload, onCorrect }) {
  const { state, error } = record.anchoring;
  return html`
    <li class=${record.superseded ? "step-record step-record-superseded" : "step-record"}>
      <span>${t("effective", { date: formatDate(record.effectiveDate) })}</span>
      <span>${t("record", { id: record.id })}</span>
      <${AnchoringBadge} state=${state} />
      ${record.superseded ? html`<${Badge} tone="warn">${t("superseded")}<//>` : null}
      ${
        record.supersedesRecordId
          ? html`<span class="hint">${t("correction", { id: record.supersedesRecordId, reason: correctionReasonName(record.reasonCode) })}</span>`
          : null
      }
      ${
        onCorrect && !record.superseded
          ? html`<button type="button" class="secondary small-button" onClick=${() => onCorrect(record)}>
            ${t("correct")}<span class="visually-hidden">${t("ofRecord", { id: record.id })}</span>
          </button>`
          : null
      }
      ${
        state === "FINAL"
          ? html`<button type="button" class="secondary small-button" onClick=${() => onDownload(record.id)}>
            ${t("download")}<span class="visually-hidden">${t("ofRecord", { id: record.id })}</span>
          </button>`
          : null
      }
      ${record.receipt ? html`<${ReceiptLine} record=${record} />` : null}
      ${state === "FAILED" && error ? html`<span class="step-record-error">${t("failedBecause", { message: error.name || error.message })}</span>` : null}
      <${RecordEvidence} record=${record} />
    </li>
  `;
}

/** The signed write receipt given when the record was accepted: its deadline, and the document to keep. */
function ReceiptLine({ record }) {
  const { promise } = record.receipt;
  return html`
    <span class="step-record-receipt hint" title=${t("receiptTitle", { hash: promise.recordHash })}>
      ${t("receipt", { date: formatDateTime(new Date(promise.anchorBy * 1000).toISOString()) })}
    </span>
    <button type="button" class="secondary small-button" onClick=${() => saveJson(record.receipt, `record-${record.id}-receipt.json`)}>
      ${t("receiptDownload")}<span class="visually-hidden">${t("ofRecord", { id: record.id })}</span>
    </button>
  `;
}

function StepItem({ step, records, due, onDownload, onCorrect }) {
  const status = due ? (due.overdue ? "overdue" : "due") : records.some((record) => !record.superseded) ? "done" : "notYet";
  const tone = { overdue: "bad", due: "info", done: "ok", notYet: "neutral" }[status];
  return html`
    <li class=${`timeline-step timeline-step-${status}`}>
      <span class="timeline-code">${step.code}</span>
      <div>
        <span class="timeline-step-name">${localized(step.name)}</span>
        ${
          records.length > 0
            ? html`<ul class="step-records">${records.map((record) => html`<${RecordLine} key=${record.id} record=${record} onDownload=${onDownload} onCorrect=${onCorrect} />`)}</ul>`
            : null
        }
        ${due ? html`<p class="step-due">${dueText(due)}</p>` : null}
      </div>
      <span><${Badge} tone=${tone}>${t(status)}<//></span>
    </li>
  `;
}

/**
 * The timeline of all steps grouped by the rule set's stages under their titles in the rules, in the rule set's order.
 * `correctorOf(step)` gives the handler that opens a correction of a record of that step, or null where the reader
 * may not record it.
 */
/** @param {{ rules: any, records: any[], nextSteps: any[], correctorOf?: (step: string) => (() => void) | null }} props */
export function Timeline({ rules, records, nextSteps, correctorOf = () => null }) {
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
        <h3 class="timeline-stage" id=${`stage-${stage.code}`}>${localized(stage.chapter)}</h3>
        <ol class="timeline member-timeline" aria-labelledby=${`stage-${stage.code}`}>
          ${steps
            .filter((step) => step.stage === stage.code)
            .map(
              (step) => html`<${StepItem} key=${step.code} step=${step} due=${due.get(step.code)}
                records=${records.filter((record) => record.step === step.code)} onDownload=${onDownload} onCorrect=${correctorOf(step.code)} />`,
            )}
        </ol>
      `,
    )}
  `;
}
