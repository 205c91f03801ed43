// The ORG_ADMIN's accounts: everyone of its organization and below, and a form to create one, which answers with the
// one-time password, shown once.
import { html, useState } from "/portal/vendor/preact-htm.js";
import { api } from "../lib/api.js";
import { messages } from "../lib/i18n.js";
import { organizationName, useOrganizations } from "../lib/organizations.js";
import { Link } from "../lib/router.js";
import { Badge, ErrorMessage, Field, Loading, PageHeading, useAsync } from "../lib/ui.js";
import { OneTimePassword, AdminOrganizationSelect, refusalText, t as shared, useRoles } from "./accounts/shared.js";

const t = messages({
  "zh-CN": {
    title: "账号管理",
    list: "本单位账号",
    create: "新建账号",
    submit: "创建账号",
    submitting: "正在创建…",
    state: "状态",
    none: "还没有账号。",
  },
  en: {
    title: "Accounts",
    list: "Accounts of your organization",
    create: "New account",
    submit: "Create the account",
    submitting: "Creating…",
    state: "State",
    none: "No accounts yet.",
  },
});

const EMPTY = { username: "", displayName: "", role: "CLERK", orgId: "", canReadPersonalData: false };

function CreateForm({ byId, onCreated }) {
  const [values, setValues] = useState(EMPTY);
  const roles = useRoles();
  const [errors, setErrors] = useState(/** @type {Record<string, unknown>} */ ({}));
  const [failure, setFailure] = useState(null);
  const [created, setCreated] = useState(null);
  const [busy, setBusy] = useState(false);
  const update = (name) => (event) =>
    setValues({ ...values, [name]: event.currentTarget.type === "checkbox" ? event.currentTarget.checked : event.currentTarget.value });

  const submit = async (event) => {
    event.preventDefault();
    /** @type {Record<string, unknown>} */
    const found = {};
    for (const name of ["username", "displayName", "orgId"]) if (!values[name]) found[name] = shared("missing");
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const answer = await api("/api/accounts", { method: "POST", body: { ...values, orgId: Number(values.orgId) } });
      setCreated({ username: answer.account.username, password: answer.oneTimePassword });
      setValues(EMPTY);
      onCreated();
    } catch (error) {
      if (error.field && error.field in EMPTY) setErrors({ [error.field]: refusalText(error) });
      else setFailure(error.rule ? { ...error, message: refusalText(error) } : error);
    } finally {
      setBusy(false);
    }
  };

  return html`
    <section class="panel" aria-labelledby="create-title">
      <h2 id="create-title">${t("create")}</h2>
      ${created ? html`<${OneTimePassword} username=${created.username} password=${created.password} />` : null}
      <form onSubmit=${submit} noValidate>
        <${ErrorMessage} error=${failure} />
        <${Field} id="username" label=${shared("username")} hint=${shared("usernameHint")} error=${errors.username} required>
          ${(attributes) => html`<input ...${attributes} autocomplete="off" value=${values.username} onInput=${update("username")} />`}
        <//>
        <${Field} id="displayName" label=${shared("displayName")} error=${errors.displayName} required>
          ${(attributes) => html`<input ...${attributes} autocomplete="off" value=${values.displayName} onInput=${update("displayName")} />`}
        <//>
        <${Field} id="role" label=${shared("role")} error=${errors.role} required>
          ${(attributes) => html`<select ...${attributes} value=${values.role} onChange=${update("role")}>
            ${roles.map((role) => html`<option value=${role}>${shared(role)}</option>`)}
          </select>`}
        <//>
        <${Field} id="orgId" label=${shared("organization")} error=${errors.orgId} required>
          ${(attributes) => html`<${AdminOrganizationSelect} attributes=${attributes} byId=${byId} value=${values.orgId} onChange=${update("orgId")} />`}
        <//>
        <div class="field">
          <label><input type="checkbox" checked=${values.canReadPersonalData} onChange=${update("canReadPersonalData")} /> ${shared("grant")}</label>
        </div>
        <div class="actions"><button type="submit" disabled=${busy}>${busy ? t("submitting") : t("submit")}</button></div>
      </form>
    </section>
  `;
}

export default function AccountsPage() {
  const organizations = useOrganizations();
  const accounts = useAsync(() => api("/api/accounts"), []);
  return html`
    <${PageHeading} title=${t("title")} />
    ${organizations.loading ? html`<${Loading} />` : html`<${CreateForm} byId=${organizations.byId} onCreated=${accounts.reload} />`}
    <section class="panel" aria-labelledby="list-title">
      <h2 id="list-title">${t("list")}</h2>
      <${ErrorMessage} error=${accounts.error} onRetry=${accounts.reload} />
      ${
        accounts.data
          ? accounts.data.items.length === 0
            ? html`<p>${t("none")}</p>`
            : html`<div class="table-scroll"><table>
              <thead><tr><th scope="col">${shared("username")}</th><th scope="col">${shared("displayName")}</th><th scope="col">${shared("role")}</th><th scope="col">${shared("organization")}</th><th scope="col">${t("state")}</th></tr></thead>
              <tbody>
                ${accounts.data.items.map(
                  (account) => html`<tr>
                    <td><${Link} href=${`/console/accounts/${account.id}`}>${account.username}<//></td>
                    <td>${account.displayName}</td>
                    <td>${shared(account.role)}</td>
                    <td>${organizationName(organizations.byId, account.orgId)}</td>
                    <td>${account.disabled ? html`<${Badge} tone="bad">${shared("disabled")}<//>` : html`<${Badge} tone="ok">${shared("enabled")}<//>`}</td>
                  </tr>`,
                )}
              </tbody>
            </table></div>`
          : accounts.loading
            ? html`<${Loading} />`
            : null
      }
    </section>
  `;
}
