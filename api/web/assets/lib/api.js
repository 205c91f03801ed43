// The API from the browser: the session's bearer token, errors as ApiError naming the rule and field that refused,
// and downloads of files the API serves behind a login.
import { navigate } from "./router.js";

const SESSION_KEY = "cunzheng.session";

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? null;
    this.rule = body?.rule ?? null;
    this.field = body?.field ?? null;
  }
}

/** { token, expiresAt, account: { id, username, role, orgId } } or null. */
export function session() {
  const stored = sessionStorage.getItem(SESSION_KEY);
  if (!stored) return null;
  const value = JSON.parse(stored);
  if (Date.parse(value.expiresAt) <= Date.now()) {
    sessionStorage.removeItem(SESSION_KEY);
    return null;
  }
  return value;
}

export async function login(username, password) {
  const value = await api("/api/auth/login", { method: "POST", body: { username, password }, anonymous: true });
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
  return value;
}

export function logout() {
  sessionStorage.removeItem(SESSION_KEY);
  navigate("/login");
}

async function send(path, { method = "GET", body, anonymous = false } = {}) {
  const headers = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const current = anonymous ? null : session();
  if (current) headers.authorization = `Bearer ${current.token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && current) {
    sessionStorage.removeItem(SESSION_KEY);
    navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    throw new ApiError(response.status, problem?.error);
  }
  return response;
}

export async function api(path, options) {
  const response = await send(path, options);
  return response.status === 204 ? null : response.json();
}

/** Fetches a file behind the login and hands it to the browser as a download. */
export async function download(path, filename) {
  const response = await send(path);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
