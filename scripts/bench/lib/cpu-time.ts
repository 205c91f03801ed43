// Where a run's CPU time went, from Linux's /proc: this process (all its threads), named groups of other processes,
// and the whole machine. Elsewhere than Linux the figures are missing rather than wrong.
import { readdirSync, readFileSync } from "node:fs";

/** /proc reports CPU time in clock ticks of USER_HZ, which Linux fixes at 100 per second for user space. */
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot<Group extends string> {
  /** CPU seconds of this process, user and system, every thread. */
  self: number;
  /** CPU seconds of each process of each group. */
  groups: Record<Group, Map<number, number>>;
  /** Busy CPU seconds of the whole machine (every core), or null without /proc/stat. */
  machine: number | null;
}

export type CpuUse<Group extends string> = { self: number; others: number | null } & Record<Group, number>;

/** `groups`: the process ids of each group now (a group's processes may come and go between snapshots). */
export function cpuSnapshot<Group extends string>(groups: Record<Group, readonly number[]>): CpuSnapshot<Group> {
  const { user, system } = process.cpuUsage();
  const seconds = {} as Record<Group, Map<number, number>>;
  for (const group of Object.keys(groups) as Group[]) {
    seconds[group] = new Map(
      groups[group].flatMap((pid) => {
        const used = processSeconds(pid);
        return used === null ? [] : [[pid, used] as const];
      }),
    );
  }
  return { self: (user + system) / 1e6, groups: seconds, machine: machineBusySeconds() };
}

/** CPU seconds used between two snapshots; a process only in the later one counts from its start. */
export function cpuUseBetween<Group extends string>(before: CpuSnapshot<Group>, after: CpuSnapshot<Group>): CpuUse<Group> {
  const self = after.self - before.self;
  const use = { self } as CpuUse<Group>;
  let accounted = self;
  for (const group of Object.keys(after.groups) as Group[]) {
    let total = 0;
    for (const [pid, seconds] of after.groups[group]) total += seconds - (before.groups[group].get(pid) ?? 0);
    (use as Record<Group, number>)[group] = total;
    accounted += total;
  }
  use.others = after.machine !== null && before.machine !== null ? Math.max(0, after.machine - before.machine - accounted) : null;
  return use;
}

/** Ids of the processes whose command name is `name`. */
export function processesNamed(name: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === name;
    } catch {
      return false;
    }
  });
}

function processSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces, inside parentheses): utime and stime are 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

function machineBusySeconds(): number | null {
  try {
    const [cpu] = readFileSync("/proc/stat", "utf8").split("\n");
    // cpu  user nice system idle iowait irq softirq steal …: busy is all but idle and iowait.
    const [user, nice, system, , , irq, softirq, steal] = cpu.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
