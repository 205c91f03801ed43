// The API from the browser: the session's bearer token, errors as ApiError naming the rule and field that refused,
// and downloads of files the API serves behind a login.
//
// The session is kept in localStorage, so every tab of the portal shares it: logging in or out in one tab is seen by
// the others (the storage event). When the server says a session has ended (idle too long, logged out elsewhere)
// while the user is working, nothing is thrown away: the request waits while the frame asks for the password again
// in place (SessionDialog in app.js), then goes out again with the new token.
import { language } from "./i18n.js";
import { navigate } from "./router.js";

const SESSION_KEY = "cunzheng.session";
const ENDED_RULES = new Set(["auth.sessionExpired", "auth.sessionEnded"]);

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? null;
    this.rule = body?.rule ?? null;
    this.field = body?.field ?? null;
  }
}

const listeners = new Set();
let relogin = null;

function notify() {
  for (const listener of listeners) listener();
}

/** Calls `listener` whenever the session or a pending re-login changes, in this tab or another. */
export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

window.addEventListener("storage", (event) => {
  if (event.key !== SESSION_KEY) return;
  // Another tab logged in again: a request waiting here for a re-login goes out with that session.
  if (relogin && session()) finishRelogin();
  notify();
});

/**
 * { token, expiresAt, account: { id, username, role, orgId, mustChangePassword, permissions } } or null. A session
 * stored before logins carried the account's permissions counts as none: the next login brings them.
 */
export function session() {
  const stored = localStorage.getItem(SESSION_KEY);
  const value = stored ? JSON.parse(stored) : null;
  return Array.isArray(value?.account?.permissions) ? value : null;
}

/**
 * Whether the logged-in account may do `action` (an action of the API's permissions table, api/src/domain/permissions.ts,
 * as the login answered it): what the portal offers follows what the API would accept.
 */
export function may(action) {
  return session()?.account.permissions.includes(action) ?? false;
}

function store(value) {
  if (value) localStorage.setItem(SESSION_KEY, JSON.stringify(value));
  else localStorage.removeItem(SESSION_KEY);
  notify();
}

/** The re-login the frame should ask for: { username, reason } or null. */
export function pendingRelogin() {
  return relogin && { username: relogin.username, reason: relogin.reason };
}

function finishRelogin() {
  const waiting = relogin;
  relogin = null;
  waiting.resolve();
  notify();
}

function waitForRelogin(username, reason) {
  if (!relogin) {
    let resolve;
    let reject;
    const promise = new Promise((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    relogin = { username, reason, promise, resolve, reject };
  }
  notify();
  return relogin.promise;
}

export async function login(username, password) {
  const value = await api("/api/auth/login", { method: "POST", body: { username, password }, anonymous: true });
  store(value);
  if (relogin) finishRelogin();
  return value;
}

/** Gives up a pending re-login: the waiting requests fail and the user goes to the login page. */
export function abandonRelogin() {
  const waiting = relogin;
  relogin = null;
  store(null);
  waiting?.reject(new ApiError(401, { message: "Logged out" }));
  navigate("/login");
}

/** Ends the session on the server, then here (and so in every tab). */
export async function logout() {
  const current = session();
  if (current) {
    await fetch("/api/auth/logout", { method: "POST", headers: { authorization: `Bearer ${current.token}` } }).catch(() => null);
  }
  store(null);
  navigate("/login");
}

/** The account's own password is now its own: the session no longer has to choose one. */
export function passwordChosen() {
  const current = session();
  if (current) store({ ...current, account: { ...current.account, mustChangePassword: false } });
}

/**
 * @param {string} path
 * @param {{ method?: string, body?: unknown, anonymous?: boolean }} [options]
 */
async function send(path, { method = "GET", body, anonymous = false } = {}) {
  // Refusals come back in the reader's language (the API's message catalogue).
  const headers = { "accept-language": language() };
  if (body !== undefined) headers["content-type"] = "application/json";
  const current = anonymous ? null : session();
  if (current) headers.authorization = `Bearer ${current.token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    const problem = (await response.json().catch(() => null))?.error;
    if (response.status === 401 && current) {
      if (ENDED_RULES.has(problem?.rule)) {
        await waitForRelogin(current.account.username, problem.rule);
        return send(path, { method, body, anonymous });
      }
      store(null);
      const reason = problem?.rule === "auth.accountDisabled" ? "&reason=disabled" : "";
      navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}${reason}`);
    }
    if (response.status === 403 && problem?.rule === "auth.passwordChangeRequired") navigate("/console/password");
    throw new ApiError(response.status, problem);
  }
  return response;
}

export async function api(path, options) {
  const response = await send(path, options);
  return response.status === 204 ? null : response.json();
}

/** A GET answer that does not change while the page is open: loaded once and shared by every caller, tried again after a failure. */
export function loadOnce(path) {
  let loading = null;
  return () => {
    loading ??= api(path).catch((error) => {
      loading = null;
      throw error;
    });
    return loading;
  };
}

/** Fetches a file behind the login and hands it to the browser as a download, named `filename` or as the server names it. */
export async function download(path, filename) {
  const response = await send(path);
  saveBlob(await response.blob(), filename ?? attachmentName(response));
}

/** The file name a response's Content-Disposition gives: the UTF-8 one (RFC 6266) where there is one, a Chinese name. */
function attachmentName(response) {
  const header = response.headers.get("content-disposition") ?? "";
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (encoded) return decodeURIComponent(encoded);
  return /filename="?([^";]+)"?/.exec(header)?.[1] ?? "download";
}

/** A file behind the login as a Blob, for the page to show (an image preview) or save. */
export async function fetchBlob(path) {
  const response = await send(path);
  return response.blob();
}

/** Offers a JSON document the page already holds as a file to save. */
export function saveJson(value, filename) {
  saveBlob(new Blob([JSON.stringify(value, null, 2)], { type: "application/json" }), filename);
}

function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
