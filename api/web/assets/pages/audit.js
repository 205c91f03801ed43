// Audit sweeps for auditors: start one, follow its progress, read its report and download it. A sweep recomputes
// every record of the institution's log and compares it with the chain (api/src/domain/audit).
import { html, useEffect, useState } from "/portal/vendor/preact-htm.js";
import { api, download } from "../lib/api.js";
import { formatDateTime, messages } from "../lib/i18n.js";
import { Badge, ErrorMessage, Loading, PageHeading, useAsync } from "../lib/ui.js";
import { AuditReport } from "./audit/report.js";

const t = messages({
  "zh-CN": {
    title: "审计",
    intro: "审计会逐条重算本机构数据库中的每条记录，并与链上的检查点和成员记录链对照，找出被改动、删除、调换顺序、插入或未按时上链的记录。",
    startTitle: "新的审计",
    start: "开始审计",
    starting: "正在开始…",
    oneAtATime: "已有一次审计正在进行：请在下方的列表中查看它的进度。",
    progress: "审计进度",
    phase: "第 {step}/{steps} 步：{phase}（{done}/{total}）",
    preparing: "正在准备…",
    "phase.log": "重算日志中的记录",
    "phase.checkpoints": "对照链上检查点",
    "phase.members": "对照链上的成员记录链",
    "phase.order": "核对记录顺序",
    "phase.outbox": "核对上链队列",
    "phase.instance": "对照链上和日志核对成员、转接、提示、账户和材料文件",
    "phase.rules": "按规则重新核验每名成员的档案",
    failed: "这次审计未能完成：{error}",
    recentTitle: "最近的审计",
    none: "还没有审计过。",
    startedAt: "开始时间",
    state: "状态",
    result: "结果",
    action: "操作",
    RUNNING: "进行中",
    DONE: "已完成",
    FAILED: "未完成",
    clean: "未发现问题",
    findings: "{n} 个问题",
    show: "查看",
    showWhich: "（{when} 开始的审计）",
  },
  en: {
    title: "Audit",
    intro:
      "An audit sweep recomputes every record of this institution's database and compares it with the checkpoints and members' record chains on chain, to find records changed, deleted, reordered, inserted or not anchored in time.",
    startTitle: "New sweep",
    start: "Start an audit",
    starting: "Starting…",
    oneAtATime: "A sweep is already running: follow its progress in the list below.",
    progress: "Audit progress",
    phase: "Step {step} of {steps}: {phase} ({done}/{total})",
    preparing: "Preparing…",
    "phase.log": "recomputing the log's records",
    "phase.checkpoints": "comparing with the checkpoints on chain",
    "phase.members": "comparing with members' chains on chain",
    "phase.order": "checking the order of records",
    "phase.outbox": "checking the anchoring queue",
    "phase.instance": "checking members, transfers, findings, accounts and evidence files against the chain and the logs",
    "phase.rules": "replaying the rules over every member's file",
    failed: "This sweep could not finish: {error}",
    recentTitle: "Recent sweeps",
    none: "No sweep yet.",
    startedAt: "Started",
    state: "State",
    result: "Result",
    action: "Action",
    RUNNING: "running",
    DONE: "done",
    FAILED: "could not finish",
    clean: "no findings",
    findings: "{n} finding(s)",
    show: "Open",
    showWhich: " (the sweep started {when})",
  },
});

const PHASES = ["log", "checkpoints", "members", "order", "outbox", "instance", "rules"];
const POLL_MS = 1000;
const STATE_TONES = { RUNNING: "info", DONE: "ok", FAILED: "bad" };

function Progress({ job }) {
  const progress = job.progress;
  const known = progress && progress.total > 0;
  return html`
    <div class="audit-progress">
      <label for="audit-progress">${t("progress")}</label>
      ${known ? html`<progress id="audit-progress" max=${progress.total} value=${progress.done}></progress>` : html`<progress id="audit-progress"></progress>`}
      <p role="status">
        ${
          progress
            ? t("phase", {
                step: PHASES.indexOf(progress.phase) + 1,
                steps: PHASES.length,
                phase: t(`phase.${progress.phase}`),
                done: progress.done,
                total: progress.total,
              })
            : t("preparing")
        }
      </p>
    </div>
  `;
}

function RecentSweeps({ jobs, onShow }) {
  if (jobs.length === 0) return html`<p>${t("none")}</p>`;
  return html`
    <div class="table-scroll">
      <table class="responsive-table">
        <thead>
          <tr><th scope="col">${t("startedAt")}</th><th scope="col">${t("state")}</th><th scope="col">${t("result")}</th><th scope="col">${t("action")}</th></tr>
        </thead>
        <tbody>
          ${jobs.map(
            (job) => html`
              <tr>
                <td data-label=${t("startedAt")}>${formatDateTime(job.startedAt)}</td>
                <td data-label=${t("state")}><${Badge} tone=${STATE_TONES[job.state]}>${t(job.state)}<//></td>
                <td data-label=${t("result")}>${job.report ? (job.report.clean ? t("clean") : t("findings", { n: job.report.totals.findings })) : "—"}</td>
                <td data-label=${t("action")}>
                  <button type="button" class="secondary" onClick=${() => onShow(job.id)}>
                    ${t("show")}<span class="visually-hidden">${t("showWhich", { when: formatDateTime(job.startedAt) })}</span>
                  </button>
                </td>
              </tr>
            `,
          )}
        </tbody>
      </table>
    </div>
  `;
}

export default function AuditPage() {
  const recent = useAsync(() => api("/api/audits"), []);
  const [job, setJob] = useState(null);
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState(null);

  // While the sweep runs, ask for its progress every second; once it is over, the list shows its outcome too.
  useEffect(() => {
    if (job?.state !== "RUNNING") return undefined;
    const timer = setTimeout(async () => {
      try {
        const next = await api(`/api/audits/${job.id}`);
        setJob(next);
        if (next.state !== "RUNNING") recent.reload();
      } catch (error) {
        setFailure(error);
      }
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job]);

  const start = async () => {
    setStarting(true);
    setFailure(null);
    try {
      setJob(await api("/api/audits", { method: "POST" }));
      recent.reload();
    } catch (error) {
      setFailure(error.rule === "audit.oneAtATime" ? { message: t("oneAtATime") } : error);
      recent.reload();
    } finally {
      setStarting(false);
    }
  };

  const show = async (id) => {
    setFailure(null);
    try {
      setJob(await api(`/api/audits/${id}`));
    } catch (error) {
      setFailure(error);
    }
  };

  const running = job?.state === "RUNNING";
  return html`
    <${PageHeading} title=${t("title")} />
    <p>${t("intro")}</p>
    <section class="panel audit-panel" aria-labelledby="audit-start-title">
      <h2 id="audit-start-title">${t("startTitle")}</h2>
      <div class="actions">
        <button type="button" onClick=${start} disabled=${starting || running}>${starting ? t("starting") : t("start")}</button>
      </div>
      <${ErrorMessage} error=${failure} />
      ${running ? html`<${Progress} job=${job} />` : null}
      ${job?.state === "FAILED" ? html`<div class="error-message" role="alert"><p>${t("failed", { error: job.error })}</p></div>` : null}
    </section>
    ${
      job?.state === "DONE"
        ? html`<${AuditReport}
          key=${job.id}
          report=${job.report}
          onDownload=${() => download(`/api/audits/${job.id}/report`, `audit-${job.id}.json`).catch(setFailure)}
          onDownloadSheet=${() => download(`/api/audits/${job.id}/report.xlsx`).catch(setFailure)}
        />`
        : null
    }
    <section class="panel audit-panel" aria-labelledby="audit-recent-title">
      <h2 id="audit-recent-title">${t("recentTitle")}</h2>
      ${recent.loading && !recent.data ? html`<${Loading} />` : null}
      <${ErrorMessage} error=${recent.error} onRetry=${recent.reload} />
      ${recent.data ? html`<${RecentSweeps} jobs=${recent.data.items} onShow=${show} />` : null}
    </section>
  `;
}
