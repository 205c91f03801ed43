// A transfer's facts: which side of it the reader's organization stands on, and what the transfer says (state, kind,
// member, both ends, dates, reason, the letter it replaces, its hashes).
import { html } from "/portal/vendor/preact-htm.js";
import { formatDateTime, messages } from "../../lib/i18n.js";
import { isInSubtree, organizationName } from "../../lib/organizations.js";
import { Link } from "../../lib/router.js";
import { kindName, shortHash, StateBadge } from "../transfers.js";
import { reasonName } from "./actions.js";

const t = messages({
  "zh-CN": {
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
  },
  en: {
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
  },
});

export function sidesOf(organizations, orgId, transfer) {
  return {
    outgoing: transfer.issuedHere && isInSubtree(organizations, orgId, transfer.fromOrgId),
    incoming: transfer.toOrgId !== null && isInSubtree(organizations, orgId, transfer.toOrgId),
  };
}

function directionName({ outgoing, incoming }) {
  if (outgoing && incoming) return t("internalDirection");
  return outgoing ? t("outgoing") : incoming ? t("incoming") : t("neither");
}

export function Facts({ transfer, organizations, sides }) {
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
