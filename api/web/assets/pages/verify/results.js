// The verdicts as a reader sees them: the answer in big, then each check with its mark and a plain sentence, the
// record it concerns, and the facts the chain vouches for. Nothing from a record's body is shown but its step code:
// a bundle may carry a member's personal data, and this page is public.
import { html } from "/portal/vendor/preact-htm.js";
import { formatDateTime, messages } from "../../lib/i18n.js";
import { organizationName, useOrganizations } from "../../lib/organizations.js";
import { Mark } from "../../lib/ui.js";
import { checkName, reasonSentence } from "./reasons.js";

const t = messages({
  "zh-CN": {
    valid: "验证通过",
    invalid: "验证未通过",
    incomplete: "未能完全验证",
    incompleteText: "没有发现伪造，但有的检查无法进行，下面列出缺少的内容；补齐后可再核验。",
    uncheckedSteps: "未能进行的检查：",
    LETTER_ISSUED: "有效：介绍信尚未使用，可以办理转接",
    LETTER_ACCEPTED: "已接收：这封介绍信已经用过，不能再用",
    LETTER_REJECTED: "已退回：这封介绍信不能再用",
    LETTER_CANCELLED: "已撤销：这封介绍信不能再用",
    LETTER_EXPIRED: "已过期：这封介绍信不能再用",
    issuingCommittee: "签发党委",
    bundleSubject: "存证文件：{name}",
    letterSubject: "介绍信",
    failedSteps: "未通过的检查：",
    about: "（{about}）",
    colon: "：",
    facts: "链上事实",
    steps: "逐项检查",
    details: "技术细节",
    record: "记录 #{id}",
    sequence: "序号 {n}",
    recordProof: "单条记录的存证",
    memberProof: "成员档案的存证（{n} 条记录）",
    bundleKind: "文件类型",
    chainId: "链 ID",
    registry: "组织登记合约",
    membershipLedger: "成员账本合约",
    checkpointLog: "检查点合约",
    anchoredBy: "写上链的组织",
    organization: "组织 {id}",
    anchoredIn: "写上链的交易",
    block: "区块 {n}",
    checkpoint: "检查点",
    checkpointFacts: "日志 {logId} 的前 {size} 条记录，区块 {block}",
    noCheckpoint: "没有检查点",
    signer: "签名密钥当时是否为存证人",
    signerYes: "是",
    signerNo: "否",
    signerUnchecked: "未核验",
    transferId: "链上转接标识",
    kind: "类型",
    MEMBERSHIP: "党员组织关系",
    MATERIALS: "入党材料",
    fromOrg: "签发组织",
    toOrg: "接收组织",
    exported: "联盟以外的组织",
    issuedAt: "签发时间",
    issuedIn: "签发交易",
    validUntil: "有效期至",
    state: "状态",
    ISSUED: "待接收",
    ACCEPTED: "已接收",
    REJECTED: "已退回",
    CANCELLED: "已撤销",
    ACCEPTED_NOTE: "（已用过，不能再用）",
    EXPIRED: "已过期",
    issuer: "签发密钥",
    issuerValid: "签发密钥当时是否有效",
  },
  en: {
    valid: "Verified",
    LETTER_ISSUED: "Valid: the letter is unused and may be presented",
    LETTER_ACCEPTED: "Received: this letter has been used and cannot be used again",
    LETTER_REJECTED: "Sent back: this letter cannot be used any more",
    LETTER_CANCELLED: "Cancelled: this letter cannot be used any more",
    LETTER_EXPIRED: "Expired: this letter cannot be used any more",
    issuingCommittee: "Issuing committee",
    ACCEPTED_NOTE: " (used, cannot be used again)",
    invalid: "Not verified",
    incomplete: "Not fully verified",
    incompleteText:
      "Nothing was found forged, but some checks could not run; what is missing is listed below. Verify again once it is there.",
    uncheckedSteps: "Checks that could not run:",
    bundleSubject: "Proof file: {name}",
    letterSubject: "Transfer letter",
    failedSteps: "Checks that failed:",
    about: " ({about})",
    colon: ": ",
    facts: "Facts on chain",
    steps: "Check by check",
    details: "Technical details",
    record: "Record #{id}",
    sequence: "sequence {n}",
    recordProof: "Proof of one record",
    memberProof: "Proof of a member's file ({n} records)",
    bundleKind: "Kind of file",
    chainId: "Chain id",
    registry: "Organization registry",
    membershipLedger: "Membership ledger",
    checkpointLog: "Checkpoint log",
    anchoredBy: "Organization that put it on chain",
    organization: "organization {id}",
    anchoredIn: "Anchoring transaction",
    block: "block {n}",
    checkpoint: "Checkpoint",
    checkpointFacts: "the first {size} records of log {logId}, block {block}",
    noCheckpoint: "none",
    signer: "Signing key an attester then",
    signerYes: "yes",
    signerNo: "no",
    signerUnchecked: "not checked",
    transferId: "Transfer id on chain",
    kind: "Kind",
    MEMBERSHIP: "Party membership",
    MATERIALS: "Development materials",
    fromOrg: "Issuing organization",
    toOrg: "Destination",
    exported: "an organization outside the consortium",
    issuedAt: "Issued at",
    issuedIn: "Issuing transaction",
    validUntil: "Valid until",
    state: "State",
    ISSUED: "waiting to be accepted",
    ACCEPTED: "accepted",
    REJECTED: "sent back",
    CANCELLED: "cancelled",
    EXPIRED: "expired",
    issuer: "Issuing key",
    issuerValid: "Issuing key valid then",
  },
});

// A letter's state has its own look, and only an open letter is green.
const VERDICT_LOOKS = {
  VALID: { tone: "ok", mark: "✓ ", word: "valid" },
  INCOMPLETE: { tone: "incomplete", mark: "? ", word: "incomplete" },
  INVALID: { tone: "bad", mark: "✗ ", word: "invalid" },
  LETTER_ISSUED: { tone: "ok", mark: "✓ ", word: "LETTER_ISSUED" },
  LETTER_ACCEPTED: { tone: "used", mark: "■ ", word: "LETTER_ACCEPTED" },
  LETTER_REJECTED: { tone: "void", mark: "■ ", word: "LETTER_REJECTED" },
  LETTER_CANCELLED: { tone: "void", mark: "■ ", word: "LETTER_CANCELLED" },
  LETTER_EXPIRED: { tone: "expired", mark: "■ ", word: "LETTER_EXPIRED" },
};

/** The live region every verdict is announced in; it stays in the page so that screen readers hear each change. */
export function VerdictStatus({ busyText, verdict, subject }) {
  return html`
    <div role="status" class="verify-status">
      ${busyText ? html`<p class="loading">${busyText}</p>` : null}
      ${
        verdict
          ? html`<p class=${`verdict verify-verdict verdict-${VERDICT_LOOKS[verdict].tone}`}>
            <span aria-hidden="true">${VERDICT_LOOKS[verdict].mark}</span>${t(VERDICT_LOOKS[verdict].word)}
            <span class="verify-subject">${subject}</span>
          </p>`
          : null
      }
      ${verdict === "INCOMPLETE" ? html`<p class="verify-incomplete-text">${t("incompleteText")}</p>` : null}
    </div>
  `;
}

/** A letter's verdict as the reader needs it: forged or altered (INVALID), else the state the ledger gives it. */
export function letterVerdict(answer) {
  if (!answer.letter || answer.steps.some((step) => step.status === "failed" && step.check !== "state")) return "INVALID";
  return `LETTER_${answer.letter.state}`;
}

/** Where a record of the bundle sits: { id, sequence, step } (the step code only when the body is given). */
function recordIndex(bundle) {
  const records =
    bundle?.format === "cunzheng.member-proof/1"
      ? Array.isArray(bundle.records)
        ? bundle.records
        : []
      : bundle?.record
        ? [{ ...bundle.record, sequence: bundle.memberChain?.sequence }]
        : [];
  return new Map(records.map((record) => [record.id, { id: record.id, sequence: record.sequence, step: stepCodeOf(record.body) }]));
}

function stepCodeOf(body) {
  return typeof body?.step === "string" && /^S[0-9]{1,2}$/.test(body.step) ? body.step : null;
}

function recordLabel(records, recordId) {
  if (recordId === undefined) return null;
  const record = records.get(recordId);
  const parts = [t("record", { id: recordId })];
  if (record?.sequence !== undefined) parts.push(t("sequence", { n: record.sequence }));
  if (record?.step) parts.push(record.step);
  return parts.join(" · ");
}

function Steps({ steps, records }) {
  return html`
    <ol class="checks">
      ${steps.map((step) => {
        const about = recordLabel(records, step.recordId);
        return html`
          <li class=${`verify-step verify-step-${step.status}`}>
            <${Mark} status=${step.status} />
            <div class="verify-step-text">
              <p class="check-title">${checkName(step.check)}${about ? html` <span class="verify-about">${about}</span>` : null}</p>
              <p class="verify-sentence">${reasonSentence(step)}</p>
              <details class="verify-details">
                <summary>${t("details")}</summary>
                <p><code>${step.reason}</code> ${step.message}</p>
              </details>
            </div>
          </li>
        `;
      })}
    </ol>
  `;
}

function FailedSummary({ steps, records }) {
  return html`<${StepSummary} steps=${steps.filter((step) => step.status === "failed")} records=${records} className="verify-failed" title=${t("failedSteps")} />`;
}

/** What kept a bundle from VALID without disproving it: each check that could not run, and why. */
function UncheckedSummary({ steps, records }) {
  return html`<${StepSummary} steps=${steps.filter((step) => step.status === "skipped")} records=${records} className="verify-unchecked" title=${t("uncheckedSteps")} />`;
}

function StepSummary({ steps, records, className, title }) {
  if (steps.length === 0) return null;
  return html`
    <div class=${className}>
      <p>${title}</p>
      <ul>
        ${steps.map((step) => {
          const about = recordLabel(records, step.recordId);
          return html`<li><strong>${checkName(step.check)}</strong>${about ? t("about", { about }) : ""}${t("colon")}${reasonSentence(step)}</li>`;
        })}
      </ul>
    </div>
  `;
}

function signerAnswer(steps) {
  const signers = steps.filter((step) => step.check === "signer");
  if (signers.some((step) => step.status === "failed")) return html`<${Mark} status="failed" />${t("signerNo")}`;
  if (signers.length > 0 && signers.every((step) => step.status === "passed")) return html`<${Mark} status="passed" />${t("signerYes")}`;
  return html`<${Mark} status="skipped" />${t("signerUnchecked")}`;
}

function BundleFacts({ bundle, steps }) {
  const member = bundle.format === "cunzheng.member-proof/1";
  const records = member ? (bundle.records ?? []) : [];
  const orgIds = member ? [...new Set(records.map((record) => record.orgId))] : [bundle.memberChain?.orgId];
  const anchor = member ? null : bundle.memberChain?.anchor;
  const { checkpoint, chain } = bundle;
  const organizations = useOrganizations();
  return html`
    <dl class="facts verify-facts">
      <dt>${t("bundleKind")}</dt><dd>${member ? t("memberProof", { n: records.length }) : t("recordProof")}</dd>
      <dt>${t("anchoredBy")}</dt><dd>${orgIds
        .filter((id) => id !== undefined)
        .map((id) => organizationName(organizations.byId, id))
        .join("、")}</dd>
      ${anchor ? html`<dt>${t("anchoredIn")}</dt><dd>${t("block", { n: anchor.blockNumber })} · <code>${anchor.transactionHash}</code></dd>` : null}
      <dt>${t("checkpoint")}</dt>
      <dd>${checkpoint ? t("checkpointFacts", { logId: checkpoint.logId, size: checkpoint.treeSize, block: checkpoint.blockNumber }) : t("noCheckpoint")}</dd>
      <dt>${t("signer")}</dt><dd>${signerAnswer(steps)}</dd>
      <dt>${t("chainId")}</dt><dd>${chain?.chainId}</dd>
      <dt>${t("registry")}</dt><dd><code>${chain?.registry}</code></dd>
      <dt>${t("membershipLedger")}</dt><dd><code>${chain?.membershipLedger}</code></dd>
      <dt>${t("checkpointLog")}</dt><dd><code>${chain?.checkpointLog}</code></dd>
    </dl>
  `;
}

/** The verdict on a proof bundle: facts (when the file parsed as a bundle) and every step. */
export function BundleResult({ verdict, bundle }) {
  const records = recordIndex(bundle);
  const parsed = bundle?.chain && !verdict.steps.some((step) => step.reason === "format.invalid");
  return html`
    <${FailedSummary} steps=${verdict.steps} records=${records} />
    ${verdict.verdict === "INCOMPLETE" ? html`<${UncheckedSummary} steps=${verdict.steps} records=${records} />` : null}
    ${parsed ? html`<h3>${t("facts")}</h3><${BundleFacts} bundle=${bundle} steps=${verdict.steps} />` : null}
    <h3>${t("steps")}</h3>
    <${Steps} steps=${verdict.steps} records=${records} />
  `;
}

function letterOrganization(org) {
  return org.name ?? t("organization", { id: org.id });
}

function LetterFacts({ answer }) {
  const { letter, steps } = answer;
  const issuer = steps.find((step) => step.check === "issuer");
  return html`
    <dl class="facts verify-facts">
      ${letter.issuingCommittee ? html`<dt>${t("issuingCommittee")}</dt><dd>${letterOrganization(letter.issuingCommittee)}</dd>` : null}
      <dt>${t("fromOrg")}</dt><dd>${letterOrganization(letter.fromOrg)}</dd>
      <dt>${t("toOrg")}</dt><dd>${letter.toOrg ? letterOrganization(letter.toOrg) : t("exported")}</dd>
      <dt>${t("kind")}</dt><dd>${t(letter.kind)}</dd>
      <dt>${t("issuedAt")}</dt><dd>${formatDateTime(letter.issuedAt)}</dd>
      <dt>${t("validUntil")}</dt><dd>${formatDateTime(letter.validUntil)}</dd>
      <dt>${t("state")}</dt><dd class=${`letter-state letter-state-${letter.state}`}>${t(letter.state)}${letter.state === "ACCEPTED" ? t("ACCEPTED_NOTE") : ""}</dd>
      <dt>${t("issuerValid")}</dt>
      <dd>${issuer ? html`<${Mark} status=${issuer.status} />${reasonSentence(issuer)}` : t("signerUnchecked")}</dd>
      ${letter.issuer ? html`<dt>${t("issuer")}</dt><dd><code>${letter.issuer}</code></dd>` : null}
      ${letter.issuedTx ? html`<dt>${t("issuedIn")}</dt><dd>${t("block", { n: letter.issuedBlock })} · <code>${letter.issuedTx}</code></dd>` : null}
      <dt>${t("transferId")}</dt><dd><code>${answer.transferId}</code></dd>
    </dl>
  `;
}

/** The verdict on a transfer letter: what the ledger says about it, then every step. */
export function LetterResult({ answer }) {
  const none = new Map();
  return html`
    <${FailedSummary} steps=${answer.steps} records=${none} />
    ${answer.letter ? html`<h3>${t("facts")}</h3><${LetterFacts} answer=${answer} />` : null}
    <h3>${t("steps")}</h3>
    <${Steps} steps=${answer.steps} records=${none} />
  `;
}

export function subjectOf(result) {
  return result.kind === "bundle" ? t("bundleSubject", { name: result.fileName }) : t("letterSubject");
}
