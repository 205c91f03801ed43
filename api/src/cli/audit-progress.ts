// The audit sweep's progress on stderr: a bar redrawn in place on a terminal, one line per finished phase otherwise
// (a log file or CI output should not fill with carriage returns).
import type { AuditPhase, AuditProgress } from "../domain/audit";

export interface ProgressStream {
  readonly isTTY?: boolean;
  /** Terminal width, when a terminal. */
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressDisplay {
  update(progress: AuditProgress): void;
  /** Ends the display: completes the last phase's line. */
  finish(): void;
}

const PHASE_LABELS: Record<AuditPhase, string> = {
  log: "records",
  checkpoints: "checkpoints",
  members: "member chains",
  order: "anchoring order",
  outbox: "pending writes",
};
const LABEL_WIDTH = Math.max(...Object.values(PHASE_LABELS).map((label) => label.length));
const REDRAW_INTERVAL_MS = 100;
const DEFAULT_COLUMNS = 80;

export function createProgressDisplay(stream: ProgressStream, now: () => number = Date.now): ProgressDisplay {
  let current: AuditProgress | undefined;
  let lastDrawn = 0;

  const line = ({ phase, done, total }: AuditProgress) => `${PHASE_LABELS[phase].padEnd(LABEL_WIDTH)}  ${done}/${total}`;
  const bar = (progress: AuditProgress) => {
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
