// Whether the chain already holds exactly the write an outbox item asks for, and which transaction made it. Read from
// the contracts' events, which only a successful write emits: a member's RecordAppended with this record hash, the
// log's CheckpointRecorded at this size with this root, the transfer's event with this letter, receipt or reason.
// A mined transaction whose receipt a node has not served yet, or a write sent by a crashed predecessor, is found
// here, so it is never taken for a refusal.
import type { Interface, LogDescription } from "ethers";
import { CheckpointLog__factory } from "../../../typechain-types/factories/contracts/CheckpointLog__factory";
import { MembershipLedger__factory } from "../../../typechain-types/factories/contracts/MembershipLedger__factory";
import { OrgRegistry__factory } from "../../../typechain-types/factories/contracts/OrgRegistry__factory";
import { TransferLedger__factory } from "../../../typechain-types/factories/contracts/TransferLedger__factory";
import type { ConsortiumAddresses } from "../chain";
import type { ChainCall } from "../data-access";
import type { ChainProvider } from "../chain/provider";

const MEMBERSHIP = MembershipLedger__factory.createInterface();
const TRANSFERS = TransferLedger__factory.createInterface();
const CHECKPOINTS = CheckpointLog__factory.createInterface();
const REGISTRY = OrgRegistry__factory.createInterface();

/** The transaction that wrote an item's effect to the chain. */
export interface ChainEvidence {
  transactionHash: string;
  blockNumber: number;
  blockHash: string;
}

/** The event a successful call emits: its topics to filter on, and what its data must say. */
interface ExpectedEvent {
  contract: Interface;
  address: string;
  event: string;
  topics: unknown[];
  matches(log: LogDescription): boolean;
}

const sameHex = (a: unknown, b: unknown) => String(a).toLowerCase() === String(b).toLowerCase();

function expectedEvent(addresses: ConsortiumAddresses, call: ChainCall): ExpectedEvent {
  const args = call.args;
  if (call.contract === "membership") {
    // Every membership write takes (memberKey, …, recordHash, …) and emits RecordAppended(memberKey, recordHash).
    const inputs = (MEMBERSHIP as Interface).getFunction(call.method)!.inputs.map((input) => input.name);
    const memberKey = args[inputs.indexOf("memberKey")];
    // An archival entry appends all its records; the last one is the head this item stands for.
    const recordHash =
      call.method === "registerArchival" ? (args[inputs.indexOf("recordHashes")] as unknown[]).at(-1) : args[inputs.indexOf("recordHash")];
    return {
      contract: MEMBERSHIP,
      address: addresses.membership,
      event: "RecordAppended",
      topics: [memberKey],
      matches: (log) => sameHex(log.args.recordHash, recordHash),
    };
  }
  if (call.contract === "checkpoints") {
    const [logId, treeSize, root] = args;
    return {
      contract: CHECKPOINTS,
      address: addresses.checkpoints,
      event: "CheckpointRecorded",
      topics: [logId, treeSize],
      matches: (log) => sameHex(log.args.root, root),
    };
  }
  if (call.contract === "registry") return registryEvent(addresses, call);
  const transfer = (event: string, transferId: unknown, matches: ExpectedEvent["matches"]): ExpectedEvent => ({
    contract: TRANSFERS,
    address: addresses.transfers,
    event,
    topics: [transferId],
    matches,
  });
  switch (call.method) {
    case "issue":
    case "reissue": {
      const request = args[args.length - 1] as { transferId: string; letterHash: string };
      return transfer("TransferIssued", request.transferId, (log) => sameHex(log.args.letterHash, request.letterHash));
    }
    case "accept":
      return transfer("TransferAccepted", args[0], (log) => sameHex(log.args.receiptHash, args[2]));
    case "recordExportReceipt":
      return transfer("TransferAccepted", args[0], (log) => sameHex(log.args.receiptHash, args[1]));
    case "reject":
      return transfer("TransferRejected", args[0], (log) => Number(log.args.reasonCode) === Number(args[1]));
    case "cancel":
      return transfer("TransferCancelled", args[0], (log) => Number(log.args.reasonCode) === Number(args[1]));
    default:
      throw new RangeError(`no chain evidence is known for transfers.${call.method}`);
  }
}

function registryEvent(addresses: ConsortiumAddresses, call: ChainCall): ExpectedEvent {
  const registry = (event: string, topics: unknown[], matches: ExpectedEvent["matches"]): ExpectedEvent => ({
    contract: REGISTRY,
    address: addresses.registry,
    event,
    topics,
    matches,
  });
  const args = call.args;
  switch (call.method) {
    case "registerOrganization":
      // (parentId, kind, name): one organization of that kind and name under that parent (the instance refuses twins).
      return registry(
        "OrganizationRegistered",
        [null, args[0]],
        (log) => Number(log.args.kind) === Number(args[1]) && log.args.name === args[2],
      );
    case "renameOrganization":
      return registry("OrganizationRenamed", [args[0]], (log) => log.args.name === args[1]);
    case "closeOrganization":
      return registry("OrganizationClosed", [args[0]], () => true);
    default:
      throw new RangeError(`no chain evidence is known for registry.${call.method}`);
  }
}

/** The transaction that already wrote `call`'s effect, searched from `fromBlock` (the deployment's block); or null. */
export async function findOnChain(
  provider: ChainProvider,
  addresses: ConsortiumAddresses,
  fromBlock: number,
  call: ChainCall,
): Promise<ChainEvidence | null> {
  const expected = expectedEvent(addresses, call);
  const topics = expected.contract.encodeFilterTopics(expected.event, expected.topics);
  const logs = await provider.getLogs({ address: expected.address, topics, fromBlock, toBlock: "latest" });
  for (const log of logs) {
    const parsed = expected.contract.parseLog(log);
    if (parsed && expected.matches(parsed)) {
      return { transactionHash: log.transactionHash, blockNumber: log.blockNumber, blockHash: log.blockHash };
    }
  }
  return null;
}
