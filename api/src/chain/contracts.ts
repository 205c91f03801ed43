import type { ContractRunner } from "ethers";
import type { CheckpointLog, MembershipLedger, OrgRegistry, TransferLedger } from "../../../typechain-types";
import { CheckpointLog__factory } from "../../../typechain-types/factories/contracts/CheckpointLog__factory";
import { MembershipLedger__factory } from "../../../typechain-types/factories/contracts/MembershipLedger__factory";
import { OrgRegistry__factory } from "../../../typechain-types/factories/contracts/OrgRegistry__factory";
import { TransferLedger__factory } from "../../../typechain-types/factories/contracts/TransferLedger__factory";
import type { ConsortiumAddresses } from "./deployment";

export interface ConsortiumContracts {
  readonly registry: OrgRegistry;
  readonly membership: MembershipLedger;
  readonly transfers: TransferLedger;
  readonly checkpoints: CheckpointLog;
}

/** Typed clients of a deployed consortium; `runner` is a signer to write, a provider to read only. */
export function connectConsortium(deployment: { contracts: ConsortiumAddresses }, runner: ContractRunner): ConsortiumContracts {
  const { contracts } = deployment;
  return {
    registry: OrgRegistry__factory.connect(contracts.registry, runner),
    membership: MembershipLedger__factory.connect(contracts.membership, runner),
    transfers: TransferLedger__factory.connect(contracts.transfers, runner),
    checkpoints: CheckpointLog__factory.connect(contracts.checkpoints, runner),
  };
}

/** The four implementation ABIs (their errors include the inherited OpenZeppelin ones, e.g. OwnableUnauthorizedAccount). */
export const CONSORTIUM_ABIS = [
  OrgRegistry__factory.abi,
  MembershipLedger__factory.abi,
  TransferLedger__factory.abi,
  CheckpointLog__factory.abi,
] as const;
