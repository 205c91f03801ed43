// The portal's frame: the header with navigation and the language switch, the route table, and the login guard of
// the console. Pages load on demand, one module each, and export their page as `default`.
import { html, render, useEffect, useState } from "/portal/vendor/preact-htm.js";
import { logout, session } from "./lib/api.js";
import { LANGUAGES, messages, setLanguage, useLanguage } from "./lib/i18n.js";
import { Link, match, navigate, useLocation } from "./lib/router.js";
import { ErrorMessage, Loading } from "./lib/ui.js";

const t = messages({
  "zh-CN": {
    product: "存证",
    tagline: "党员发展与组织关系转接存证",
    skip: "跳到正文",
    navigation: "主导航",
    dashboard: "概览",
    members: "党员发展",
    transfers: "组织关系转接",
    audit: "审计",
    verify: "核验",
    login: "登录",
    logout: "退出登录",
    language: "语言",
    signedInAs: "{username}（{role}）",
    notFound: "找不到这个页面。",
    ORG_ADMIN: "组织管理员",
    CLERK: "组织员",
    APPROVER: "党委审批人",
    AUDITOR: "审计员",
  },
  en: {
    product: "cunzheng",
    tagline: "Attested Party membership records and transfers",
    skip: "Skip to content",
    navigation: "Main navigation",
    dashboard: "Dashboard",
    members: "Members",
    transfers: "Transfers",
    audit: "Audit",
    verify: "Verify",
    login: "Log in",
    logout: "Log out",
    language: "Language",
    signedInAs: "{username} ({role})",
    notFound: "There is no such page.",
    ORG_ADMIN: "organization admin",
    CLERK: "clerk",
    APPROVER: "committee approver",
    AUDITOR: "auditor",
  },
});

const ROUTES = [
  { path: "/", load: () => import("./pages/home.js") },
  { path: "/verify", load: () => import("./pages/verify.js") },
  { path: "/login", load: () => import("./pages/login.js") },
  { path: "/console", load: () => import("./pages/dashboard.js"), console: true },
  { path: "/console/members", load: () => import("./pages/members.js"), console: true },
  { path: "/console/members/:memberId", load: () => import("./pages/member.js"), console: true },
  { path: "/console/transfers", load: () => import("./pages/transfers.js"), console: true },
  { path: "/console/transfers/:transferId", load: () => import("./pages/transfer.js"), console: true },
  { path: "/console/audit", load: () => import("./pages/audit.js"), console: true },
];


function Header({ account }) {
  const language = useLanguage();
  return html`
    <header class="site-header">
      <a class="skip-link" href="#main">${t("skip")}</a>
      <div class="brand">
        <${Link} href=${account ? "/console" : "/"} class="brand-name">${t("product")}<//>
        <span class="brand-tagline">${t("tagline")}</span>
      </div>
      <nav aria-label=${t("navigation")}>
        <ul>
          ${account
            ? html`
                <li><${Link} href="/console">${t("dashboard")}<//></li>
                <li><${Link} href="/console/members">${t("members")}<//></li>
                <li><${Link} href="/console/transfers">${t("transfers")}<//></li>
                ${account.role === "AUDITOR" ? html`<li><${Link} href="/console/audit">${t("audit")}<//></li>` : null}
              `
            : null}
          <li><${Link} href="/verify">${t("verify")}<//></li>
        </ul>
      </nav>
      <div class="header-tools">
        <label class="language-switch">
          <span class="visually-hidden">${t("language")}</span>
          <select value=${language} onChange=${(event) => setLanguage(event.currentTarget.value)}>
            ${LANGUAGES.map((entry) => html`<option value=${entry.code} lang=${entry.code}>${entry.label}</option>`)}
          </select>
        </label>
        ${account
          ? html`
              <span class="account">${t("signedInAs", { username: account.username, role: t(account.role) })}</span>
              <button type="button" class="link-button" onClick=${logout}>${t("logout")}</button>
            `
          : html`<${Link} href="/login">${t("login")}<//>`}
      </div>
    </header>
  `;
}

function Page({ route, params, query }) {
  const [loaded, setLoaded] = useState({ route: null, module: null, error: null });
  useEffect(() => {
    let live = true;
    route.load().then(
      (module) => live && setLoaded({ route, module, error: null }),
      (error) => live && setLoaded({ route, module: null, error }),
    );
    return () => {
      live = false;
    };
  }, [route]);
  // A new page announces itself: focus goes to its heading once it has rendered.
  useEffect(() => {
    if (loaded.route === route) document.getElementById("page-title")?.focus();
  }, [loaded, route]);
  if (loaded.error) return html`<${ErrorMessage} error=${loaded.error} />`;
  if (loaded.route !== route) return html`<${Loading} />`;
  const Component = loaded.module.default;
  return html`<${Component} params=${params} query=${query} />`;
}

function App() {
  useLanguage();
  const { path, query } = useLocation();
  const account = session()?.account ?? null;
  const found = ROUTES.map((route) => ({ route, params: match(route.path, path) })).find((entry) => entry.params);

  useEffect(() => {
    if (found?.route.console && !account) navigate(`/login?next=${encodeURIComponent(path + location.search)}`, { replace: true });
  }, [found, account, path]);

  return html`
    <${Header} account=${account} />
    <main id="main" tabindex="-1">
      ${!found
        ? html`<h1 id="page-title" tabindex="-1">${t("notFound")}</h1>`
        : found.route.console && !account
          ? html`<${Loading} />`
          : html`<${Page} key=${found.route.path} route=${found.route} params=${found.params} query=${query} />`}
    </main>
  `;
}

render(html`<${App} />`, document.getElementById("app"));
