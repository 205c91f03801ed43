// At the destination: the review's verdict first, then the decision to accept or reject; while the chain settles an
// acceptance the page waits for it, and a refusal of the chain is told with its reason.
import { html, useEffect, useRef } from "/portal/vendor/preact-htm.js";
import { api } from "../../lib/api.js";
import { messages } from "../../lib/i18n.js";
import { ErrorMessage, Loading, useAsync } from "../../lib/ui.js";
import { ReasonSelect, refusalInWords, useAction, useReason } from "./actions.js";
import { Review, verdictName } from "./review.js";

const t = messages({
  "zh-CN": {
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
    fetched: "已重新获取档案，核验结论：{verdict}。",
  },
  en: {
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
    fetched: "The file was fetched again. Review: {verdict}.",
  },
});

/** How often the page reads an ACCEPTING transfer again, until the chain's acceptance is final or refused. */
const ACCEPTING_POLL_MS = 2000;

function Decision({ transfer, acceptable, onChanged, announce }) {
  const decision = useAction(announce);
  const { reasons, reason, setReason } = useReason("reject");
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
      <${ErrorMessage} error=${refusalInWords(decision.error)} />
      <div class="actions decision-accept">
        <button type="button" disabled=${!acceptable || decision.busy} aria-describedby=${acceptable ? undefined : "accept-hint"} onClick=${() => decide("accept", undefined, (result) => t(result.state === "ACCEPTING" ? "acceptingSent" : "accepted"))}>
          ${t("accept")}
        </button>
        ${acceptable ? null : html`<p class="hint" id="accept-hint">${t("acceptHint")}</p>`}
      </div>
      <form class="decision-reject" onSubmit=${reject}>
        <${ReasonSelect} id="rejectReason" label=${t("rejectReason")} reasons=${reasons} value=${reason} onChange=${setReason} />
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
export function useChainSettlement(transfer, announce) {
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
export function Incoming({ transfer, approver, onChanged, announce, children }) {
  const reviewed = !transfer.issuedHere && transfer.state === "ISSUED";
  const review = useAsync(() => (reviewed ? api(`/api/transfers/${transfer.id}/review`) : Promise.resolve(null)), [transfer.id, reviewed]);
  const refetch = useAction(announce);
  const fetchAgain = () =>
    refetch.run(
      () => api(`/api/transfers/${transfer.id}/fetch`, { method: "POST" }),
      (result) => {
        review.reload();
        return t("fetched", { verdict: verdictName(result.verdict) });
      },
    );
  const acceptable = transfer.issuedHere || review.data?.verdict === "ACCEPTABLE";
  return html`
    ${transfer.issuedHere ? html`<p class="panel transfer-panel">${t("internal")}</p>` : null}
    ${transfer.state === "ACCEPTING" ? html`<${Accepting} />` : null}
    ${transfer.state === "ISSUED" && transfer.acceptanceRefusal ? html`<${Refused} refusal=${transfer.acceptanceRefusal} />` : null}
    ${reviewed && review.loading && !review.data ? html`<${Loading} />` : null}
    <${ErrorMessage} error=${refusalInWords(review.error ?? refetch.error)} onRetry=${review.error ? review.reload : undefined} />
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
