// Outbox calls as transaction data: one call goes to its contract directly; several membership calls go together
// through the ledger's multicall, so one transaction anchors many members' records in outbox order.
import type { Interface } from "ethers";
import { CheckpointLog__factory } from "../../../typechain-types/factories/contracts/CheckpointLog__factory";
import { MembershipLedger__factory } from "../../../typechain-types/factories/contracts/MembershipLedger__factory";
import { OrgRegistry__factory } from "../../../typechain-types/factories/contracts/OrgRegistry__factory";
import { TransferLedger__factory } from "../../../typechain-types/factories/contracts/TransferLedger__factory";
import type { ConsortiumAddresses } from "../chain";
import type { ChainCall, OutboxContract } from "../data-access";

const INTERFACES: Record<OutboxContract, Interface> = {
  membership: MembershipLedger__factory.createInterface(),
  transfers: TransferLedger__factory.createInterface(),
  checkpoints: CheckpointLog__factory.createInterface(),
  registry: OrgRegistry__factory.createInterface(),
};

const ADDRESS_OF: Record<OutboxContract, keyof ConsortiumAddresses> = {
  membership: "membership",
  transfers: "transfers",
  checkpoints: "checkpoints",
  registry: "registry",
};

export interface EncodedTransaction {
  to: string;
  data: string;
}

export function encodeCall(call: ChainCall): string {
  return INTERFACES[call.contract].encodeFunctionData(call.method, call.args);
}

/** Calls of one contract as one transaction. Only the membership ledger takes several at once. */
export function encodeBatch(addresses: ConsortiumAddresses, calls: readonly ChainCall[]): EncodedTransaction {
  const [first] = calls;
  if (first === undefined) throw new RangeError("a batch holds at least one call");
  if (calls.some((call) => call.contract !== first.contract)) throw new RangeError("a batch calls one contract");
  const to = addresses[ADDRESS_OF[first.contract]];
  if (calls.length === 1) return { to, data: encodeCall(first) };
  if (first.contract !== "membership") throw new RangeError(`${first.contract} takes one call per transaction`);
  return { to, data: INTERFACES.membership.encodeFunctionData("multicall", [calls.map(encodeCall)]) };
}

/** Whether later calls may join a batch that starts with `call`. */
export function batchable(call: ChainCall): boolean {
  return call.contract === "membership";
}
