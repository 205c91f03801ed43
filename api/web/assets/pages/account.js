// One account as its ORG_ADMIN manages it: its details, disabling, a password reset, and its history (every change,
// when and by whom, from the administrative log).
import { html, useState } from "/portal/vendor/preact-htm.js";
import { api } from "../lib/api.js";
import { formatDateTime, messages } from "../lib/i18n.js";
import { organizationName, useOrganizations } from "../lib/organizations.js";
import { Link } from "../lib/router.js";
import { Badge, ErrorMessage, Field, Loading, PageHeading, useAsync } from "../lib/ui.js";
import { OneTimePassword, AdminOrganizationSelect, refusalText, t as shared, useRoles } from "./accounts/shared.js";

const t = messages({
  "zh-CN": {
    back: "返回账号列表",
    edit: "修改账号",
    save: "保存修改",
    saved: "已保存。",
    access: "停用与密码",
    disable: "停用账号",
    enable: "重新启用账号",
    disabledNote: "账号停用后，此人的下一次操作即被拒绝。",
    reset: "重置密码",
    resetNote: "生成新的一次性密码，此人当前的所有登录立即失效。",
    history: "变更记录",
    when: "时间",
    what: "操作",
    who: "操作人",
    result: "变更后",
    commandLine: "命令行（安装时）",
    seed: "演示数据",
    "account.created": "创建",
    "account.updated": "修改",
    "account.disabled": "停用",
    "account.enabled": "启用",
    "account.passwordReset": "重置密码",
    "account.passwordChanged": "本人修改密码",
    grantYes: "可查看个人信息",
    grantNo: "不可查看个人信息",
  },
  en: {
    back: "Back to the accounts",
    edit: "Edit the account",
    save: "Save the changes",
    saved: "Saved.",
    access: "Disabling and password",
    disable: "Disable the account",
    enable: "Enable the account again",
    disabledNote: "Once disabled, this person's next action is refused.",
    reset: "Reset the password",
    resetNote: "Makes a new one-time password; every open session of this account ends at once.",
    history: "History",
    when: "When",
    what: "What",
    who: "By",
    result: "Afterwards",
    commandLine: "command line (install)",
    seed: "demo data",
    "account.created": "created",
    "account.updated": "changed",
    "account.disabled": "disabled",
    "account.enabled": "enabled",
    "account.passwordReset": "password reset",
    "account.passwordChanged": "password changed by its user",
    grantYes: "may read personal data",
    grantNo: "no personal data",
  },
});

function EditForm({ account, byId, onSaved }) {
  const roles = useRoles();
  const [values, setValues] = useState({
    displayName: account.displayName,
    role: account.role,
    orgId: String(account.orgId),
    canReadPersonalData: account.canReadPersonalData,
  });
  const [errors, setErrors] = useState(/** @type {Record<string, unknown>} */ ({}));
  const [failure, setFailure] = useState(null);
  const [saved, setSaved] = useState(false);
  const update = (name) => (event) =>
    setValues({ ...values, [name]: event.currentTarget.type === "checkbox" ? event.currentTarget.checked : event.currentTarget.value });

  const submit = async (event) => {
    event.preventDefault();
    setErrors({});
    setFailure(null);
    setSaved(false);
    try {
      await api(`/api/accounts/${account.id}`, { method: "PATCH", body: { ...values, orgId: Number(values.orgId) } });
      setSaved(true);
      onSaved();
    } catch (error) {
      if (error.field && error.field in values) setErrors({ [error.field]: refusalText(error) });
      else setFailure({ ...error, message: refusalText(error) });
    }
  };

  return html`
    <form class="panel" onSubmit=${submit} noValidate aria-labelledby="edit-title">
      <h2 id="edit-title">${t("edit")}</h2>
      ${saved ? html`<p class="success-message" role="status">${t("saved")}</p>` : null}
      <${ErrorMessage} error=${failure} />
      <${Field} id="displayName" label=${shared("displayName")} error=${errors.displayName} required>
        ${(attributes) => html`<input ...${attributes} value=${values.displayName} onInput=${update("displayName")} />`}
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
      <div class="actions"><button type="submit">${t("save")}</button></div>
    </form>
  `;
}

function Access({ account, onChanged }) {
  const [failure, setFailure] = useState(null);
  const [oneTime, setOneTime] = useState(null);
  const act = async (path) => {
    setFailure(null);
    try {
      const answer = await api(`/api/accounts/${account.id}/${path}`, { method: "POST" });
      if (answer.oneTimePassword) setOneTime(answer.oneTimePassword);
      onChanged();
    } catch (error) {
      setFailure({ ...error, message: refusalText(error) });
    }
  };
  return html`
    <section class="panel" aria-labelledby="access-title">
      <h2 id="access-title">${t("access")}</h2>
      <${ErrorMessage} error=${failure} />
      ${oneTime ? html`<${OneTimePassword} username=${account.username} password=${oneTime} />` : null}
      <p class="hint">${t("disabledNote")}</p>
      <div class="actions">
        ${
          account.disabled
            ? html`<button type="button" onClick=${() => act("enable")}>${t("enable")}</button>`
            : html`<button type="button" onClick=${() => act("disable")}>${t("disable")}</button>`
        }
      </div>
      <p class="hint">${t("resetNote")}</p>
      <div class="actions"><button type="button" onClick=${() => act("reset-password")}>${t("reset")}</button></div>
    </section>
  `;
}

function History({ accountId, byId, version }) {
  const history = useAsync(() => Promise.all([api(`/api/accounts/${accountId}/history`), api("/api/accounts")]), [accountId, version]);
  if (history.error) return html`<${ErrorMessage} error=${history.error} onRetry=${history.reload} />`;
  if (!history.data) return html`<${Loading} />`;
  const [entries, accounts] = history.data;
  const nameOf = new Map(accounts.items.map((account) => [account.id, account.username]));
  const actor = (entry) =>
    entry.accountId ? (nameOf.get(entry.accountId) ?? entry.accountId) : t(entry.details.via === "cli" ? "commandLine" : "seed");
  return html`
    <section class="panel" aria-labelledby="history-title">
      <h2 id="history-title">${t("history")}</h2>
      <div class="table-scroll"><table>
        <thead><tr><th scope="col">${t("when")}</th><th scope="col">${t("what")}</th><th scope="col">${t("who")}</th><th scope="col">${t("result")}</th></tr></thead>
        <tbody>
          ${entries.items.map(
            (entry) => html`<tr>
              <td>${formatDateTime(entry.at)}</td>
              <td>${t(entry.action)}</td>
              <td>${actor(entry)}</td>
              <td>${shared(entry.details.role)} · ${organizationName(byId, entry.details.orgId)} · ${t(entry.details.canReadPersonalData ? "grantYes" : "grantNo")}${entry.details.disabled ? ` · ${shared("disabled")}` : ""}</td>
            </tr>`,
          )}
        </tbody>
      </table></div>
    </section>
  `;
}

export default function AccountPage({ params }) {
  const organizations = useOrganizations();
  const account = useAsync(() => api(`/api/accounts/${params.accountId}`), [params.accountId]);
  const [version, setVersion] = useState(0);
  const changed = () => {
    setVersion(version + 1);
    account.reload();
  };
  if (account.error) return html`<${PageHeading} title=${params.accountId} /><${ErrorMessage} error=${account.error} />`;
  if (!account.data || organizations.loading) return html`<${Loading} />`;
  const data = account.data;
  return html`
    <${PageHeading} title=${`${data.displayName || data.username}（${data.username}）`}>
      ${data.disabled ? html`<${Badge} tone="bad">${shared("disabled")}<//>` : html`<${Badge} tone="ok">${shared("enabled")}<//>`}
    <//>
    <p><${Link} href="/console/accounts">${t("back")}<//></p>
    <div class="grid">
      <${EditForm} key=${`${data.id}-${version}`} account=${data} byId=${organizations.byId} onSaved=${changed} />
      <${Access} account=${data} onChanged=${changed} />
    </div>
    <${History} accountId=${data.id} byId=${organizations.byId} version=${version} />
  `;
}
