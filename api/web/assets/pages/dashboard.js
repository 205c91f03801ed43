// The console's landing page: one's organization subtree at a glance (GET /api/dashboard) — members in each
// development stage and how many are overdue (each count opens the members it counts), transfers by state, and how
// far anchoring lags behind the database.
import { html } from "/portal/vendor/preact-htm.js";
import { api, may } from "../lib/api.js";
import { formatDateTime, messages } from "../lib/i18n.js";
import { PrintButton, StatisticsExport } from "../lib/print-export.js";
import { Link } from "../lib/router.js";
import { loadRules, stageName } from "../lib/rules.js";
import { BarChart, ErrorMessage, Loading, PageHeading, useAsync } from "../lib/ui.js";
import { membersHref } from "./member/list-filters.js";

const t = messages({
  "zh-CN": {
    title: "概览",
    generatedAt: "统计时间：{time}",
    refresh: "刷新",
    quickLinks: "快捷入口",
    members: "党员发展",
    transfers: "组织关系转接",
    audit: "审计",
    pipelineTitle: "发展流程",
    pipelineChart: "各阶段人数（其中逾期）",
    overdue: "{stage}·逾期",
    left: "已离开发展流程：转出本机构 {transferredOut} 人，取消预备党员资格 {cancelled} 人。",
    lists: "查看名单",
    stageCount: "{stage}：{n} 人",
    overdueCount: "其中逾期 {n} 人",
    transferredOut: "转出本机构：{n} 人",
    cancelled: "取消预备党员资格：{n} 人",
    transfersTitle: "组织关系转接",
    outgoing: "转出（按状态）",
    incoming: "转入（按状态）",
    ISSUED: "待接收",
    ACCEPTING: "接收中",
    ACCEPTED: "已接收",
    REJECTED: "已退回",
    CANCELLED: "已撤销",
    EXPIRED: "已过期",
    anchoringTitle: "上链进度",
    lagFigure: "{n} 秒",
    lag: "链上确认落后 {n} 秒。",
    noLag: "链上确认没有落后：所有写入都已在链上确认。",
    outboxChart: "上链队列（按状态）",
    PENDING: "待发送",
    SENT: "已发送",
    MINED: "已上链待确认",
    FINAL: "已确认",
    FAILED: "被链上拒绝",
    latestCheckpoint: "最近的检查点",
    finalCheckpoint: "最近确认的检查点",
    checkpointLatest: "前 {size} 条记录（{state}）",
    checkpointFinal: "前 {size} 条记录，区块 {block}",
    noCheckpoint: "还没有",
    people: " 人",
    items: " 项",
  },
  en: {
    title: "Dashboard",
    generatedAt: "As of {time}",
    refresh: "Refresh",
    quickLinks: "Quick links",
    members: "Members",
    transfers: "Transfers",
    audit: "Audit",
    pipelineTitle: "Development pipeline",
    pipelineChart: "Members per stage (and overdue)",
    overdue: "{stage} · overdue",
    left: "Left the pipeline: {transferredOut} transferred out of the institution, {cancelled} whose probation was cancelled.",
    lists: "Open the lists",
    stageCount: "{stage}: {n}",
    overdueCount: "{n} overdue",
    transferredOut: "Transferred out: {n}",
    cancelled: "Probation cancelled: {n}",
    transfersTitle: "Transfers",
    outgoing: "Outgoing, by state",
    incoming: "Incoming, by state",
    ISSUED: "waiting",
    ACCEPTING: "accepting",
    ACCEPTED: "accepted",
    REJECTED: "sent back",
    CANCELLED: "cancelled",
    EXPIRED: "expired",
    anchoringTitle: "Anchoring",
    lagFigure: "{n} s",
    lag: "Confirmation on chain lags {n} seconds behind.",
    noLag: "Confirmation on chain does not lag: every write is confirmed on chain.",
    outboxChart: "Anchoring queue, by state",
    PENDING: "waiting to be sent",
    SENT: "sent",
    MINED: "mined, not yet confirmed",
    FINAL: "confirmed",
    FAILED: "refused by the chain",
    latestCheckpoint: "Latest checkpoint",
    finalCheckpoint: "Latest confirmed checkpoint",
    checkpointLatest: "the first {size} records ({state})",
    checkpointFinal: "the first {size} records, block {block}",
    noCheckpoint: "none yet",
    people: "",
    items: "",
  },
});

const TRANSFER_STATES = ["ISSUED", "ACCEPTING", "ACCEPTED", "REJECTED", "CANCELLED", "EXPIRED"];
const TRANSFER_TONES = { ISSUED: "info", ACCEPTING: "info", ACCEPTED: "ok", REJECTED: "warn", CANCELLED: "warn", EXPIRED: "warn" };
const OUTBOX_STATES = ["PENDING", "SENT", "MINED", "FINAL", "FAILED"];
const OUTBOX_TONES = { PENDING: "info", SENT: "info", MINED: "info", FINAL: "ok", FAILED: "warn" };

function QuickLinks() {
  return html`
    <nav class="dashboard-links" aria-label=${t("quickLinks")}>
      <ul>
        <li><${Link} href="/console/members" class="button secondary">${t("members")}<//></li>
        <li><${Link} href="/console/transfers" class="button secondary">${t("transfers")}<//></li>
        ${may("audit") ? html`<li><${Link} href="/console/audit" class="button secondary">${t("audit")}<//></li>` : null}
      </ul>
    </nav>
  `;
}

function Pipeline({ dashboard, rules }) {
  const bars = dashboard.pipeline.flatMap(({ stage, members, overdue }) => {
    const name = stageName(rules, stage);
    return [
      { label: name, value: members },
      { label: t("overdue", { stage: name }), value: overdue, tone: "warn" },
    ];
  });
  return html`
    <section class="panel dashboard-pipeline" aria-labelledby="dashboard-pipeline-title">
      <h2 id="dashboard-pipeline-title">${t("pipelineTitle")}</h2>
      <${BarChart} id="dashboard-pipeline" title=${t("pipelineChart")} bars=${bars} unit=${t("people")} />
      <p class="hint">${t("left", dashboard.left)}</p>
      <${CountLinks} dashboard=${dashboard} rules=${rules} />
    </section>
  `;
}

/** Each count of the pipeline as a link to the members it counts: the list filtered the same way. */
function CountLinks({ dashboard, rules }) {
  const orgId = String(dashboard.orgId);
  return html`
    <nav aria-label=${t("lists")}>
      <ul class="dashboard-count-links">
        ${dashboard.pipeline.map(({ stage, members, overdue }) => {
          const name = stageName(rules, stage);
          return html`
            <li key=${stage}>
              <${Link} href=${membersHref({ orgId, stage, status: "ACTIVE" })}>${t("stageCount", { stage: name, n: members })}<//>
              ${
                overdue > 0
                  ? html`${" "}<${Link} href=${membersHref({ orgId, stage, overdue: "true" })}><span class="visually-hidden">${name} </span>${t("overdueCount", { n: overdue })}<//>`
                  : null
              }
            </li>
          `;
        })}
        <li><${Link} href=${membersHref({ orgId, status: "TRANSFERRED_OUT" })}>${t("transferredOut", { n: dashboard.left.transferredOut })}<//></li>
        <li><${Link} href=${membersHref({ orgId, stage: "CANCELLED", status: "ACTIVE" })}>${t("cancelled", { n: dashboard.left.cancelled })}<//></li>
      </ul>
    </nav>
  `;
}

function Transfers({ transfers }) {
  const bars = (counts) => TRANSFER_STATES.map((state) => ({ label: t(state), value: counts[state] ?? 0, tone: TRANSFER_TONES[state] }));
  return html`
    <section class="panel dashboard-transfers" aria-labelledby="dashboard-transfers-title">
      <h2 id="dashboard-transfers-title">${t("transfersTitle")}</h2>
      <div class="dashboard-charts">
        <${BarChart} id="dashboard-outgoing" title=${t("outgoing")} bars=${bars(transfers.outgoing)} />
        <${BarChart} id="dashboard-incoming" title=${t("incoming")} bars=${bars(transfers.incoming)} />
      </div>
    </section>
  `;
}

function Anchoring({ anchoring }) {
  const { lagSeconds, outbox, latestCheckpoint, finalCheckpoint } = anchoring;
  const bars = OUTBOX_STATES.map((state) => ({ label: t(state), value: outbox[state] ?? 0, tone: OUTBOX_TONES[state] }));
  return html`
    <section class="panel" aria-labelledby="dashboard-anchoring-title">
      <h2 id="dashboard-anchoring-title">${t("anchoringTitle")}</h2>
      <p class=${`dashboard-figure${lagSeconds > 0 ? " dashboard-figure-lag" : ""}`} aria-hidden="true">${t("lagFigure", { n: lagSeconds })}</p>
      <p class="dashboard-lag">${lagSeconds > 0 ? t("lag", { n: lagSeconds }) : t("noLag")}</p>
      <${BarChart} id="dashboard-outbox" title=${t("outboxChart")} bars=${bars} unit=${t("items")} />
      <dl class="facts dashboard-checkpoints">
        <dt>${t("latestCheckpoint")}</dt>
        <dd>${latestCheckpoint ? t("checkpointLatest", { size: latestCheckpoint.treeSize, state: t(latestCheckpoint.state) }) : t("noCheckpoint")}</dd>
        <dt>${t("finalCheckpoint")}</dt>
        <dd>
          ${
            finalCheckpoint
              ? t("checkpointFinal", { size: finalCheckpoint.treeSize, block: finalCheckpoint.blockNumber ?? "—" })
              : t("noCheckpoint")
          }
        </dd>
      </dl>
    </section>
  `;
}

export default function DashboardPage() {
  const dashboard = useAsync(() => Promise.all([api("/api/dashboard"), loadRules()]), []);
  const [data, rules] = dashboard.data ?? [];
  return html`
    <${PageHeading} title=${t("title")}>
      <div class="dashboard-asof">
        ${data ? html`<span class="hint">${t("generatedAt", { time: formatDateTime(data.generatedAt) })}</span>` : null}
        <button type="button" class="secondary" onClick=${dashboard.reload} disabled=${dashboard.loading}>${t("refresh")}</button>
        <${PrintButton} />
      </div>
    <//>
    <${QuickLinks} />
    ${dashboard.loading && !data ? html`<${Loading} />` : null}
    <${ErrorMessage} error=${dashboard.error} onRetry=${dashboard.reload} />
    ${
      data
        ? html`
          <div class="grid dashboard-grid">
            <${Pipeline} dashboard=${data} rules=${rules} />
            <${Anchoring} anchoring=${data.anchoring} />
            <${Transfers} transfers=${data.transfers} />
          </div>
        `
        : null
    }
    <${StatisticsExport} />
  `;
}
