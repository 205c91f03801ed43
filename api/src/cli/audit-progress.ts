// Progress of a long command (the audit sweep, the roster import) on stderr: a bar redrawn in place on a terminal, one line per finished phase otherwise
// (a log file or CI output should not fill with carriage returns).
import type { AuditPhase, AuditProgress } from "../domain/audit";

export interface ProgressStream {
  readonly isTTY?: boolean;
  /** Terminal width, when a terminal. */
  readonly columns?: number;
  write(text: string): unknown;
}

/** How far one phase of a long command got. */
export interface PhaseProgress<P extends string> {
  phase: P;
  done: number;
  total: number;
}

export interface ProgressDisplay<P extends string = AuditProgress["phase"]> {
  update(progress: PhaseProgress<P>): void;
  /** Ends the display: completes the last phase's line. */
  finish(): void;
}

const PHASE_LABELS: Record<AuditPhase, string> = {
  log: "records",
  checkpoints: "checkpoints",
  members: "member chains",
  order: "anchoring order",
  outbox: "pending writes",
  instance: "instance rows",
  rules: "rule replay",
};
const REDRAW_INTERVAL_MS = 100;
const DEFAULT_COLUMNS = 80;

/** The audit sweep's display. */
export function createProgressDisplay(stream: ProgressStream, now: () => number = Date.now): ProgressDisplay {
  return createPhaseDisplay(stream, PHASE_LABELS, now);
}

/** A progress display for any command that runs in named phases (the audit sweep, the roster import). */
export function createPhaseDisplay<P extends string>(
  stream: ProgressStream,
  labels: Record<P, string>,
  now: () => number = Date.now,
): ProgressDisplay<P> {
  const labelWidth = Math.max(...Object.values<string>(labels).map((label) => label.length));
  let current: PhaseProgress<P> | undefined;
  let lastDrawn = 0;

  const line = ({ phase, done, total }: PhaseProgress<P>) => `${labels[phase].padEnd(labelWidth)}  ${done}/${total}`;
  const bar = (progress: PhaseProgress<P>) => {
    const fraction = progress.total === 0 ? 1 : Math.min(1, progress.done / progress.total);
    const text = `${line(progress)} ${String(Math.floor(fraction * 100)).padStart(3)}%`;
    const width = Math.max(10, (stream.columns ?? DEFAULT_COLUMNS) - text.length - 4);
    const filled = Math.round(fraction * width);
    return `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${text}`;
  };
  const endPhase = () => {
    if (!current) return;
    stream.write(stream.isTTY ? `${bar(current)}\n` : `${line(current)}\n`);
  };

  return {
    update(progress) {
      if (current && current.phase !== progress.phase) endPhase();
      const phaseStarted = current?.phase !== progress.phase;
      current = progress;
      if (!stream.isTTY || (!phaseStarted && now() - lastDrawn < REDRAW_INTERVAL_MS)) return;
      lastDrawn = now();
      stream.write(bar(progress));
    },
    finish() {
      endPhase();
      current = undefined;
    },
  };
}
