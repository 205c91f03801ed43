import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys and wires the consortium's contract set. Governance (the registry owner) must be the deploying
 * account so it can wire the TransferLedger; hand it to a timelock or multisig afterwards with the registry's
 * two-step `transferOwnership` / `acceptOwnership`.
 */
export default buildModule("Consortium", (m) => {
  const consortiumName = m.getParameter<string>("consortiumName");
  const governance = m.getAccount(0);

  const registry = m.contract("OrgRegistry", [governance, consortiumName]);
  const membershipLedger = m.contract("MembershipLedger", [registry]);
  const transferLedger = m.contract("TransferLedger", [registry, membershipLedger]);
  const checkpointLog = m.contract("CheckpointLog", [registry]);

  m.call(membershipLedger, "setTransferLedger", [transferLedger], { from: governance });

  return { registry, membershipLedger, transferLedger, checkpointLog };
});
