// The portal's frame: the header with navigation and the language switch, the route table, and the login guard of
// the console. Pages load on demand, one module each, and export their page as `default`.
import { html, render, useEffect, useState } from "/portal/vendor/preact-htm.js";
import { logout, may, onSessionChange, session } from "./lib/api.js";
import { LANGUAGES, messages, setLanguage, useLanguage } from "./lib/i18n.js";
import { PrintHeader } from "./lib/print-export.js";
import { roleName } from "./lib/roles.js";
import { Link, match, navigate, useLocation } from "./lib/router.js";
import { ErrorMessage, Loading } from "./lib/ui.js";
import { SessionDialog } from "./session-dialog.js";

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
    accounts: "账号管理",
    organizations: "组织机构",
    changePassword: "修改密码",
    verify: "核验",
    login: "登录",
    logout: "退出登录",
    language: "语言",
    signedInAs: "{username}（{role}）",
    notFound: "找不到这个页面。",
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
    accounts: "Accounts",
    organizations: "Organizations",
    changePassword: "Change password",
    verify: "Verify",
    login: "Log in",
    logout: "Log out",
    language: "Language",
    signedInAs: "{username} ({role})",
    notFound: "There is no such page.",
  },
});

const ROUTES = [
  { path: "/", load: () => import("./pages/home.js") },
  { path: "/verify", load: () => import("./pages/verify.js") },
  { path: "/login", load: () => import("./pages/login.js") },
  { path: "/console", load: () => import("./pages/dashboard.js"), console: true },
  { path: "/console/members", load: () => import("./pages/members.js"), console: true },
  { path: "/console/members/:memberId", load: () => import("./pages/member.js"), console: true },
  { path: "/console/roster-import", load: () => import("./pages/roster-import.js"), console: true },
  { path: "/console/transfers", load: () => import("./pages/transfers.js"), console: true },
  { path: "/console/transfers/:transferId", load: () => import("./pages/transfer.js"), console: true },
  { path: "/console/audit", load: () => import("./pages/audit.js"), console: true },
  { path: "/console/accounts", load: () => import("./pages/accounts.js"), console: true },
  { path: "/console/accounts/:accountId", load: () => import("./pages/account.js"), console: true },
  { path: "/console/organizations", load: () => import("./pages/organizations.js"), console: true },
  { path: "/console/password", load: () => import("./pages/password.js"), console: true },
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
          ${
            account
              ? html`
                <li><${Link} href="/console">${t("dashboard")}<//></li>
                <li><${Link} href="/console/members">${t("members")}<//></li>
                <li><${Link} href="/console/transfers">${t("transfers")}<//></li>
                ${may("audit") ? html`<li><${Link} href="/console/audit">${t("audit")}<//></li>` : null}
                ${
                  may("administerAccounts")
                    ? html`<li><${Link} href="/console/accounts">${t("accounts")}<//></li>
                      <li><${Link} href="/console/organizations">${t("organizations")}<//></li>`
                    : null
                }
              `
              : null
          }
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
        ${
          account
            ? html`
              <span class="account">${t("signedInAs", { username: account.username, role: roleName(account.role) })}</span>
              <${Link} href="/console/password">${t("changePassword")}<//>
              <button type="button" class="link-button" onClick=${logout}>${t("logout")}</button>
            `
            : html`<${Link} href="/login">${t("login")}<//>`
        }
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

/** Re-renders when the session changes here or in another tab. */
function useSession() {
  const [, setVersion] = useState(0);
  useEffect(() => onSessionChange(() => setVersion((version) => version + 1)), []);
  return session();
}

function App() {
  useLanguage();
  useSession();
  const { path, query } = useLocation();
  const account = session()?.account ?? null;
  const found = ROUTES.map((route) => ({ route, params: match(route.path, path) })).find((entry) => entry.params);

  useEffect(() => {
    if (found?.route.console && !account) navigate(`/login?next=${encodeURIComponent(path + location.search)}`, { replace: true });
    else if (found?.route.console && account?.mustChangePassword && path !== "/console/password")
      navigate("/console/password", { replace: true });
  }, [found, account, path]);

  return html`
    <${Header} account=${account} />
    <main id="main" tabindex="-1">
      ${account ? html`<${PrintHeader} />` : null}
      ${
        !found
          ? html`<h1 id="page-title" tabindex="-1">${t("notFound")}</h1>`
          : found.route.console && !account
            ? html`<${Loading} />`
            : html`<${Page} key=${found.route.path} route=${found.route} params=${found.params} query=${query} />`
      }
    </main>
    <${SessionDialog} />
  `;
}

render(html`<${App} />`, document.getElementById("app"));
