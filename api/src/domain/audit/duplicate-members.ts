// People on file more than once: active members sharing an ID number, entered before the database held one active
// member per person. Each later member is named with the earliest one of its person; which file is the person's is
// for a clerk to settle.
import type { FindingSet } from "./report";

export function checkDuplicateMembers(people: readonly string[][], findings: FindingSet): void {
  for (const [earliest, ...later] of people) {
    for (const memberKey of later) {
      findings.add({
        kind: "DUPLICATE_MEMBER",
        recordId: null,
        memberKey,
        detail: `Member ${memberKey} is active with the same ID number as member ${earliest}, entered earlier: one person has two active members.`,
      });
    }
  }
}
