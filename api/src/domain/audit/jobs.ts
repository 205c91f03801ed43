// Audit sweeps run by auditors through the API: started on request, followed by polling (the portal draws the
// progress), their reports kept in memory for download. A sweep reads everything, so one runs at a time.
import { randomUUID } from "node:crypto";
import type { AuditChainReader } from "../../chain/audit-reader";
import { requireRole } from "../access";
import { Conflict, NotFound } from "../errors";
import type { Actor, Institution } from "../institution";
import type { AuditProgress, AuditReport } from "./report";
import { runAuditSweep } from "./sweep";
import { RULES } from "../refusals";

/** What a sweep reads besides the database. */
export interface AuditSources {
  chain: AuditChainReader;
  logId: number;
  fromBlock: number;
  deadlineSeconds: number;
}

export interface AuditJob {
  id: string;
  state: "RUNNING" | "DONE" | "FAILED";
  startedBy: string;
  startedAt: string;
  progress: AuditProgress | null;
  /** Present once DONE. */
  report?: AuditReport;
  /** Present once FAILED: why the sweep could not finish (it found nothing, it could not read). */
  error?: string;
}

const KEPT_JOBS = 20;

export class AuditJobs {
  private readonly jobs = new Map<string, AuditJob>();

  constructor(
    private readonly institution: Institution,
    private readonly sources: AuditSources,
  ) {}

  start(actor: Actor): AuditJob {
    requireRole(actor, "audit");
    if ([...this.jobs.values()].some((job) => job.state === "RUNNING")) {
      throw new Conflict("an audit sweep is already running; follow it instead", { rule: RULES.auditOneAtATime });
    }
    const job: AuditJob = {
      id: randomUUID(),
      state: "RUNNING",
      startedBy: actor.accountId,
      startedAt: this.institution.now().toISOString(),
      progress: null,
    };
    this.remember(job);
    void this.run(job);
    return job;
  }

  get(actor: Actor, id: string): AuditJob {
    requireRole(actor, "audit");
    const job = this.jobs.get(id);
    if (!job) throw new NotFound(`audit ${id} not found (reports are kept for the last ${KEPT_JOBS} sweeps)`);
    return job;
  }

  /** The finished sweep's report. */
  report(actor: Actor, id: string): AuditReport {
    const job = this.get(actor, id);
    if (!job.report) throw new Conflict(`audit ${id} is ${job.state.toLowerCase()}: it has no report`, { rule: RULES.auditNotDone });
    return job.report;
  }

  list(actor: Actor): AuditJob[] {
    requireRole(actor, "audit");
    return [...this.jobs.values()]
      .reverse()
      .map(({ report, ...job }) => ({ ...job, ...(report && { report: { ...report, findings: [] } }) }));
  }

  private async run(job: AuditJob): Promise<void> {
    const { repositories, cipher } = this.institution;
    try {
      job.report = await runAuditSweep(
        { repositories, chain: this.sources.chain, cipher },
        {
          logId: this.sources.logId,
          fromBlock: this.sources.fromBlock,
          deadlineSeconds: this.sources.deadlineSeconds,
          now: () => this.institution.now(),
          onProgress: (progress) => void (job.progress = progress),
        },
      );
      job.state = "DONE";
    } catch (error) {
      job.state = "FAILED";
      job.error = error instanceof Error ? error.message : String(error);
    }
  }

  private remember(job: AuditJob): void {
    this.jobs.set(job.id, job);
    for (const id of this.jobs.keys()) {
      if (this.jobs.size <= KEPT_JOBS) break;
      if (this.jobs.get(id)!.state !== "RUNNING") this.jobs.delete(id);
    }
  }
}
