// Staff log in with the account their organization department created for them. A login in another tab counts here
// too: the page goes on to where it was headed, as the tab that logged in did.
import { html, useEffect, useState } from "/portal/vendor/preact-htm.js";
import { login, onSessionChange, session } from "../lib/api.js";
import { messages } from "../lib/i18n.js";
import { navigate } from "../lib/router.js";
import { ErrorMessage, Field, PageHeading } from "../lib/ui.js";

const t = messages({
  "zh-CN": {
    title: "工作人员登录",
    username: "用户名",
    password: "密码",
    submit: "登录",
    submitting: "正在登录…",
    missing: "请填写{field}",
    disabled: "您的账号已被停用，无法继续操作。如有疑问，请联系本单位组织部门。",
  },
  en: {
    title: "Staff log in",
    username: "Username",
    password: "Password",
    submit: "Log in",
    submitting: "Logging in…",
    missing: "Enter your {field}",
    disabled: "Your account has been disabled, so you cannot go on. Ask your organization department if this is a mistake.",
  },
});

export default function LoginPage({ query }) {
  const [values, setValues] = useState({ username: "", password: "" });
  const [errors, setErrors] = useState(/** @type {Record<string, unknown>} */ ({}));
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);

  const update = (name) => (event) => setValues({ ...values, [name]: event.currentTarget.value });
  useEffect(
    () =>
      onSessionChange(() => {
        const account = session()?.account;
        if (!account) return;
        const next = query.get("next");
        navigate(account.mustChangePassword ? "/console/password" : next && next.startsWith("/console") ? next : "/console", {
          replace: true,
        });
      }),
    [query],
  );

  const submit = async (event) => {
    event.preventDefault();
    /** @type {Record<string, unknown>} */
    const missing = {};
    for (const name of ["username", "password"]) if (!values[name]) missing[name] = t("missing", { field: t(name).toLowerCase() });
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    setBusy(true);
    setFailure(null);
    try {
      // The new session takes the page on (the listener above), as a login in another tab would.
      await login(values.username, values.password);
    } catch (error) {
      setFailure(error);
      setBusy(false);
    }
  };

  return html`
    <${PageHeading} title=${t("title")} />
    ${query.get("reason") === "disabled" ? html`<div class="error-message" role="alert"><p>${t("disabled")}</p></div>` : null}
    <form class="panel" onSubmit=${submit} noValidate>
      <${ErrorMessage} error=${failure} />
      <${Field} id="username" label=${t("username")} error=${errors.username} required>
        ${(attributes) => html`<input ...${attributes} autocomplete="username" value=${values.username} onInput=${update("username")} />`}
      <//>
      <${Field} id="password" label=${t("password")} error=${errors.password} required>
        ${(attributes) => html`<input ...${attributes} type="password" autocomplete="current-password" value=${values.password} onInput=${update("password")} />`}
      <//>
      <div class="actions"><button type="submit" disabled=${busy}>${busy ? t("submitting") : t("submit")}</button></div>
    </form>
  `;
}
