// One transfer: its facts, the letter's PDF and cancellation at the source; at the destination, the review of the
// member's file (computed from the chain) and the decision to accept or reject it. Another university's transfer is
// imported only once the chain's acceptance is final: the page follows it until then, and shows a refusal's reason.
import { html, useEffect, useRef, useState } from "/portal/vendor/preact-htm.js";
import { api, download, session } from "../lib/api.js";
import { formatDateTime, messages } from "../lib/i18n.js";
import { Link } from "../lib/router.js";
import { loadRules, stageName } from "../lib/rules.js";
import { ErrorMessage, Field, Loading, Mark, PageHeading, useAsync } from "../lib/ui.js";
import { isInSubtree, organizationName, useOrganizations } from "../lib/organizations.js";
import { inPageWords, kindName, shortHash, StateBadge } from "./transfers.js";

const t = messages({
  "zh-CN": {
    title: "组织关系转接详情",
    back: "返回转接列表",
    facts: "转接信息",
    state: "状态",
    direction: "方向",
    outgoing: "转出（本组织开具）",
    incoming: "转入（转来本组织）",
    internalDirection: "本组织内部转接",
    neither: "不涉及本组织",
    kind: "类型",
    member: "党员",
    memberFile: "查看党员档案",
    memberKey: "党员链上标识",
    from: "转出组织",
    to: "转入组织",
    exported: "{name}（联盟外单位，已导出）",
    validUntil: "有效期至",
    createdAt: "开具时间",
    updatedAt: "最近更新",
    reason: "原因",
    replaces: "替代的介绍信",
    transferId: "转接编号",
    letterHash: "介绍信哈希",
    receiptHash: "回执哈希",
    origin: "开具方",
    issuedHere: "本系统开具",
    issuedElsewhere: "联盟内其他高校开具，经联盟链送达",
    letterTitle: "介绍信",
    downloadLetter: "下载介绍信 PDF",
    downloading: "正在生成…",
    letterHint: "介绍信上的二维码指向公开核验页面，收件单位扫码即可核验。",
    cancelTitle: "撤销介绍信",
    cancelReason: "撤销原因",
    cancel: "撤销介绍信",
    cancelled: "介绍信已撤销。",
    decisionTitle: "办理",
    onlyApprovers: "接收或退回由转入组织所在党委的审批人办理。",
    accept: "接收",
    acceptHint: "档案核验结论为“可以接收”后才能接收。",
    accepted: "已接收，党员已转入本组织。",
    acceptingSent: "已提交接收，正在等待联盟链确认；确认后党员档案导入本组织。",
    acceptingTitle: "等待联盟链确认",
    acceptingText: "接收已提交到联盟链。链上确认后，系统才把党员档案导入本组织；在此之前本组织不持有该党员的任何记录。本页会自动刷新。",
    refusedTitle: "联盟链拒绝了上一次接收",
    refusedText: "党员档案没有导入。系统正在重新获取转出方的档案，请重新核验后再接收，或退回介绍信。",
    refusedAnnouncement: "联盟链拒绝了接收，党员档案没有导入。",
    refusalCode: "链上返回：{name}",
    "refusal.TransferLedgerHeadMismatch": "转出方在本组织核验之后又登记了新的记录，链上的档案与核验时不一致。",
    "refusal.TransferLedgerKindMismatch": "党员的发展阶段已经变化，与介绍信的转接类型不再相符。",
    "refusal.TransferLedgerExpired": "介绍信已过期。",
    "refusal.TransferLedgerWrongState": "这次转接在链上已经办结（已撤销或已退回）。",
    rejectReason: "退回原因",
    reject: "退回",
    rejected: "介绍信已退回。",
    internal: "这是本系统内的转接：党员档案已在本系统中，无需从外校获取和核验。",
    reviewTitle: "档案核验",
    reviewIntro: "本系统根据联盟链上的记录独立核验转来的党员档案，每次打开都会重新计算。",
    ACCEPTABLE: "可以接收",
    NOT_ACCEPTABLE: "不能接收",
    WAITING_FOR_FILE: "等待档案",
    "verdictText.ACCEPTABLE": "各项核验均已通过。",
    "verdictText.NOT_ACCEPTABLE": "有核验项未通过，请退回或与转出单位联系。",
    "verdictText.WAITING_FOR_FILE": "尚未收到转出单位的党员档案。",
    fileReceived: "档案已于 {time} 收到（{via}）。",
    FETCH: "从转出单位获取",
    PACKAGE: "导入档案包",
    fileWaiting: "尚未收到档案，已尝试获取 {attempts} 次。",
    lastError: "最近一次获取失败：{error}",
    fetchAgain: "重新获取档案",
    fetching: "正在获取…",
    fetched: "已重新获取档案，核验结论：{verdict}。",
    details: "技术细节",
    findingsTitle: "提醒事项",
    finding: "第 {sequence} 条记录（{step}）：{message}",
    memberTitle: "档案中的党员",
    stage: "发展阶段",
    recordCount: "记录条数",
    head: "链上最新记录",
    name: "姓名",
    gender: "性别",
    M: "男",
    F: "女",
    birthDate: "出生日期",
    idNumber: "身份证号",
    phone: "联系电话",
    unit: "工作单位",
    "check.letter": "介绍信",
    "check.transfer": "转接状态",
    "check.file": "档案完整性",
    "check.checkpoints": "链上检查点",
    "check.signers": "存证密钥",
    "check.rules": "规则复核",
    "check.evidence": "证明材料",
    "reason.letter.matches": "介绍信的内容与联盟链上登记的介绍信哈希一致。",
    "reason.letter.awaitingFile": "介绍信哈希包含持信人信息，收到对方的党员档案后再核对。",
    "reason.letter.mismatch": "介绍信的内容与链上登记的哈希不一致，介绍信可能被改动过。",
    "reason.transfer.open": "这次转接在链上处于待接收状态，转入组织和党员都与介绍信一致。",
    "reason.transfer.notOpen": "这次转接在链上已不是待接收状态（已过期、撤销、退回或接收），不能再接收。",
    "reason.transfer.notOnChain": "联盟链上没有这次转接的记录。",
    "reason.file.complete": "档案包含该党员在链上登记的全部记录，每条记录都未被改动。",
    "reason.file.incomplete": "档案不完整：链上登记的记录比档案中的多，或最后一条不同。",
    "reason.checkpoints.verified": "每条记录都已被链上确认的检查点收录。",
    "reason.checkpoints.notIncluded": "部分记录尚未上链或尚未被检查点收录，请稍后重新获取档案。",
    "reason.signers.verified": "每次上链都由当时有存证权的党委密钥发出。",
    "reason.rules.hold": "按发展党员工作细则逐条复核，全部符合，没有提醒事项。",
    "reason.rules.softFindings": "符合各项硬性规定，但有需要留意的提醒事项（见下方）。",
    "reason.rules.hardRuleBroken": "复核发现有记录违反硬性规定。",
    "reason.evidence.complete": "记录所引用的证明材料齐全，且与登记的指纹一致。",
    "reason.evidence.missing": "记录所引用的证明材料有缺失。",
    "reason.evidence.altered": "有证明材料与记录中登记的指纹不符，可能被改动过。",
    "code.FILE_DOES_NOT_VERIFY": "档案核验未通过",
    "code.FILE_INCOMPLETE": "档案不完整",
    "code.LETTER_MISMATCH": "介绍信与链上记录不符",
    "code.NOT_OUR_MEMBER": "不是本组织应接收的党员",
    "code.WRONG_DESTINATION": "转入组织有误",
    "code.MEMBER_DECLINED": "党员本人放弃转接",
    "code.ISSUED_IN_ERROR": "误开具",
    "code.OTHER": "其他原因",
    "code.REISSUED": "已补开新的介绍信",
    chainCode: "链上原因代码 {code}",
    "rule.transfer.fileMissing": "尚未收到党员档案，不能接收。",
    "rule.transfer.reviewFailed": "档案核验未通过，不能接收。",
    "rule.transfer.expired": "介绍信已过期。",
    "rule.transfer.notOpen": "这封介绍信已经办结，请刷新页面。",
    "rule.transfer.accepting": "接收已提交，正在等待联盟链确认。",
    "rule.scope.approvingCommittee": "只有有审批权的相关党委审批人可以办理。",
    "rule.personalData.notGranted": "介绍信上有党员的个人信息，你的账号无权查看个人信息。",
  },
  en: {
    title: "Transfer",
    back: "Back to the transfers",
    facts: "The transfer",
    state: "State",
    direction: "Direction",
    outgoing: "Outgoing (issued by your organization)",
    incoming: "Incoming (to your organization)",
    internalDirection: "Within your organization",
    neither: "Not your organization's",
    kind: "Kind",
    member: "Member",
    memberFile: "Open the member's file",
    memberKey: "Member key on chain",
    from: "From",
    to: "To",
    exported: "{name} (outside the consortium, exported)",
    validUntil: "Valid until",
    createdAt: "Issued",
    updatedAt: "Last changed",
    reason: "Reason",
    replaces: "Replaces the letter",
    transferId: "Transfer id",
    letterHash: "Letter hash",
    receiptHash: "Receipt hash",
    origin: "Issued by",
    issuedHere: "This instance",
    issuedElsewhere: "Another university of the consortium, delivered through the chain",
    letterTitle: "Letter",
    downloadLetter: "Download the letter (PDF)",
    downloading: "Preparing…",
    letterHint: "The letter's QR code opens the public verification page: the destination checks the letter by scanning it.",
    cancelTitle: "Cancel the letter",
    cancelReason: "Reason for cancelling",
    cancel: "Cancel the letter",
    cancelled: "The letter was cancelled.",
    decisionTitle: "Decision",
    onlyApprovers: "An approver of the destination's committee accepts or rejects a transfer.",
    accept: "Accept",
    acceptHint: "A transfer is accepted once the review says it can be.",
    accepted: "Accepted: the member now belongs to your organization.",
    acceptingSent: "Acceptance sent: waiting for the chain to confirm it; the member's file is imported then.",
    acceptingTitle: "Waiting for the chain",
    acceptingText:
      "The acceptance was sent to the chain. Only once the chain confirms it is the member's file imported into your organization; until then your organization holds none of the member's records. This page refreshes by itself.",
    refusedTitle: "The chain refused the last acceptance",
    refusedText: "Nothing was imported. The source's file is being fetched again: review it again, then accept, or reject the letter.",
    refusedAnnouncement: "The chain refused the acceptance; nothing was imported.",
    refusalCode: "The chain answered: {name}",
    "refusal.TransferLedgerHeadMismatch":
      "The source recorded a new step after your review: the member's chain no longer ends where the reviewed file did.",
    "refusal.TransferLedgerKindMismatch": "The member's stage changed: it no longer fits the kind of the letter.",
    "refusal.TransferLedgerExpired": "The letter has expired.",
    "refusal.TransferLedgerWrongState": "The transfer is already closed on chain (cancelled or rejected).",
    rejectReason: "Reason for rejecting",
    reject: "Reject",
    rejected: "The letter was rejected.",
    internal: "A transfer within this instance: the member's file is already here, there is nothing to fetch or review.",
    reviewTitle: "Review of the member's file",
    reviewIntro: "This instance checks the incoming file against the chain on its own, anew each time the page opens.",
    ACCEPTABLE: "Can be accepted",
    NOT_ACCEPTABLE: "Cannot be accepted",
    WAITING_FOR_FILE: "Waiting for the file",
    "verdictText.ACCEPTABLE": "Every check passed.",
    "verdictText.NOT_ACCEPTABLE": "A check failed: reject the transfer or contact the source.",
    "verdictText.WAITING_FOR_FILE": "The source's file of the member has not arrived yet.",
    fileReceived: "The file arrived on {time} ({via}).",
    FETCH: "fetched from the source",
    PACKAGE: "imported from a package",
    fileWaiting: "The file has not arrived; {attempts} attempt(s) to fetch it so far.",
    lastError: "The last attempt failed: {error}",
    fetchAgain: "Fetch the file again",
    fetching: "Fetching…",
    fetched: "The file was fetched again. Review: {verdict}.",
    details: "Technical details",
    findingsTitle: "Findings to review",
    finding: "Record {sequence} ({step}): {message}",
    memberTitle: "The member in the file",
    stage: "Stage",
    recordCount: "Records",
    head: "Latest record on chain",
    name: "Name",
    gender: "Gender",
    M: "Male",
    F: "Female",
    birthDate: "Date of birth",
    idNumber: "ID number",
    phone: "Phone",
    unit: "Work unit",
    "check.letter": "Letter",
    "check.transfer": "Transfer state",
    "check.file": "Completeness of the file",
    "check.checkpoints": "Checkpoints on chain",
    "check.signers": "Attesting keys",
    "check.rules": "Rules",
    "check.evidence": "Evidence",
    "reason.letter.matches": "The letter's contents match the letter hash registered on the chain.",
    "reason.letter.awaitingFile": "The letter hash binds the holder: it is checked once the member's file arrives.",
    "reason.letter.mismatch": "The letter's contents do not match the hash on the chain: the letter may have been altered.",
    "reason.transfer.open": "The transfer is open on the chain, to this organization, for this member.",
    "reason.transfer.notOpen":
      "The transfer is no longer open on the chain (expired, cancelled, rejected or accepted): it cannot be accepted.",
    "reason.transfer.notOnChain": "The chain holds no such transfer.",
    "reason.file.complete": "The file holds every record the chain registers for the member, none altered.",
    "reason.file.incomplete": "The file is incomplete: the chain registers more records, or a different last one.",
    "reason.checkpoints.verified": "Every record is included in a checkpoint confirmed on the chain.",
    "reason.checkpoints.notIncluded": "Some records are not yet anchored or covered by a checkpoint: fetch the file again later.",
    "reason.signers.verified": "Every anchor was sent by a key that was an attester of its committee at the time.",
    "reason.rules.hold": "Replaying the rules over every record finds nothing wrong.",
    "reason.rules.softFindings": "The hard rules hold, with findings to review (listed below).",
    "reason.rules.hardRuleBroken": "Replaying the rules finds a record that breaks a hard rule.",
    "reason.evidence.complete": "Every evidence file the records name is present and matches its digest.",
    "reason.evidence.missing": "Evidence files the records name are missing.",
    "reason.evidence.altered": "An evidence file does not match the digest its record names: it may have been altered.",
    "code.FILE_DOES_NOT_VERIFY": "The file does not verify",
    "code.FILE_INCOMPLETE": "The file is incomplete",
    "code.LETTER_MISMATCH": "The letter does not match the chain",
    "code.NOT_OUR_MEMBER": "Not a member for this organization",
    "code.WRONG_DESTINATION": "Wrong destination",
    "code.MEMBER_DECLINED": "The member withdrew",
    "code.ISSUED_IN_ERROR": "Issued in error",
    "code.OTHER": "Other",
    "code.REISSUED": "Replaced by a reissued letter",
    chainCode: "Reason code {code} on chain",
    "rule.transfer.fileMissing": "The member's file has not arrived: the transfer cannot be accepted yet.",
    "rule.transfer.reviewFailed": "The member's file does not verify: the transfer cannot be accepted.",
    "rule.transfer.expired": "The letter has expired.",
    "rule.transfer.notOpen": "The letter is already closed: reload the page.",
    "rule.transfer.accepting": "The acceptance was sent and waits for the chain to confirm it.",
    "rule.scope.approvingCommittee": "Only an approver of the committee concerned decides this.",
    "rule.personalData.notGranted": "The letter names the member, whose personal data your account is not granted.",
  },
});

/** How often the page reads an ACCEPTING transfer again, until the chain's acceptance is final or refused. */
const ACCEPTING_POLL_MS = 2000;

/** The reason codes the API offers (TRANSFER_REASON_CODES), as each side uses them. */
const REJECT_REASONS = [
  "FILE_DOES_NOT_VERIFY",
  "FILE_INCOMPLETE",
  "LETTER_MISMATCH",
  "NOT_OUR_MEMBER",
  "WRONG_DESTINATION",
  "MEMBER_DECLINED",
  "OTHER",
];
const CANCEL_REASONS = ["ISSUED_IN_ERROR", "MEMBER_DECLINED", "WRONG_DESTINATION", "OTHER"];
const VERDICT_CLASSES = { ACCEPTABLE: "verdict-ok", NOT_ACCEPTABLE: "verdict-bad", WAITING_FOR_FILE: "verdict-waiting" };
const PERSONAL_FIELDS = ["name", "gender", "birthDate", "idNumber", "phone", "unit"];

function reasonName(code) {
  const onChain = /^CHAIN_CODE_(\d+)$/.exec(code);
  if (onChain) return t("chainCode", { code: onChain[1] });
  const key = `code.${code}`;
  return t(key) === key ? code : t(key);
}

/** The plain sentence for a review step's reason, or null when this page has none for it. */
function stepSentence(step) {
  const key = `reason.${step.reason}`;
  return t(key) === key ? null : t(key);
}

/** One action at a time: { busy, error, run(work, done) }, `done` being the announcement or a function of the result giving it. */
function useAction(announce) {
  const [state, setState] = useState({ busy: false, error: null });
  const run = async (work, done) => {
    setState({ busy: true, error: null });
    announce(null);
    try {
      const result = await work();
      setState({ busy: false, error: null });
      announce(typeof done === "function" ? done(result) : done);
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return { ...state, run };
}

function sidesOf(organizations, orgId, transfer) {
  return {
    outgoing: transfer.issuedHere && isInSubtree(organizations, orgId, transfer.fromOrgId),
    incoming: transfer.toOrgId !== null && isInSubtree(organizations, orgId, transfer.toOrgId),
  };
}

function directionName({ outgoing, incoming }) {
  if (outgoing && incoming) return t("internalDirection");
  return outgoing ? t("outgoing") : incoming ? t("incoming") : t("neither");
}

function Facts({ transfer, organizations, sides }) {
  return html`
    <section class="panel transfer-panel" aria-labelledby="transfer-facts">
      <h2 id="transfer-facts">${t("facts")}</h2>
      <dl class="facts transfer-facts">
        <dt>${t("state")}</dt>
        <dd><${StateBadge} state=${transfer.state} /></dd>
        <dt>${t("direction")}</dt>
        <dd>${directionName(sides)}</dd>
        <dt>${t("kind")}</dt>
        <dd>${kindName(transfer.kind)}</dd>
        <dt>${t("member")}</dt>
        <dd>
          ${
            transfer.memberId
              ? html`<${Link} href=${`/console/members/${transfer.memberId}`}>${t("memberFile")}<//>`
              : html`<span class="mono">${transfer.memberKey}</span> <span class="hint">(${t("memberKey")})</span>`
          }
        </dd>
        <dt>${t("from")}</dt>
        <dd>${organizationName(organizations, transfer.fromOrgId)}</dd>
        <dt>${t("to")}</dt>
        <dd>${transfer.exported ? t("exported", { name: organizationName(organizations, null) }) : organizationName(organizations, transfer.toOrgId)}</dd>
        <dt>${t("validUntil")}</dt>
        <dd>${formatDateTime(transfer.validUntil)}</dd>
        <dt>${t("createdAt")}</dt>
        <dd>${formatDateTime(transfer.createdAt)}</dd>
        ${transfer.updatedAt !== transfer.createdAt ? html`<dt>${t("updatedAt")}</dt><dd>${formatDateTime(transfer.updatedAt)}</dd>` : null}
        ${transfer.reasonCode ? html`<dt>${t("reason")}</dt><dd>${reasonName(transfer.reasonCode)}</dd>` : null}
        ${
          transfer.replaces
            ? html`<dt>${t("replaces")}</dt><dd><${Link} href=${`/console/transfers/${transfer.replaces}`} class="mono">${shortHash(transfer.replaces)}<//></dd>`
            : null
        }
        <dt>${t("origin")}</dt>
        <dd>${transfer.issuedHere ? t("issuedHere") : t("issuedElsewhere")}</dd>
        <dt>${t("transferId")}</dt>
        <dd class="mono">${transfer.id}</dd>
        <dt>${t("letterHash")}</dt>
        <dd class="mono">${transfer.letterHash}</dd>
        ${transfer.receiptHash ? html`<dt>${t("receiptHash")}</dt><dd class="mono">${transfer.receiptHash}</dd>` : null}
      </dl>
    </section>
  `;
}

function ReasonSelect({ id, label, reasons, value, onChange }) {
  return html`
    <${Field} id=${id} label=${label} required>
      ${(attributes) => html`
        <select ...${attributes} value=${value} onChange=${(event) => onChange(event.currentTarget.value)}>
          ${reasons.map((code) => html`<option value=${code}>${reasonName(code)}</option>`)}
        </select>
      `}
    <//>
  `;
}

function Outgoing({ transfer, approver, onChanged, announce }) {
  const letter = useAction(announce);
  const cancellation = useAction(announce);
  const [reason, setReason] = useState(CANCEL_REASONS[0]);
  const cancel = (event) => {
    event.preventDefault();
    cancellation.run(async () => {
      await api(`/api/transfers/${transfer.id}/cancel`, { method: "POST", body: { reasonCode: reason } });
      onChanged();
    }, t("cancelled"));
  };
  return html`
    ${
      transfer.issuedHere
        ? html`
          <section class="panel transfer-panel" aria-labelledby="transfer-letter">
            <h2 id="transfer-letter">${t("letterTitle")}</h2>
            <p class="hint">${t("letterHint")}</p>
            <${ErrorMessage} error=${inPageWords(t, letter.error)} />
            <div class="actions">
              <button type="button" disabled=${letter.busy} onClick=${() => letter.run(() => download(`/api/transfers/${transfer.id}/letter.pdf`, `介绍信-${transfer.letterNumber ?? transfer.id.slice(0, 10)}.pdf`), null)}>
                ${letter.busy ? t("downloading") : t("downloadLetter")}
              </button>
            </div>
          </section>
        `
        : null
    }
    ${
      transfer.state === "ISSUED" && approver
        ? html`
          <section class="panel transfer-panel" aria-labelledby="transfer-cancel">
            <h2 id="transfer-cancel">${t("cancelTitle")}</h2>
            <form onSubmit=${cancel}>
              <${ErrorMessage} error=${inPageWords(t, cancellation.error)} />
              <${ReasonSelect} id="cancelReason" label=${t("cancelReason")} reasons=${CANCEL_REASONS} value=${reason} onChange=${setReason} />
              <div class="actions"><button type="submit" class="secondary" disabled=${cancellation.busy}>${t("cancel")}</button></div>
            </form>
          </section>
        `
        : null
    }
  `;
}

function PersonalData({ personal }) {
  const present = PERSONAL_FIELDS.filter((field) => personal[field]);
  return present.map(
    (field) =>
      html`<dt>${t(field)}</dt><dd class=${field === "idNumber" ? "mono" : undefined}>${field === "gender" ? t(personal.gender) : personal[field]}</dd>`,
  );
}

function Review({ review, approver, fetching, onFetch }) {
  const rules = useAsync(loadRules, []);
  const { verdict, file, steps, findings, member } = review;
  return html`
    <section class="panel transfer-panel" aria-labelledby="transfer-review">
      <h2 id="transfer-review">${t("reviewTitle")}</h2>
      <p class="hint">${t("reviewIntro")}</p>
      <div class=${`verdict ${VERDICT_CLASSES[verdict]}`}>
        <p class="verdict-title">${t(verdict)}</p>
        <p class="verdict-text">${t(`verdictText.${verdict}`)}</p>
      </div>
      <p>
        ${
          file.state === "RECEIVED"
            ? t("fileReceived", { time: formatDateTime(file.receivedAt), via: t(file.receivedVia) })
            : t("fileWaiting", { attempts: file.attempts })
        }
      </p>
      ${file.state !== "RECEIVED" && file.lastError ? html`<p class="hint">${t("lastError", { error: file.lastError })}</p>` : null}
      ${
        verdict === "WAITING_FOR_FILE" && approver
          ? html`<div class="actions"><button type="button" class="secondary" disabled=${fetching} onClick=${onFetch}>${fetching ? t("fetching") : t("fetchAgain")}</button></div>`
          : null
      }
      <ol class="checks review-steps">
        ${steps.map((step) => {
          const sentence = stepSentence(step);
          return html`
            <li key=${step.check}>
              <${Mark} status=${step.status} />
              <div>
                <p class="check-title">${t(`check.${step.check}`)}</p>
                <p class="review-sentence">${sentence ?? step.message}</p>
                ${
                  sentence
                    ? html`<details class="review-details"><summary>${t("details")}</summary><p class="mono">${step.message}</p></details>`
                    : null
                }
              </div>
            </li>
          `;
        })}
      </ol>
      ${
        findings.length > 0
          ? html`
            <h3>${t("findingsTitle")}</h3>
            <ul class="review-findings">
              ${findings.map((finding) => html`<li>${t("finding", finding)}</li>`)}
            </ul>
          `
          : null
      }
      ${
        member
          ? html`
            <h3>${t("memberTitle")}</h3>
            <dl class="facts transfer-facts">
              ${member.personal ? html`<${PersonalData} personal=${member.personal} />` : null}
              <dt>${t("stage")}</dt>
              <dd>${stageName(rules.data, member.stage)}</dd>
              <dt>${t("recordCount")}</dt>
              <dd>${member.recordCount}</dd>
              <dt>${t("memberKey")}</dt>
              <dd class="mono">${member.memberKey}</dd>
              <dt>${t("head")}</dt>
              <dd class="mono">${member.head}</dd>
            </dl>
          `
          : null
      }
    </section>
  `;
}

function Decision({ transfer, acceptable, onChanged, announce }) {
  const decision = useAction(announce);
  const [reason, setReason] = useState(REJECT_REASONS[0]);
  const decide = (path, body, done) =>
    decision.run(async () => {
      const result = await api(`/api/transfers/${transfer.id}/${path}`, { method: "POST", body });
      onChanged();
      return result;
    }, done);
  const reject = (event) => {
    event.preventDefault();
    decide("reject", { reasonCode: reason }, t("rejected"));
  };
  return html`
    <section class="panel transfer-panel" aria-labelledby="transfer-decision">
      <h2 id="transfer-decision">${t("decisionTitle")}</h2>
      <${ErrorMessage} error=${inPageWords(t, decision.error)} />
      <div class="actions decision-accept">
        <button type="button" disabled=${!acceptable || decision.busy} aria-describedby=${acceptable ? undefined : "accept-hint"} onClick=${() => decide("accept", undefined, (result) => t(result.state === "ACCEPTING" ? "acceptingSent" : "accepted"))}>
          ${t("accept")}
        </button>
        ${acceptable ? null : html`<p class="hint" id="accept-hint">${t("acceptHint")}</p>`}
      </div>
      <form class="decision-reject" onSubmit=${reject}>
        <${ReasonSelect} id="rejectReason" label=${t("rejectReason")} reasons=${REJECT_REASONS} value=${reason} onChange=${setReason} />
        <div class="actions"><button type="submit" class="secondary" disabled=${decision.busy}>${t("reject")}</button></div>
      </form>
    </section>
  `;
}

function Accepting() {
  return html`
    <section class="panel transfer-panel" aria-labelledby="transfer-accepting">
      <h2 id="transfer-accepting">${t("acceptingTitle")}</h2>
      <p>${t("acceptingText")}</p>
    </section>
  `;
}

/** Why the chain refused the last acceptance, in words, with what the chain answered. */
function Refused({ refusal }) {
  const key = `refusal.${refusal.name}`;
  return html`
    <section class="panel transfer-panel" aria-labelledby="transfer-refused">
      <h2 id="transfer-refused">${t("refusedTitle")}</h2>
      <p>${t(key) === key ? refusal.message : t(key)}</p>
      <p>${t("refusedText")}</p>
      <details class="review-details"><summary>${t("refusalCode", { name: refusal.name })}</summary><p class="mono">${refusal.message}</p></details>
    </section>
  `;
}

/** Reads an ACCEPTING transfer again until the chain settles it, and says how it settled. */
function useChainSettlement(transfer, announce) {
  const previous = useRef(null);
  const state = transfer.data?.state;
  useEffect(() => {
    if (previous.current === "ACCEPTING" && state === "ACCEPTED") announce(t("accepted"));
    if (previous.current === "ACCEPTING" && state === "ISSUED") announce(t("refusedAnnouncement"));
    previous.current = state ?? previous.current;
    if (state !== "ACCEPTING") return undefined;
    const timer = setTimeout(transfer.reload, ACCEPTING_POLL_MS);
    return () => clearTimeout(timer);
  }, [transfer.data]);
}

/**
 * At the destination: a transfer from another institution is reviewed before the decision, and its verdict comes
 * first; one issued here is not reviewed. `children` (the facts) go between the verdict and the decision.
 */
function Incoming({ transfer, approver, onChanged, announce, children }) {
  const reviewed = !transfer.issuedHere && transfer.state === "ISSUED";
  const review = useAsync(() => (reviewed ? api(`/api/transfers/${transfer.id}/review`) : Promise.resolve(null)), [transfer.id, reviewed]);
  const refetch = useAction(announce);
  const fetchAgain = () =>
    refetch.run(
      () => api(`/api/transfers/${transfer.id}/fetch`, { method: "POST" }),
      (result) => {
        review.reload();
        return t("fetched", { verdict: t(result.verdict) });
      },
    );
  const acceptable = transfer.issuedHere || review.data?.verdict === "ACCEPTABLE";
  return html`
    ${transfer.issuedHere ? html`<p class="panel transfer-panel">${t("internal")}</p>` : null}
    ${transfer.state === "ACCEPTING" ? html`<${Accepting} />` : null}
    ${transfer.state === "ISSUED" && transfer.acceptanceRefusal ? html`<${Refused} refusal=${transfer.acceptanceRefusal} />` : null}
    ${reviewed && review.loading && !review.data ? html`<${Loading} />` : null}
    <${ErrorMessage} error=${inPageWords(t, review.error ?? refetch.error)} onRetry=${review.error ? review.reload : undefined} />
    ${review.data ? html`<${Review} review=${review.data} approver=${approver} fetching=${refetch.busy} onFetch=${fetchAgain} />` : null}
    ${children}
    ${
      transfer.state === "ISSUED"
        ? approver
          ? html`<${Decision} transfer=${transfer} acceptable=${acceptable} onChanged=${onChanged} announce=${announce} />`
          : html`<p class="hint">${t("onlyApprovers")}</p>`
        : null
    }
  `;
}

export default function TransferPage({ params }) {
  const { transferId } = params;
  const account = session()?.account;
  const approver = account?.role === "APPROVER";
  const transfer = useAsync(() => api(`/api/transfers/${encodeURIComponent(transferId)}`), [transferId]);
  const organizations = useOrganizations();
  const [announcement, announce] = useState(null);
  useChainSettlement(transfer, announce);
  const data = transfer.data;
  // A committee above both ends (a transfer inside one university) acts as source and as destination.
  const sides = data && account ? sidesOf(organizations.byId, account.orgId, data) : { outgoing: false, incoming: false };
  const facts = data && html`<${Facts} transfer=${data} organizations=${organizations.byId} sides=${sides} />`;
  const outgoing = sides.outgoing
    ? html`<${Outgoing} transfer=${data} approver=${approver} onChanged=${transfer.reload} announce=${announce} />`
    : null;
  return html`
    <${PageHeading} title=${t("title")}>${data ? html`<${StateBadge} state=${data.state} />` : null}<//>
    <p><${Link} href="/console/transfers">${t("back")}<//></p>
    <p role="status" class=${announcement ? "success-message" : "visually-hidden"}>${announcement ?? ""}</p>
    <${ErrorMessage} error=${transfer.error} onRetry=${transfer.reload} />
    ${!data && !transfer.error ? html`<${Loading} />` : null}
    ${
      data && organizations.data
        ? sides.incoming
          ? html`<${Incoming} transfer=${data} approver=${approver} onChanged=${transfer.reload} announce=${announce}>${facts}${outgoing}<//>`
          : html`${facts}${outgoing}`
        : null
    }
    <${ErrorMessage} error=${organizations.error} onRetry=${organizations.reload} />
  `;
}
