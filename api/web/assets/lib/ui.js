// Building blocks every page shares: labelled fields with their refusal beside them, verdict marks, loading and
// error states, and an accessible bar chart (an SVG picture plus the same figures as a table).
import { html, useCallback, useEffect, useState } from "/portal/vendor/preact-htm.js";
import { language, messages } from "./i18n.js";

const t = messages({
  "zh-CN": {
    loading: "正在加载…",
    retry: "重试",
    passed: "通过",
    failed: "未通过",
    warning: "提醒",
    skipped: "未检查",
    required: "（必填）",
    dataTable: "查看数据表",
    networkError: "无法连接服务器，请检查网络后重试。",
  },
  en: {
    loading: "Loading…",
    retry: "Try again",
    passed: "Passed",
    failed: "Failed",
    warning: "Warning",
    skipped: "Not checked",
    required: "(required)",
    dataTable: "Show the figures as a table",
    errorRule: "Rule: {rule}",
    networkError: "The server cannot be reached. Check the connection and try again.",
  },
});

/** Runs `load` when `deps` change: { data, error, loading, reload }. */
export function useAsync(load, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const run = useCallback(() => {
    let live = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

/**
 * A labelled form field. `children` renders the control from the attributes it must carry
 * (id, aria-invalid, aria-describedby), so the refusal of a rule appears right under the field it concerns.
 */
export function Field({ id, label, hint, error, required, children }) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return html`
    <div class=${`field${error ? " field-invalid" : ""}`}>
      <label for=${id}>${label}${required ? html` <span class="required">${t("required")}</span>` : null}</label>
      ${hint ? html`<p class="hint" id=${hintId}>${hint}</p>` : null}
      ${children({ id, name: id, "aria-invalid": error ? "true" : undefined, "aria-describedby": describedBy, required })}
      ${error ? html`<p class="field-error" id=${errorId} role="alert">${error}</p>` : null}
    </div>
  `;
}

const MARKS = { passed: "✓", failed: "✗", warning: "!", skipped: "–" };

/** ✓ / ✗ / ! / – with the status spelled out for screen readers. */
export function Mark({ status }) {
  return html`<span class=${`mark mark-${status}`} aria-hidden="true">${MARKS[status] ?? "?"}</span><span class="visually-hidden">${t(status)}</span>`;
}

export function Badge({ tone = "neutral", children }) {
  return html`<span class=${`badge badge-${tone}`}>${children}</span>`;
}

export function Loading() {
  return html`<p class="loading" role="status">${t("loading")}</p>`;
}

/** The plain message of an API refusal or a network failure. */
export function describeError(error) {
  if (error instanceof TypeError) return t("networkError");
  return error?.message ?? String(error);
}

export function ErrorMessage({ error, onRetry }) {
  if (!error) return null;
  return html`
    <div class="error-message" role="alert">
      <p>${describeError(error)}</p>
      ${error.rule && language() === "en" ? html`<p class="hint">${t("errorRule", { rule: error.rule })}</p>` : null}
      ${onRetry ? html`<button type="button" onClick=${onRetry}>${t("retry")}</button>` : null}
    </div>
  `;
}

/** Sets the document title and gives the page its one h1, which receives focus when the page changes. */
export function PageHeading({ title, children }) {
  useEffect(() => {
    document.title = `${title} · 存证 cunzheng`;
  }, [title]);
  return html`<div class="page-heading"><h1 id="page-title" tabindex="-1">${title}</h1>${children}</div>`;
}

/**
 * Horizontal bars: `bars` = [{ label, value, tone }]. The SVG is a picture for the eye; the table under it carries the
 * same figures for screen readers and copy-paste.
 */
export function BarChart({ id, title, bars, unit = "" }) {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const rowHeight = 28;
  const labelWidth = 150;
  const width = 480;
  const barArea = width - labelWidth - 60;
  return html`
    <figure class="chart" aria-labelledby=${`${id}-caption`}>
      <figcaption id=${`${id}-caption`}>${title}</figcaption>
      <svg viewBox=${`0 0 ${width} ${bars.length * rowHeight + 8}`} role="img" aria-labelledby=${`${id}-caption`} preserveAspectRatio="xMinYMin meet">
        ${bars.map(
          (bar, index) => html`
            <g transform=${`translate(0 ${index * rowHeight + 4})`}>
              <text x=${labelWidth - 8} y="16" text-anchor="end" class="chart-label">${bar.label}</text>
              <rect x=${labelWidth} y="2" height="18" width=${Math.max(bar.value > 0 ? 2 : 0, (bar.value / max) * barArea)} class=${`chart-bar chart-${bar.tone ?? "primary"}`} />
              <text x=${labelWidth + (bar.value / max) * barArea + 6} y="16" class="chart-value">${bar.value}${unit}</text>
            </g>
          `,
        )}
      </svg>
      <details>
        <summary>${t("dataTable")}</summary>
        <table>
          <tbody>
            ${bars.map((bar) => html`<tr><th scope="row">${bar.label}</th><td>${bar.value}${unit}</td></tr>`)}
          </tbody>
        </table>
      </details>
    </figure>
  `;
}
