// One member's file: who and where, the development timeline with each record's way to the chain, the soft-rule
// findings, and the form to record the next step.
import { html, useEffect, useRef, useState } from "/portal/vendor/preact-htm.js";
import { api, may } from "../lib/api.js";
import { messages } from "../lib/i18n.js";
import { organizationName, useOrganizations } from "../lib/organizations.js";
import { PrintButton } from "../lib/print-export.js";
import { Link } from "../lib/router.js";
import { loadRules, stageName, stepDefinition } from "../lib/rules.js";
import { ErrorMessage, Loading, PageHeading, useAsync } from "../lib/ui.js";
import { CorrectionForm } from "./member/correct-form.js";
import { PersonalData } from "./member/personal-data.js";
import { mayRecord, RecordStepForm } from "./member/record-form.js";
import { RefusalText } from "./member/refusals.js";
import { isSettling, usePolledRecords } from "./member/records.js";
import { Timeline } from "./member/timeline.js";

const t = messages({
  "zh-CN": {
    untitled: "成员 {key}…",
    back: "返回党员发展名单",
    jumpToForm: "记录下一步",
    transfer: "发起组织关系转接",
    facts: "基本情况",
    name: "姓名",
    stage: "发展阶段",
    status: "状态",
    ACTIVE: "在册",
    TRANSFERRED_OUT: "已转出",
    org: "所在党组织",
    memberKey: "成员密钥",
    memberKeyHint: "链上以此密钥标识该成员，不含个人信息。",
    timeline: "发展进程",
    settling: "{n} 条记录正在上链，页面每 2 秒自动更新。",
    allFinal: "所有记录均已最终确认。",
    findings: "提醒（软规则）",
    noFindings: "没有提醒。",
    findingOf: "记录 #{id}",
    recordNext: "记录下一步",
    correcting: "更正记录 #{id}",
    corrected: "已更正记录 #{old}：更正记录 #{id} 已保存，正在上链。",
  },
  en: {
    untitled: "Member {key}…",
    back: "Back to the member list",
    jumpToForm: "Record the next step",
    transfer: "Start a membership transfer",
    facts: "Facts",
    name: "Name",
    stage: "Stage",
    status: "Status",
    ACTIVE: "On file",
    TRANSFERRED_OUT: "Transferred out",
    org: "Organization",
    memberKey: "Member key",
    memberKeyHint: "The chain knows the member by this key only; it holds no personal data.",
    timeline: "Development",
    settling: "{n} record(s) on their way to the chain; this page updates every 2 seconds.",
    allFinal: "Every record is final.",
    findings: "Findings (soft rules)",
    noFindings: "No findings.",
    findingOf: "Record #{id}",
    recordNext: "Record the next step",
    correcting: "Correct record #{id}",
    corrected: "Record #{old} corrected: correction #{id} is saved and on its way to the chain.",
  },
});

function mayStartTransfer(member) {
  return may("approve") && member.status === "ACTIVE" && member.stage !== "CANCELLED";
}

function Facts({ rules, member }) {
  const organizations = useOrganizations();
  return html`
    <section class="panel" aria-labelledby="member-facts">
      <h2 id="member-facts">${t("facts")}</h2>
      <dl class="facts">
        ${member.personal ? html`<dt>${t("name")}</dt><dd>${member.personal.name}</dd>` : null}
        <dt>${t("stage")}</dt><dd>${stageName(rules, member.stage)}</dd>
        <dt>${t("status")}</dt><dd>${t(member.status)}</dd>
        <dt>${t("org")}</dt><dd>${organizationName(organizations.byId, member.orgId)}</dd>
        <dt>${t("memberKey")}</dt><dd><span class="mono">${member.memberKey}</span><p class="hint">${t("memberKeyHint")}</p></dd>
      </dl>
    </section>
  `;
}

function Findings({ rules, findings }) {
  return html`
    <section class="panel" aria-labelledby="member-findings">
      <h2 id="member-findings">${t("findings")}</h2>
      ${
        findings.length === 0
          ? html`<p class="hint">${t("noFindings")}</p>`
          : html`
            <ul class="member-findings">
              ${findings.map(
                (finding) =>
                  html`<li><span class="finding-record">${t("findingOf", { id: finding.recordId })}</span> <${RefusalText} rules=${rules} refusal=${finding} /></li>`,
              )}
            </ul>
          `
      }
    </section>
  `;
}

/** The correction of one record, opened from the timeline; the keyboard moves to it. */
function Correction({ rules, member, record, onCorrected, onCancel }) {
  const section = useRef(null);
  useEffect(() => section.current?.scrollIntoView({ block: "start" }), [record.id]);
  return html`
    <section class="panel" aria-labelledby="correct-record-title" id="correct-record" ref=${section}>
      <h2 id="correct-record-title">${t("correcting", { id: record.id })}</h2>
      <${CorrectionForm} key=${record.id} rules=${rules} member=${member} record=${record} onCorrected=${onCorrected} onCancel=${onCancel} />
    </section>
  `;
}

export default function MemberPage({ params }) {
  const memberId = params.memberId;
  const file = useAsync(() => Promise.all([api(`/api/members/${encodeURIComponent(memberId)}`), loadRules()]), [memberId]);
  const chain = usePolledRecords(memberId);
  const [correcting, setCorrecting] = useState(null);
  const [corrected, setCorrected] = useState(null);

  if (file.error)
    return html`<${PageHeading} title=${t("untitled", { key: "" })} /><${ErrorMessage} error=${file.error} onRetry=${file.reload} />`;
  if (!file.data || !chain.records)
    return chain.error ? html`<${ErrorMessage} error=${chain.error} onRetry=${chain.reload} />` : html`<${Loading} />`;
  const [member, rules] = file.data;
  const settling = chain.records.filter(isSettling).length;
  const onRecorded = () => {
    file.reload();
    chain.reload();
  };
  const correctorOf = (step) =>
    member.status === "ACTIVE" && mayRecord(stepDefinition(rules, step))
      ? (record) => {
          setCorrected(null);
          setCorrecting(record);
        }
      : null;
  const onCorrected = (result) => {
    setCorrected({ old: correcting.id, id: result.record.id });
    setCorrecting(null);
    onRecorded();
  };

  return html`
    <${PageHeading} title=${member.personal?.name ?? t("untitled", { key: member.memberKey.slice(0, 10) })}>
      <div class="actions member-actions">
        <${Link} href="/console/members">${t("back")}<//>
        <a href="#record-next">${t("jumpToForm")}</a>
        <${PrintButton} />
        ${mayStartTransfer(member) ? html`<${Link} class="button" href=${`/console/transfers?memberId=${encodeURIComponent(member.id)}`}>${t("transfer")}<//>` : null}
      </div>
    <//>
    <${Facts} rules=${rules} member=${member} />
    <${PersonalData} member=${member} onCorrected=${file.reload} />
    <section class="panel" aria-labelledby="member-timeline">
      <h2 id="member-timeline">${t("timeline")}</h2>
      <p role="status" class="hint">${settling > 0 ? t("settling", { n: settling }) : t("allFinal")}</p>
      <${ErrorMessage} error=${chain.error} onRetry=${chain.reload} />
      <div role="status" class=${corrected ? "success-message" : undefined}>${corrected ? t("corrected", corrected) : null}</div>
      <${Timeline} rules=${rules} records=${chain.records} nextSteps=${member.nextSteps} correctorOf=${correctorOf} />
    </section>
    ${
      correcting
        ? html`<${Correction} rules=${rules} member=${member} record=${correcting} onCorrected=${onCorrected} onCancel=${() => setCorrecting(null)} />`
        : null
    }
    <${Findings} rules=${rules} findings=${member.findings} />
    <section class="panel no-print" aria-labelledby="record-next-title" id="record-next" tabindex="-1">
      <h2 id="record-next-title">${t("recordNext")}</h2>
      <${RecordStepForm} rules=${rules} member=${member} onRecorded=${onRecorded} />
    </section>
  `;
}
