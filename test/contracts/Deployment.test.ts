import { expect } from "chai";
import { ethers, ignition } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import ConsortiumModule from "../../ignition/modules/Consortium";
import parameters from "../../ignition/parameters/hardhat.json";

async function deployWithIgnition() {
  const [governance] = await ethers.getSigners();
  const deployed = await ignition.deploy(ConsortiumModule, { parameters });
  return { ...deployed, governance };
}

describe("Deployment", () => {
  describe("Consortium Ignition module", () => {
    it("should wire every ledger to the one registry, governed by the deploying account", async () => {
      const { registry, membershipLedger, transferLedger, checkpointLog, governance } = await loadFixture(deployWithIgnition);
      const registryAddress = await registry.getAddress();

      expect(await registry.owner()).to.equal(governance.address);
      expect(await registry.organizationName(1)).to.equal(parameters.Consortium.consortiumName);
      expect(await membershipLedger.registry()).to.equal(registryAddress);
      expect(await transferLedger.registry()).to.equal(registryAddress);
      expect(await checkpointLog.registry()).to.equal(registryAddress);
      expect(await transferLedger.membershipLedger()).to.equal(await membershipLedger.getAddress());
      expect(await membershipLedger.transferLedger()).to.equal(await transferLedger.getAddress());
    });

    it("should deploy bytecode without PUSH0, so it runs on a paris-level chain such as Besu", async () => {
      const { registry, membershipLedger, transferLedger, checkpointLog } = await loadFixture(deployWithIgnition);
      const { abi } = await import("../../artifacts/contracts/OrgRegistry.sol/OrgRegistry.json");
      expect(abi.length).to.be.greaterThan(0);
      for (const contract of [registry, membershipLedger, transferLedger, checkpointLog]) {
        const code = ethers.getBytes(await ethers.provider.getCode(await contract.getAddress()));
        expect(opcodesOf(code)).to.not.include(0x5f);
      }
    });
  });
});

/** The opcodes of EVM bytecode, skipping PUSH data and the trailing CBOR metadata. */
function opcodesOf(code: Uint8Array): number[] {
  const metadataLength = (code[code.length - 2] << 8) + code[code.length - 1] + 2;
  const end = code.length - metadataLength;
  const opcodes: number[] = [];
  for (let i = 0; i < end; i++) {
    const op = code[i];
    opcodes.push(op);
    if (op >= 0x60 && op <= 0x7f) i += op - 0x5f;
  }
  return opcodes;
}
