// The in-place login: when the server says the session ended (idle too long, or logged out in another tab) while the
// user was working, this dialog asks for the password over the page as it stands. Nothing typed is lost: the request
// that found the session ended waits, and goes out once the user is back (or once another tab has logged in).
import { html, useEffect, useRef, useState } from "/portal/vendor/preact-htm.js";
import { abandonRelogin, login, onSessionChange, pendingRelogin } from "./lib/api.js";
import { messages } from "./lib/i18n.js";
import { ErrorMessage, Field } from "./lib/ui.js";

const t = messages({
  "zh-CN": {
    title: "登录已过期，请重新登录",
    "auth.sessionExpired": "您已有一段时间没有操作，为了安全已退出登录。重新输入密码后，您填写的内容会继续提交，不会丢失。",
    "auth.sessionEnded": "本次登录已在其他地方结束。重新输入密码后，您填写的内容会继续提交，不会丢失。",
    username: "用户名",
    password: "密码",
    submit: "登录并继续",
    submitting: "正在登录…",
    leave: "放弃并退出",
    missing: "请填写密码",
  },
  en: {
    title: "Your session has ended: log in again",
    "auth.sessionExpired":
      "You were logged out after a while without activity. Enter your password and what you typed is sent on; nothing is lost.",
    "auth.sessionEnded": "This session was ended elsewhere. Enter your password and what you typed is sent on; nothing is lost.",
    username: "Username",
    password: "Password",
    submit: "Log in and continue",
    submitting: "Logging in…",
    leave: "Give up and log out",
    missing: "Enter your password",
  },
});

export function SessionDialog() {
  const [pending, setPending] = useState(pendingRelogin());
  const [password, setPassword] = useState("");
  const [error, setError] = useState(null);
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef(null);

  useEffect(() => onSessionChange(() => setPending(pendingRelogin())), []);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (pending && !element.open) {
      setPassword("");
      setFailure(null);
      element.showModal();
    } else if (!pending && element.open) element.close();
  }, [pending]);

  const submit = async (event) => {
    event.preventDefault();
    if (!password) return setError(t("missing"));
    setError(null);
    setBusy(true);
    try {
      await login(pending.username, password);
    } catch (refused) {
      setFailure(refused);
    } finally {
      setBusy(false);
    }
  };

  return html`
    <dialog ref=${dialog} class="session-dialog" aria-labelledby="session-dialog-title" onCancel=${(event) => event.preventDefault()}>
      ${
        pending
          ? html`
            <form onSubmit=${submit} noValidate>
              <h2 id="session-dialog-title">${t("title")}</h2>
              <p>${t(pending.reason)}</p>
              <${ErrorMessage} error=${failure} />
              <${Field} id="session-username" label=${t("username")}>
                ${(attributes) => html`<input ...${attributes} autocomplete="username" value=${pending.username} readonly />`}
              <//>
              <${Field} id="session-password" label=${t("password")} error=${error} required>
                ${(attributes) => html`<input ...${attributes} type="password" autocomplete="current-password" value=${password} onInput=${(event) => setPassword(event.currentTarget.value)} />`}
              <//>
              <div class="actions">
                <button type="submit" disabled=${busy}>${busy ? t("submitting") : t("submit")}</button>
                <button type="button" class="link-button" onClick=${abandonRelogin}>${t("leave")}</button>
              </div>
            </form>
          `
          : null
      }
    </dialog>
  `;
}
