// Deliberate violations of the one-vocabulary rule and the refusal catalogue: the vocabulary test checks that its scan finds each.
export function mayApprove(account: { role: string }): boolean {
  return account.role === "APPROVER";
}

export const REVIEWERS = [`AUDITOR`, "ORG_ADMIN"];

export function refuseClosed(): never {
  throw Object.assign(new Error("the transfer is closed"), { rule: "transfer.notOpen" });
}
