// Everyone chooses their own password: required after a one-time password (a new account, a reset), possible any time.
import { html, useState } from "/portal/vendor/preact-htm.js";
import { api, passwordChosen, session } from "../lib/api.js";
import { messages } from "../lib/i18n.js";
import { navigate } from "../lib/router.js";
import { ErrorMessage, Field, PageHeading } from "../lib/ui.js";

const t = messages({
  "zh-CN": {
    title: "修改密码",
    mustChange: "您正在使用管理员给出的一次性密码。请先设置自己的密码，然后才能继续使用。",
    currentPassword: "当前密码（或一次性密码）",
    newPassword: "新密码",
    repeat: "再次输入新密码",
    policy: "至少 10 个字符；不能包含用户名；不能是常见密码。",
    submit: "保存新密码",
    submitting: "正在保存…",
    missing: "请填写此项",
    mismatch: "两次输入的新密码不一致",
    done: "密码已修改。",
    "password.tooShort": "密码至少需要 10 个字符。",
    "password.tooLong": "密码最多 128 个字符。",
    "password.containsUsername": "密码不能包含用户名。",
    "password.common": "这个密码太常见，很容易被猜到，请换一个。",
    "password.unchanged": "新密码不能与当前密码相同。",
    "password.currentWrong": "当前密码不正确。",
  },
  en: {
    title: "Change password",
    mustChange: "You are using a one-time password from your administrator. Choose your own password before going on.",
    currentPassword: "Current password (or the one-time password)",
    newPassword: "New password",
    repeat: "New password again",
    policy: "At least 10 characters; not containing your username; not a common password.",
    submit: "Save the new password",
    submitting: "Saving…",
    missing: "Fill in this field",
    mismatch: "The two new passwords differ",
    done: "Your password has been changed.",
    "password.tooShort": "A password has at least 10 characters.",
    "password.tooLong": "A password has at most 128 characters.",
    "password.containsUsername": "A password must not contain your username.",
    "password.common": "This password is too common and easily guessed; choose another.",
    "password.unchanged": "The new password must differ from the current one.",
    "password.currentWrong": "The current password is not right.",
  },
});

export default function PasswordPage() {
  const mustChange = session()?.account.mustChangePassword === true;
  const [values, setValues] = useState({ currentPassword: "", newPassword: "", repeat: "" });
  const [errors, setErrors] = useState(/** @type {Record<string, unknown>} */ ({}));
  const [failure, setFailure] = useState(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const update = (name) => (event) => setValues({ ...values, [name]: event.currentTarget.value });

  const submit = async (event) => {
    event.preventDefault();
    /** @type {Record<string, unknown>} */
    const found = {};
    for (const name of ["currentPassword", "newPassword", "repeat"]) if (!values[name]) found[name] = t("missing");
    if (!found.repeat && values.repeat !== values.newPassword) found.repeat = t("mismatch");
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await api("/api/auth/password", {
        method: "POST",
        body: { currentPassword: values.currentPassword, newPassword: values.newPassword },
      });
      passwordChosen();
      setDone(true);
      if (mustChange) navigate("/console", { replace: true });
    } catch (error) {
      if (error.field && error.rule) setErrors({ [error.field]: t(error.rule) });
      else setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return html`
    <${PageHeading} title=${t("title")} />
    ${mustChange ? html`<div class="error-message" role="alert"><p>${t("mustChange")}</p></div>` : null}
    ${done ? html`<p class="success-message" role="status">${t("done")}</p>` : null}
    <form class="panel" onSubmit=${submit} noValidate>
      <${ErrorMessage} error=${failure} />
      <${Field} id="currentPassword" label=${t("currentPassword")} error=${errors.currentPassword} required>
        ${(attributes) => html`<input ...${attributes} type="password" autocomplete="current-password" value=${values.currentPassword} onInput=${update("currentPassword")} />`}
      <//>
      <${Field} id="newPassword" label=${t("newPassword")} hint=${t("policy")} error=${errors.newPassword} required>
        ${(attributes) => html`<input ...${attributes} type="password" autocomplete="new-password" value=${values.newPassword} onInput=${update("newPassword")} />`}
      <//>
      <${Field} id="repeat" label=${t("repeat")} error=${errors.repeat} required>
        ${(attributes) => html`<input ...${attributes} type="password" autocomplete="new-password" value=${values.repeat} onInput=${update("repeat")} />`}
      <//>
      <div class="actions"><button type="submit" disabled=${busy}>${busy ? t("submitting") : t("submit")}</button></div>
    </form>
  `;
}
