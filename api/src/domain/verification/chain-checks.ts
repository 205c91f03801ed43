// The checks of one record against the chain: its anchor transaction, the checkpoint transaction, and the keys that
// signed them. Each returns one step naming the record or checkpoint and the values it compared.
import { checkpointsRecordedIn, recordsAppendedIn, type ChainReceipt, type RecordedCheckpoint } from "../../chain/chain-reader";
import type { ProofBundleCheckpoint } from "../../lib/proof-bundle";
import type { ChainFacts } from "./chain-facts";
import { nameOf, type RecordClaim } from "./record-checks";
import { step, type Reason, type StepResult } from "./verdict";

/** The anchor transaction made the record its member's chain head on the bundle's MembershipLedger. */
export function anchorStep(claim: RecordClaim, receipt: ChainReceipt | null, facts: ChainFacts): StepResult {
  const fail = (reason: Reason, message: string) => step("failed", reason, message, claim);
  const { anchor } = claim;
  if (anchor === null) {
    return step(
      "skipped",
      "memberChain.notAnchored",
      `${nameOf(claim)} is not anchored yet: no transaction on chain vouches for it.`,
      claim,
    );
  }
  const problem = minedProblem(receipt, anchor, "anchor transaction");
  if (problem) return fail(`memberChain.${problem.reason}`, `${nameOf(claim)}: ${problem.message}`);
  const ledger = facts.chain.membershipLedger;
  const chain = `member ${claim.memberKey}'s chain on MembershipLedger ${ledger}`;
  const appended = recordsAppendedIn(receipt!, ledger);
  if (!appended.some((record) => record.memberKey === claim.memberKey && record.recordHash === claim.recordHash)) {
    return fail(
      "memberChain.notAppended",
      `${nameOf(claim)}: transaction ${anchor.transactionHash} appended no record hash ${claim.recordHash} to ${chain}.`,
    );
  }
  return step(
    "passed",
    "memberChain.anchored",
    `${nameOf(claim)} was appended to ${chain} by transaction ${anchor.transactionHash} in block ${anchor.blockNumber}.`,
    claim,
  );
}

/** Whom the anchor transaction came from, and whether it was an Attester for the record's organization then. */
export async function anchorSignerStep(claim: RecordClaim, receipt: ChainReceipt | null, facts: ChainFacts): Promise<StepResult> {
  if (claim.anchor === null || minedProblem(receipt, claim.anchor, "anchor transaction")) {
    return step(
      "skipped",
      "signer.anchorUnchecked",
      `${nameOf(claim)}: without a mined anchor transaction there is no signer to check.`,
      claim,
    );
  }
  const { from, blockNumber } = receipt!;
  return signerStep(facts, claim, {
    account: from,
    orgId: claim.orgId,
    blockNumber,
    what: `anchored record ${claim.id} (${claim.recordHash})`,
    kind: "anchor",
  });
}

/** The checkpoint transaction succeeded, in the block the bundle names, and recorded exactly this checkpoint. */
export async function checkpointStep(
  checkpoint: ProofBundleCheckpoint,
  receipt: ChainReceipt | null,
  facts: ChainFacts,
): Promise<{ step: StepResult; recorded: RecordedCheckpoint | null }> {
  const name = `Log ${checkpoint.logId}'s checkpoint of ${checkpoint.treeSize} records (root ${checkpoint.root})`;
  const fail = (reason: Reason, message: string) => ({ step: step("failed", reason, message), recorded: null });
  const problem = minedProblem(receipt, checkpoint, "checkpoint transaction");
  if (problem) return fail(`checkpoint.${problem.reason}`, `${name}: ${problem.message}`);
  const checkpointLog = facts.chain.checkpointLog;
  const events = checkpointsRecordedIn(receipt!, checkpointLog);
  const recorded = events.find(
    (event) => event.logId === checkpoint.logId && event.treeSize === checkpoint.treeSize && event.root === checkpoint.root,
  );
  if (recorded === undefined) {
    const found = events.map((event) => `log ${event.logId}, ${event.treeSize} records, root ${event.root}`).join("; ");
    return fail(
      "checkpoint.notRecorded",
      `${name}: transaction ${checkpoint.transactionHash} recorded ${found ? `only (${found})` : "no checkpoint"} in CheckpointLog ${checkpointLog}.`,
    );
  }
  const confirmations = (await facts.latestBlock()) - checkpoint.blockNumber + 1;
  if (confirmations < facts.confirmations) {
    // Not a forgery: the checkpoint is recorded but not yet final; the same bundle verifies once enough blocks follow.
    const unconfirmed = step(
      "skipped",
      "checkpoint.unconfirmed",
      `${name}: block ${checkpoint.blockNumber} has ${confirmations} confirmation(s), ${facts.confirmations} are required; verify again later.`,
    );
    return { step: unconfirmed, recorded };
  }
  const where = `by transaction ${checkpoint.transactionHash} in block ${checkpoint.blockNumber}`;
  return {
    step: step(
      "passed",
      "checkpoint.recorded",
      `${name} was recorded in CheckpointLog ${checkpointLog} ${where} (${confirmations} confirmation(s)).`,
    ),
    recorded,
  };
}

/** The account CheckpointLog names as the checkpoint's attester was an Attester for the log's organization then. */
export async function checkpointSignerStep(
  checkpoint: ProofBundleCheckpoint,
  recorded: RecordedCheckpoint | null,
  facts: ChainFacts,
): Promise<StepResult> {
  if (recorded === null) {
    return step(
      "skipped",
      "signer.checkpointUnchecked",
      `Log ${checkpoint.logId}'s checkpoint of ${checkpoint.treeSize} records is not proven on chain, so its signer was not checked.`,
    );
  }
  return signerStep(facts, undefined, {
    account: recorded.attester,
    orgId: checkpoint.logId,
    blockNumber: checkpoint.blockNumber,
    what: `recorded log ${checkpoint.logId}'s checkpoint of ${checkpoint.treeSize} records`,
    kind: "checkpoint",
  });
}

interface Signature {
  readonly account: string;
  readonly orgId: number;
  readonly blockNumber: number;
  readonly what: string;
  readonly kind: "anchor" | "checkpoint";
}

async function signerStep(facts: ChainFacts, claim: RecordClaim | undefined, signature: Signature): Promise<StepResult> {
  const { account, orgId, blockNumber, what, kind } = signature;
  const path = await facts.attestingOrganizations(orgId);
  if (path === null) {
    return step(
      "failed",
      `signer.${kind}UnknownOrganization`,
      `Registry ${facts.chain.registry} knows no organization ${orgId} under a committee, for the account that ${what}.`,
      claim,
    );
  }
  const attesterOf = await facts.attesterOrganizationAt(orgId, account, blockNumber);
  if (attesterOf === null) {
    return step(
      "failed",
      `signer.${kind}NotAttester`,
      `Account ${account}, which ${what} in block ${blockNumber}, was not an Attester of organization ${path.join(", nor of ")} at that block.`,
      claim,
    );
  }
  return step(
    "passed",
    `signer.${kind}Attester`,
    `Account ${account}, which ${what} in block ${blockNumber}, was an Attester of organization ${attesterOf} at that block.`,
    claim,
  );
}

// Why a receipt does not show the transaction a bundle names, mined where it says; undefined when it does.
function minedProblem(
  receipt: ChainReceipt | null,
  claimed: { transactionHash: string; blockNumber: number },
  label: string,
): { reason: "transactionNotFound" | "transactionReverted" | "blockMismatch"; message: string } | undefined {
  const transaction = `${label} ${claimed.transactionHash}`;
  if (receipt === null) {
    return { reason: "transactionNotFound", message: `the node knows no mined ${transaction}.` };
  }
  if (receipt.status !== 1) {
    return { reason: "transactionReverted", message: `${transaction} reverted in block ${receipt.blockNumber}.` };
  }
  if (receipt.blockNumber !== claimed.blockNumber) {
    return {
      reason: "blockMismatch",
      message: `${transaction} was mined in block ${receipt.blockNumber}, not in block ${claimed.blockNumber} as the bundle says.`,
    };
  }
  return undefined;
}
