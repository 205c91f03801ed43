// What the page does to a transfer: one action at a time with its announcement, the reason codes each side offers and
// their names, and the API's refusals in the page's words.
import { html, useState } from "/portal/vendor/preact-htm.js";
import { messages } from "../../lib/i18n.js";
import { Field } from "../../lib/ui.js";
import { useVocabulary } from "../../lib/vocabulary.js";
import { inPageWords } from "../transfers.js";

const t = messages({
  "zh-CN": {
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

/**
 * The reasons the API offers one side ("reject" at the destination, "cancel" at the source; GET /api/vocabulary's
 * transferReasons) and the one chosen, the first until another is.
 */
export function useReason(side) {
  const vocabulary = useVocabulary();
  const reasons = vocabulary.data?.transferReasons[side] ?? [];
  const [chosen, setChosen] = useState(null);
  return { reasons, reason: chosen ?? reasons[0] ?? "", setReason: setChosen };
}

export function reasonName(code) {
  const onChain = /^CHAIN_CODE_(\d+)$/.exec(code);
  if (onChain) return t("chainCode", { code: onChain[1] });
  const key = `code.${code}`;
  return t(key) === key ? code : t(key);
}

/** An error of the API, a refused rule named in the page's words. */
export function refusalInWords(error) {
  return inPageWords(t, error);
}

/** One action at a time: { busy, error, run(work, done) }, `done` being the announcement or a function of the result giving it. */
export function useAction(announce) {
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

export function ReasonSelect({ id, label, reasons, value, onChange }) {
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
