// At the source: the letter's PDF for a transfer issued here, and its cancellation while it is still open.
import { html } from "/portal/vendor/preact-htm.js";
import { api, download } from "../../lib/api.js";
import { messages } from "../../lib/i18n.js";
import { ErrorMessage } from "../../lib/ui.js";
import { ReasonSelect, refusalInWords, useAction, useReason } from "./actions.js";

const t = messages({
  "zh-CN": {
    letterTitle: "介绍信",
    downloadLetter: "下载介绍信 PDF",
    downloading: "正在生成…",
    letterHint: "介绍信上的二维码指向公开核验页面，收件单位扫码即可核验。",
    cancelTitle: "撤销介绍信",
    cancelReason: "撤销原因",
    cancel: "撤销介绍信",
    cancelled: "介绍信已撤销。",
  },
  en: {
    letterTitle: "Letter",
    downloadLetter: "Download the letter (PDF)",
    downloading: "Preparing…",
    letterHint: "The letter's QR code opens the public verification page: the destination checks the letter by scanning it.",
    cancelTitle: "Cancel the letter",
    cancelReason: "Reason for cancelling",
    cancel: "Cancel the letter",
    cancelled: "The letter was cancelled.",
  },
});

export function Outgoing({ transfer, approver, onChanged, announce }) {
  const letter = useAction(announce);
  const cancellation = useAction(announce);
  const { reasons, reason, setReason } = useReason("cancel");
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
            <${ErrorMessage} error=${refusalInWords(letter.error)} />
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
              <${ErrorMessage} error=${refusalInWords(cancellation.error)} />
              <${ReasonSelect} id="cancelReason" label=${t("cancelReason")} reasons=${reasons} value=${reason} onChange=${setReason} />
              <div class="actions"><button type="submit" class="secondary" disabled=${cancellation.busy}>${t("cancel")}</button></div>
            </form>
          </section>
        `
        : null
    }
  `;
}
