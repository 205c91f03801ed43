// The front door: verify a letter or a proof without an account, or log in to the console.
import { html } from "/portal/vendor/preact-htm.js";
import { messages } from "../lib/i18n.js";
import { Link } from "../lib/router.js";
import { PageHeading } from "../lib/ui.js";

const t = messages({
  "zh-CN": {
    title: "存证：党员发展与组织关系转接",
    intro: "各高校党组织在联盟链上为党员发展记录和组织关系转接存证。个人信息只保存在本校，链上只有无法反推个人信息的哈希。",
    verifyTitle: "核验介绍信或存证",
    verifyText: "收到介绍信或证明文件？无需登录，即可逐项核验它是否由联盟中的党委签发、是否被改动过。",
    verifyAction: "开始核验",
    consoleTitle: "工作人员入口",
    consoleText: "组织委员、党委审批人和审计员登录后办理党员发展、组织关系转接和审计。",
    consoleAction: "登录",
  },
  en: {
    title: "cunzheng: attested membership development and transfers",
    intro:
      "University Party organizations attest membership development records and transfers on a consortium chain. Personal data stays at each university; the chain holds only hashes that reveal nothing about a person.",
    verifyTitle: "Verify a letter or a proof",
    verifyText:
      "Received a transfer letter or a proof file? Check, step by step and without an account, that a committee of the consortium issued it and that nothing was changed.",
    verifyAction: "Start verifying",
    consoleTitle: "Staff",
    consoleText: "Clerks, approvers and auditors log in to record development steps, handle transfers and audit.",
    consoleAction: "Log in",
  },
});

export default function HomePage() {
  return html`
    <${PageHeading} title=${t("title")} />
    <p>${t("intro")}</p>
    <div class="grid">
      <section class="panel" aria-labelledby="home-verify">
        <h2 id="home-verify">${t("verifyTitle")}</h2>
        <p>${t("verifyText")}</p>
        <${Link} href="/verify" class="button">${t("verifyAction")}<//>
      </section>
      <section class="panel" aria-labelledby="home-console">
        <h2 id="home-console">${t("consoleTitle")}</h2>
        <p>${t("consoleText")}</p>
        <${Link} href="/login" class="button">${t("consoleAction")}<//>
      </section>
    </div>
  `;
}
