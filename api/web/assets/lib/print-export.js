// Getting a page's data out: the 打印 button and the header a printed page carries (organization and date), the
// roster and statistics spreadsheets to download. Pages place these; styles.css (@media print) does the rest.
import { html, useState } from "/portal/vendor/preact-htm.js";
import { download, session } from "./api.js";
import { formatDateTime, messages } from "./i18n.js";
import { organizationName, useOrganizations } from "./organizations.js";
import { ErrorMessage, Field } from "./ui.js";

const t = messages({
  "zh-CN": {
    print: "打印",
    printedBy: "{org} · 打印时间 {time}",
    exportRoster: "导出党员名册（电子表格）",
    exporting: "正在导出…",
    statisticsTitle: "导出发展党员统计",
    statisticsHint: "各阶段人数和逾期人数按今天统计；转接按开出日期、发展步骤按记录的日期统计在所选期间内的。",
    from: "起始日期",
    to: "截止日期",
    exportStatistics: "导出统计表（电子表格）",
  },
  en: {
    print: "Print",
    printedBy: "{org} · printed {time}",
    exportRoster: "Export the roster (Excel)",
    exporting: "Exporting…",
    statisticsTitle: "Export the development statistics",
    statisticsHint:
      "Members by stage and the overdue are counted as of today; transfers by the day they were issued and steps by their date, within the period.",
    from: "From",
    to: "To",
    exportStatistics: "Export the statistics (Excel)",
  },
});

/** Today in China, as a date input holds it. */
function todayInChina() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(),
  );
}

export function PrintButton() {
  return html`<button type="button" class="secondary" onClick=${() => window.print()}>${t("print")}</button>`;
}

/** Shown on paper only: whose page it is and when it was printed. */
export function PrintHeader() {
  const organizations = useOrganizations();
  const orgId = session()?.account.orgId;
  if (orgId === undefined) return null;
  return html`<p class="print-only print-header">
    ${t("printedBy", { org: organizationName(organizations.byId, orgId), time: formatDateTime(new Date().toISOString()) })}
  </p>`;
}

/** A download button that shows it is working and says why a download was refused. */
function useDownload() {
  const [state, setState] = useState({ busy: false, error: null });
  const start = async (path) => {
    setState({ busy: true, error: null });
    try {
      await download(path);
      setState({ busy: false, error: null });
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return { ...state, start };
}

export function RosterExportButton() {
  const roster = useDownload();
  return html`
    <button type="button" class="secondary" disabled=${roster.busy} onClick=${() => roster.start("/api/exports/roster.xlsx")}>
      ${roster.busy ? t("exporting") : t("exportRoster")}
    </button>
    <${ErrorMessage} error=${roster.error} />
  `;
}

/** The period picker and the statistics download: from 1 January of this year to today unless the clerk picks another. */
export function StatisticsExport() {
  const today = todayInChina();
  const [period, setPeriod] = useState({ from: `${today.slice(0, 4)}-01-01`, to: today });
  const statistics = useDownload();
  const submit = (event) => {
    event.preventDefault();
    statistics.start(`/api/exports/statistics.xlsx?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`);
  };
  const dateField = (name) => html`
    <${Field}
      id=${`statistics-${name}`}
      label=${t(name)}
      required=${true}
      error=${statistics.error?.field === name ? statistics.error.message : null}
    >
      ${(attributes) => html`<input ...${attributes} type="date" value=${period[name]} onInput=${(event) => setPeriod({ ...period, [name]: event.currentTarget.value })} />`}
    <//>
  `;
  return html`
    <section class="panel no-print" aria-labelledby="statistics-export-title">
      <h2 id="statistics-export-title">${t("statisticsTitle")}</h2>
      <p class="hint">${t("statisticsHint")}</p>
      <form class="statistics-export" onSubmit=${submit}>
        ${dateField("from")} ${dateField("to")}
        <div class="actions">
          <button type="submit" disabled=${statistics.busy}>${statistics.busy ? t("exporting") : t("exportStatistics")}</button>
        </div>
      </form>
      <${ErrorMessage} error=${statistics.error && !["from", "to"].includes(statistics.error.field) ? statistics.error : null} />
    </section>
  `;
}
