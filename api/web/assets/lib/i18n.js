// Languages: Chinese by default, English on request. Each page keeps its own messages beside it
// (`messages({ "zh-CN": {...}, en: {...} })`), so pages never share one growing dictionary file.
import { useEffect, useState } from "/portal/vendor/preact-htm.js";

const STORAGE_KEY = "cunzheng.language";
export const LANGUAGES = [
  { code: "zh-CN", label: "中文" },
  { code: "en", label: "English" },
];
const DEFAULT_LANGUAGE = "zh-CN";
const listeners = new Set();

let current = LANGUAGES.some((l) => l.code === localStorage.getItem(STORAGE_KEY)) ? localStorage.getItem(STORAGE_KEY) : DEFAULT_LANGUAGE;
document.documentElement.lang = current;

export function language() {
  return current;
}

export function setLanguage(code) {
  current = code;
  localStorage.setItem(STORAGE_KEY, code);
  document.documentElement.lang = code;
  for (const listener of listeners) listener(code);
}

/** Re-renders the caller when the language changes. */
export function useLanguage() {
  const [code, setCode] = useState(current);
  useEffect(() => {
    listeners.add(setCode);
    return () => listeners.delete(setCode);
  }, []);
  return code;
}

/** A translator over one page's messages: t("key", { n: 3 }) fills "{n}"; a key missing in English falls back to Chinese. */
export function messages(tables) {
  return (key, params = {}) => {
    const text = tables[current]?.[key] ?? tables[DEFAULT_LANGUAGE]?.[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
  };
}

/** A bilingual name from the rule set ({ zh, en }) in the current language. */
export function localized(name) {
  if (!name) return "";
  return current === "en" ? (name.en ?? name.zh) : (name.zh ?? name.en);
}

const TIME_ZONE = "Asia/Shanghai";

export function formatDate(iso) {
  if (!iso) return "";
  const date = iso.length === 10 ? new Date(`${iso}T00:00:00+08:00`) : new Date(iso);
  return new Intl.DateTimeFormat(current, { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
}

export function formatDateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(current, {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}
