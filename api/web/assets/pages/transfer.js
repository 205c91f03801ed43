// One transfer: its facts, the letter's PDF and cancellation at the source; at the destination, the review of the
// member's file (computed from the chain) and the decision to accept or reject it. Another university's transfer is
// imported only once the chain's acceptance is final: the page follows it until then, and shows a refusal's reason.
import { html, useState } from "/portal/vendor/preact-htm.js";
import { api, may, session } from "../lib/api.js";
import { messages } from "../lib/i18n.js";
import { useOrganizations } from "../lib/organizations.js";
import { Link } from "../lib/router.js";
import { ErrorMessage, Loading, PageHeading, useAsync } from "../lib/ui.js";
import { Facts, sidesOf } from "./transfer/facts.js";
import { Incoming, useChainSettlement } from "./transfer/incoming.js";
import { Outgoing } from "./transfer/outgoing.js";
import { StateBadge } from "./transfers.js";

const t = messages({
  "zh-CN": {
    title: "组织关系转接详情",
    back: "返回转接列表",
  },
  en: {
    title: "Transfer",
    back: "Back to the transfers",
  },
});

export default function TransferPage({ params }) {
  const { transferId } = params;
  const account = session()?.account;
  const approver = may("approve");
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
