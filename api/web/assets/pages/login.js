// Staff log in with the account their organization department created for them.
import { html, useState } from "/portal/vendor/preact-htm.js";
import { login } from "../lib/api.js";
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
  },
  en: {
    title: "Staff log in",
    username: "Username",
    password: "Password",
    submit: "Log in",
    submitting: "Logging in…",
    missing: "Enter your {field}",
  },
});

export default function LoginPage({ query }) {
  const [values, setValues] = useState({ username: "", password: "" });
  const [errors, setErrors] = useState({});
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);

  const update = (name) => (event) => setValues({ ...values, [name]: event.currentTarget.value });

  const submit = async (event) => {
    event.preventDefault();
    const missing = {};
    for (const name of ["username", "password"]) if (!values[name]) missing[name] = t("missing", { field: t(name).toLowerCase() });
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    setBusy(true);
    setFailure(null);
    try {
      await login(values.username, values.password);
      const next = query.get("next");
      navigate(next && next.startsWith("/console") ? next : "/console", { replace: true });
    } catch (error) {
      setFailure(error);
      setBusy(false);
    }
  };

  return html`
    <${PageHeading} title=${t("title")} />
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
