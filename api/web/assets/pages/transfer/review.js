// At the destination, the review of another university's file of the member, computed from the chain: the verdict,
// each check in a plain sentence, the findings, and the member the file holds.
import { html } from "/portal/vendor/preact-htm.js";
import { formatDateTime, messages } from "../../lib/i18n.js";
import { loadRules, stageName } from "../../lib/rules.js";
import { Mark, useAsync } from "../../lib/ui.js";

const t = messages({
  "zh-CN": {
    memberKey: "党员链上标识",
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
  },
  en: {
    memberKey: "Member key on chain",
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
  },
});

const VERDICT_CLASSES = { ACCEPTABLE: "verdict-ok", NOT_ACCEPTABLE: "verdict-bad", WAITING_FOR_FILE: "verdict-waiting" };
const PERSONAL_FIELDS = ["name", "gender", "birthDate", "idNumber", "phone", "unit"];

/** The verdict in words, as the review names it. */
export function verdictName(verdict) {
  return t(verdict);
}

/** The plain sentence for a review step's reason, or null when this page has none for it. */
function stepSentence(step) {
  const key = `reason.${step.reason}`;
  return t(key) === key ? null : t(key);
}

function PersonalData({ personal }) {
  const present = PERSONAL_FIELDS.filter((field) => personal[field]);
  return present.map(
    (field) =>
      html`<dt>${t(field)}</dt><dd class=${field === "idNumber" ? "mono" : undefined}>${field === "gender" ? t(personal.gender) : personal[field]}</dd>`,
  );
}

export function Review({ review, approver, fetching, onFetch }) {
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
