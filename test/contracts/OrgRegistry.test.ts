import { expect } from "chai";
import { ethers } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployConsortium, OrgKind, randomKey, Role, TransferKind } from "../helpers/fixture";

const UNKNOWN_ORG = 99;

/** The block a transaction was mined in. */
async function blockOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return (await (await tx).wait())!.blockNumber;
}

describe("OrgRegistry", function () {
  /** The shared consortium plus two spare signers: a future multisig and a general-branch admin. */
  async function deployWithSpares() {
    const consortium = await deployConsortium();
    const [, , , , , , , , multisig, generalBranchAdmin] = await ethers.getSigners();
    return { ...consortium, spare: { multisig, generalBranchAdmin } };
  }

  describe("construction", function () {
    it("should make the consortium organization 1, owned by governance", async function () {
      const [governance] = await ethers.getSigners();
      const registry = await ethers.deployContract("OrgRegistry", [governance.address, "高校党建联盟"]);

      expect(await registry.consortiumId()).to.equal(1);
      expect(await registry.organizationCount()).to.equal(1);
      expect(await registry.organization(1)).to.deep.equal([0n, 0n, BigInt(OrgKind.Consortium), false]);
      expect(await registry.organizationName(1)).to.equal("高校党建联盟");
      expect(await registry.owner()).to.equal(governance.address);
      expect(await registry.paused()).to.equal(false);
      await expect(registry.deploymentTransaction())
        .to.emit(registry, "OrganizationRegistered")
        .withArgs(1, 0, OrgKind.Consortium, "高校党建联盟");
    });

    it("should refuse an empty consortium name", async function () {
      const [governance] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("OrgRegistry");
      await expect(factory.deploy(governance.address, "")).to.be.revertedWithCustomError(factory, "OrgRegistryEmptyName");
    });

    it("should refuse the zero address as governance", async function () {
      const factory = await ethers.getContractFactory("OrgRegistry");
      await expect(factory.deploy(ethers.ZeroAddress, "联盟"))
        .to.be.revertedWithCustomError(factory, "OwnableInvalidOwner")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("registerCommittee", function () {
    it("should register a committee with approval power under the consortium", async function () {
      const { registry } = await loadFixture(deployConsortium);
      await expect(registry.registerCommittee("丁大学党委", true))
        .to.emit(registry, "OrganizationRegistered")
        .withArgs(9, 1, OrgKind.Committee, "丁大学党委")
        .and.to.emit(registry, "ApprovalPowerChanged")
        .withArgs(9, true);
      expect(await registry.organizationCount()).to.equal(9);
      expect(await registry.organization(9)).to.deep.equal([1n, 9n, BigInt(OrgKind.Committee), true]);
      expect(await registry.organizationName(9)).to.equal("丁大学党委");
    });

    it("should register a committee without approval power and emit no power change", async function () {
      const { registry } = await loadFixture(deployConsortium);
      await expect(registry.registerCommittee("丁大学党委", false)).not.to.emit(registry, "ApprovalPowerChanged");
      expect((await registry.organization(9)).mayApprove).to.equal(false);
    });

    it("should refuse anyone but governance, even an org admin", async function () {
      const { registry, signers } = await loadFixture(deployConsortium);
      await expect(registry.connect(signers.adminA).registerCommittee("丁大学党委", true))
        .to.be.revertedWithCustomError(registry, "OwnableUnauthorizedAccount")
        .withArgs(signers.adminA.address);
    });

    it("should refuse an empty name", async function () {
      const { registry } = await loadFixture(deployConsortium);
      await expect(registry.registerCommittee("", true)).to.be.revertedWithCustomError(registry, "OrgRegistryEmptyName");
    });
  });

  describe("registerOrganization", function () {
    it("should place the fixture's organizations under their committees", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      expect(await registry.organization(ids.generalBranchA)).to.deep.equal([
        BigInt(ids.committeeA),
        BigInt(ids.committeeA),
        BigInt(OrgKind.GeneralBranch),
        false,
      ]);
      expect(await registry.organization(ids.branchA)).to.deep.equal([
        BigInt(ids.generalBranchA),
        BigInt(ids.committeeA),
        BigInt(OrgKind.Branch),
        false,
      ]);
      expect(await registry.organization(ids.branchB)).to.deep.equal([
        BigInt(ids.committeeB),
        BigInt(ids.committeeB),
        BigInt(OrgKind.Branch),
        false,
      ]);
    });

    const validParents = [
      { child: "GeneralBranch", parent: "committeeA", kind: OrgKind.GeneralBranch },
      { child: "Branch", parent: "committeeA", kind: OrgKind.Branch },
      { child: "Branch", parent: "generalBranchA", kind: OrgKind.Branch },
    ] as const;
    for (const { child, parent, kind } of validParents) {
      it(`should register a ${child} under ${parent}`, async function () {
        const { registry, ids } = await loadFixture(deployConsortium);
        await expect(registry.registerOrganization(ids[parent], kind, "新组织"))
          .to.emit(registry, "OrganizationRegistered")
          .withArgs(9, ids[parent], kind, "新组织");
        expect(await registry.organization(9)).to.deep.equal([BigInt(ids[parent]), BigInt(ids.committeeA), BigInt(kind), false]);
      });
    }

    const invalidParents = [
      { child: "GeneralBranch", parent: "consortium", parentKind: OrgKind.Consortium, kind: OrgKind.GeneralBranch },
      { child: "Branch", parent: "consortium", parentKind: OrgKind.Consortium, kind: OrgKind.Branch },
      { child: "Committee", parent: "consortium", parentKind: OrgKind.Consortium, kind: OrgKind.Committee },
      { child: "Committee", parent: "committeeA", parentKind: OrgKind.Committee, kind: OrgKind.Committee },
      { child: "Consortium", parent: "committeeA", parentKind: OrgKind.Committee, kind: OrgKind.Consortium },
      { child: "None", parent: "committeeA", parentKind: OrgKind.Committee, kind: OrgKind.None },
      { child: "GeneralBranch", parent: "generalBranchA", parentKind: OrgKind.GeneralBranch, kind: OrgKind.GeneralBranch },
      { child: "GeneralBranch", parent: "branchA", parentKind: OrgKind.Branch, kind: OrgKind.GeneralBranch },
      { child: "Branch", parent: "branchA", parentKind: OrgKind.Branch, kind: OrgKind.Branch },
    ] as const;
    for (const { child, parent, parentKind, kind } of invalidParents) {
      it(`should refuse a ${child} under ${parent}`, async function () {
        const { registry, ids } = await loadFixture(deployConsortium);
        await expect(registry.registerOrganization(ids[parent], kind, "新组织"))
          .to.be.revertedWithCustomError(registry, "OrgRegistryInvalidParent")
          .withArgs(ids[parent], parentKind, kind);
      });
    }

    it("should refuse an unknown parent", async function () {
      const { registry } = await loadFixture(deployConsortium);
      for (const parentId of [0, UNKNOWN_ORG]) {
        await expect(registry.registerOrganization(parentId, OrgKind.Branch, "新组织"))
          .to.be.revertedWithCustomError(registry, "OrgRegistryUnknownOrganization")
          .withArgs(parentId);
      }
    });

    it("should let an admin of an ancestor register", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await expect(registry.connect(signers.adminA).registerOrganization(ids.generalBranchA, OrgKind.Branch, "第二党支部"))
        .to.emit(registry, "OrganizationRegistered")
        .withArgs(9, ids.generalBranchA, OrgKind.Branch, "第二党支部");
    });

    it("should refuse an outsider, an attester, and the admin of another university", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      for (const caller of [signers.outsider, signers.attesterA, signers.adminB]) {
        await expect(registry.connect(caller).registerOrganization(ids.committeeA, OrgKind.Branch, "新组织"))
          .to.be.revertedWithCustomError(registry, "OrgRegistryNotAdmin")
          .withArgs(ids.committeeA, caller.address);
      }
    });

    it("should let a general-branch admin register below it but not beside it", async function () {
      const { registry, ids, signers, spare } = await loadFixture(deployWithSpares);
      const admin = spare.generalBranchAdmin;
      await registry.connect(signers.adminA).grantRole(ids.generalBranchA, admin.address, Role.OrgAdmin);

      await expect(registry.connect(admin).registerOrganization(ids.generalBranchA, OrgKind.Branch, "第二党支部"))
        .to.emit(registry, "OrganizationRegistered")
        .withArgs(9, ids.generalBranchA, OrgKind.Branch, "第二党支部");
      await expect(registry.connect(admin).registerOrganization(ids.committeeA, OrgKind.Branch, "直属党支部"))
        .to.be.revertedWithCustomError(registry, "OrgRegistryNotAdmin")
        .withArgs(ids.committeeA, admin.address);
    });

    it("should refuse an empty name", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      await expect(registry.registerOrganization(ids.committeeA, OrgKind.Branch, "")).to.be.revertedWithCustomError(
        registry,
        "OrgRegistryEmptyName",
      );
    });
  });

  describe("renameOrganization", function () {
    it("should let an admin of an ancestor and governance rename a general branch and a branch", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await expect(registry.connect(signers.adminA).renameOrganization(ids.branchA, "计算机学院本科生党支部"))
        .to.emit(registry, "OrganizationRenamed")
        .withArgs(ids.branchA, "计算机学院本科生党支部", signers.adminA.address);
      expect(await registry.organizationName(ids.branchA)).to.equal("计算机学院本科生党支部");

      await expect(registry.renameOrganization(ids.generalBranchA, "计算机与人工智能学院党总支"))
        .to.emit(registry, "OrganizationRenamed")
        .withArgs(ids.generalBranchA, "计算机与人工智能学院党总支", signers.governance.address);
      expect(await registry.organizationName(ids.generalBranchA)).to.equal("计算机与人工智能学院党总支");
      // Only the name moves: the place in the tree is the one registered.
      expect(await registry.organization(ids.branchA)).to.deep.equal([
        BigInt(ids.generalBranchA),
        BigInt(ids.committeeA),
        BigInt(OrgKind.Branch),
        false,
      ]);
    });

    it("should let a general-branch admin rename a branch below it, not the general branch itself", async function () {
      const { registry, ids, signers, spare } = await loadFixture(deployWithSpares);
      const admin = spare.generalBranchAdmin;
      await registry.connect(signers.adminA).grantRole(ids.generalBranchA, admin.address, Role.OrgAdmin);

      await expect(registry.connect(admin).renameOrganization(ids.branchA, "第一党支部")).to.emit(registry, "OrganizationRenamed");
      await expect(registry.connect(admin).renameOrganization(ids.generalBranchA, "新党总支"))
        .to.be.revertedWithCustomError(registry, "OrgRegistryNotAdmin")
        .withArgs(ids.committeeA, admin.address);
    });

    it("should refuse the branch's own admin, an attester, an outsider and another university's admin", async function () {
      const { registry, ids, signers, spare } = await loadFixture(deployWithSpares);
      const branchAdmin = spare.generalBranchAdmin;
      await registry.connect(signers.adminA).grantRole(ids.branchA, branchAdmin.address, Role.OrgAdmin);
      for (const caller of [branchAdmin, signers.branchClerkA, signers.attesterA, signers.outsider, signers.adminB]) {
        await expect(registry.connect(caller).renameOrganization(ids.branchA, "改名"))
          .to.be.revertedWithCustomError(registry, "OrgRegistryNotAdmin")
          .withArgs(ids.generalBranchA, caller.address);
      }
      expect(await registry.organizationName(ids.branchA)).to.equal("计算机学院本科生第一党支部");
    });

    it("should refuse the consortium and a committee, whose names are governance's", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      for (const [orgId, kind] of [
        [ids.consortium, OrgKind.Consortium],
        [ids.committeeA, OrgKind.Committee],
      ]) {
        await expect(registry.renameOrganization(orgId, "改名"))
          .to.be.revertedWithCustomError(registry, "OrgRegistryNotBranch")
          .withArgs(orgId, kind);
      }
    });

    it("should refuse an unknown organization, an empty name and a closed branch", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await expect(registry.renameOrganization(UNKNOWN_ORG, "改名"))
        .to.be.revertedWithCustomError(registry, "OrgRegistryUnknownOrganization")
        .withArgs(UNKNOWN_ORG);
      await expect(registry.connect(signers.adminA).renameOrganization(ids.branchA, "")).to.be.revertedWithCustomError(
        registry,
        "OrgRegistryEmptyName",
      );
      await registry.connect(signers.adminA).closeOrganization(ids.branchA);
      await expect(registry.connect(signers.adminA).renameOrganization(ids.branchA, "改名"))
        .to.be.revertedWithCustomError(registry, "OrgRegistryOrganizationClosed")
        .withArgs(ids.branchA);
    });
  });

  describe("closeOrganization", function () {
    it("should let an admin of an ancestor close a branch, which keeps its place, name and key history", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      expect(await registry.isClosed(ids.branchA)).to.equal(false);
      const closedAt = await blockOf(registry.connect(signers.adminA).closeOrganization(ids.branchA));

      await expect(registry.connect(signers.adminB).closeOrganization(ids.branchB))
        .to.emit(registry, "OrganizationClosed")
        .withArgs(ids.branchB, signers.adminB.address);
      expect(await registry.isClosed(ids.branchA)).to.equal(true);
      expect(await registry.organizationName(ids.branchA)).to.equal("计算机学院本科生第一党支部");
      expect(await registry.organization(ids.branchA)).to.deep.equal([
        BigInt(ids.generalBranchA),
        BigInt(ids.committeeA),
        BigInt(OrgKind.Branch),
        false,
      ]);
      // Records signed before the closing still check against the key that held the role then.
      expect(await registry.hasRoleAt(ids.branchA, signers.branchClerkA.address, Role.Attester, closedAt)).to.equal(true);
      expect(await registry.isClosed(ids.generalBranchA)).to.equal(false);
    });

    it("should refuse closing a general branch while a branch under it is open, then close it once that one is", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await registry.connect(signers.adminA).registerOrganization(ids.generalBranchA, OrgKind.Branch, "第二党支部");
      const secondBranch = 9;
      await expect(registry.connect(signers.adminA).closeOrganization(ids.generalBranchA))
        .to.be.revertedWithCustomError(registry, "OrgRegistryOpenChildren")
        .withArgs(ids.generalBranchA, 2);

      await registry.connect(signers.adminA).closeOrganization(ids.branchA);
      await expect(registry.connect(signers.adminA).closeOrganization(ids.generalBranchA))
        .to.be.revertedWithCustomError(registry, "OrgRegistryOpenChildren")
        .withArgs(ids.generalBranchA, 1);

      await registry.connect(signers.adminA).closeOrganization(secondBranch);
      await expect(registry.connect(signers.adminA).closeOrganization(ids.generalBranchA))
        .to.emit(registry, "OrganizationClosed")
        .withArgs(ids.generalBranchA, signers.adminA.address);
    });

    it("should refuse closing twice", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await registry.connect(signers.adminA).closeOrganization(ids.branchA);
      await expect(registry.connect(signers.adminA).closeOrganization(ids.branchA))
        .to.be.revertedWithCustomError(registry, "OrgRegistryOrganizationClosed")
        .withArgs(ids.branchA);
    });

    it("should refuse the branch's own admin, an attester, an outsider and another university's admin", async function () {
      const { registry, ids, signers, spare } = await loadFixture(deployWithSpares);
      const branchAdmin = spare.generalBranchAdmin;
      await registry.connect(signers.adminA).grantRole(ids.branchA, branchAdmin.address, Role.OrgAdmin);
      for (const caller of [branchAdmin, signers.branchClerkA, signers.attesterA, signers.outsider, signers.adminB]) {
        await expect(registry.connect(caller).closeOrganization(ids.branchA))
          .to.be.revertedWithCustomError(registry, "OrgRegistryNotAdmin")
          .withArgs(ids.generalBranchA, caller.address);
      }
      expect(await registry.isClosed(ids.branchA)).to.equal(false);
    });

    it("should refuse the consortium, a committee and an unknown organization", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      await expect(registry.closeOrganization(ids.consortium))
        .to.be.revertedWithCustomError(registry, "OrgRegistryNotBranch")
        .withArgs(ids.consortium, OrgKind.Consortium);
      await expect(registry.closeOrganization(ids.committeeB))
        .to.be.revertedWithCustomError(registry, "OrgRegistryNotBranch")
        .withArgs(ids.committeeB, OrgKind.Committee);
      await expect(registry.closeOrganization(UNKNOWN_ORG))
        .to.be.revertedWithCustomError(registry, "OrgRegistryUnknownOrganization")
        .withArgs(UNKNOWN_ORG);
      await expect(registry.isClosed(UNKNOWN_ORG))
        .to.be.revertedWithCustomError(registry, "OrgRegistryUnknownOrganization")
        .withArgs(UNKNOWN_ORG);
    });

    describe("a closed organization receives nothing new", function () {
      async function closedBranchA() {
        const consortium = await deployConsortium();
        await consortium.registry.connect(consortium.signers.adminA).closeOrganization(consortium.ids.branchA);
        return consortium;
      }

      it("should refuse an organization under it", async function () {
        const { registry, ids, signers } = await loadFixture(closedBranchA);
        await registry.connect(signers.adminA).closeOrganization(ids.generalBranchA);
        await expect(registry.connect(signers.adminA).registerOrganization(ids.generalBranchA, OrgKind.Branch, "新党支部"))
          .to.be.revertedWithCustomError(registry, "OrgRegistryOrganizationClosed")
          .withArgs(ids.generalBranchA);
      });

      it("should refuse a new role but still revoke one", async function () {
        const { registry, ids, signers } = await loadFixture(closedBranchA);
        await expect(registry.connect(signers.adminA).grantRole(ids.branchA, signers.outsider.address, Role.Attester))
          .to.be.revertedWithCustomError(registry, "OrgRegistryOrganizationClosed")
          .withArgs(ids.branchA);
        await expect(registry.connect(signers.adminA).revokeRole(ids.branchA, signers.branchClerkA.address, Role.Attester))
          .to.emit(registry, "RoleRevoked")
          .withArgs(ids.branchA, signers.branchClerkA.address, Role.Attester, signers.adminA.address);
      });

      it("should let no key attest for it, not even the committee's attester", async function () {
        const { registry, ids, signers } = await loadFixture(closedBranchA);
        for (const account of [signers.branchClerkA, signers.attesterA]) {
          expect(await registry.attestScope(ids.branchA, account.address)).to.deep.equal([false, false]);
        }
        expect(await registry.attestScope(ids.generalBranchA, signers.attesterA.address)).to.deep.equal([false, true]);
      });

      it("should have no approving committee, so nothing is approved for it", async function () {
        const { registry, ids, signers } = await loadFixture(closedBranchA);
        expect(await registry.approvingCommitteeOf(ids.branchA)).to.equal(0);
        expect(await registry.approveScope(ids.branchA, signers.attesterA.address)).to.deep.equal([false, 0n, false]);
        expect(await registry.approvingCommitteeOf(ids.generalBranchA)).to.equal(ids.committeeA);
      });

      it("should make MembershipLedger refuse to enroll a member in it", async function () {
        const { membership, ids, signers } = await loadFixture(closedBranchA);
        const today = Number(await membership.today());
        await expect(membership.connect(signers.branchClerkA).register(randomKey(), ids.branchA, randomKey(), today))
          .to.be.revertedWithCustomError(membership, "MembershipLedgerNotAttester")
          .withArgs(ids.branchA, signers.branchClerkA.address);
      });

      it("should make TransferLedger refuse a transfer into it", async function () {
        const { registry, membership, transfers, ids, signers } = await loadFixture(deployConsortium);
        const memberKey = randomKey();
        await membership.connect(signers.attesterB).register(memberKey, ids.branchB, randomKey(), Number(await membership.today()));
        await registry.connect(signers.adminA).closeOrganization(ids.branchA);
        const request = {
          transferId: randomKey(),
          memberKey,
          toOrgId: ids.branchA,
          destinationHash: ethers.ZeroHash,
          kind: TransferKind.Materials,
          validUntil: (await time.latest()) + 30 * 86_400,
          letterHash: randomKey(),
        };
        await expect(transfers.connect(signers.attesterB).issue(request))
          .to.be.revertedWithCustomError(transfers, "TransferLedgerInvalidDestination")
          .withArgs(ids.branchA, ethers.ZeroHash);
      });
    });
  });

  describe("setApprovalPower", function () {
    it("should let governance grant and withdraw a committee's approval power", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      await expect(registry.setApprovalPower(ids.committeeC, true))
        .to.emit(registry, "ApprovalPowerChanged")
        .withArgs(ids.committeeC, true);
      expect((await registry.organization(ids.committeeC)).mayApprove).to.equal(true);

      await expect(registry.setApprovalPower(ids.committeeC, false))
        .to.emit(registry, "ApprovalPowerChanged")
        .withArgs(ids.committeeC, false);
      expect((await registry.organization(ids.committeeC)).mayApprove).to.equal(false);
    });

    it("should refuse anyone but governance, even the committee's own admin", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await expect(registry.connect(signers.adminA).setApprovalPower(ids.committeeA, false))
        .to.be.revertedWithCustomError(registry, "OwnableUnauthorizedAccount")
        .withArgs(signers.adminA.address);
    });

    it("should refuse the consortium, a general branch and a branch", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      for (const orgId of [ids.consortium, ids.generalBranchA, ids.branchA]) {
        await expect(registry.setApprovalPower(orgId, true))
          .to.be.revertedWithCustomError(registry, "OrgRegistryNotCommittee")
          .withArgs(orgId);
      }
    });

    it("should refuse an unknown organization", async function () {
      const { registry } = await loadFixture(deployConsortium);
      await expect(registry.setApprovalPower(UNKNOWN_ORG, true))
        .to.be.revertedWithCustomError(registry, "OrgRegistryUnknownOrganization")
        .withArgs(UNKNOWN_ORG);
    });
  });

  describe("setServiceEndpoint", function () {
    const URL_A = "https://cunzheng.jia-university.example";
    const URL_A_MOVED = "https://dangjian.jia-university.example/cunzheng";

    it("should let governance and the committee's admin publish and withdraw the instance's address", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await expect(registry.setServiceEndpoint(ids.committeeA, URL_A))
        .to.emit(registry, "ServiceEndpointSet")
        .withArgs(ids.committeeA, URL_A, signers.governance.address);
      expect(await registry.serviceEndpoint(ids.committeeA)).to.equal(URL_A);

      await expect(registry.connect(signers.adminA).setServiceEndpoint(ids.committeeA, URL_A_MOVED))
        .to.emit(registry, "ServiceEndpointSet")
        .withArgs(ids.committeeA, URL_A_MOVED, signers.adminA.address);
      expect(await registry.serviceEndpoint(ids.committeeA)).to.equal(URL_A_MOVED);

      await expect(registry.connect(signers.adminA).setServiceEndpoint(ids.committeeA, ""))
        .to.emit(registry, "ServiceEndpointSet")
        .withArgs(ids.committeeA, "", signers.adminA.address);
      expect(await registry.serviceEndpoint(ids.committeeA)).to.equal("");
    });

    it("should refuse another committee's admin, an attester and an outsider", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      for (const caller of [signers.adminB, signers.attesterA, signers.outsider]) {
        await expect(registry.connect(caller).setServiceEndpoint(ids.committeeA, URL_A))
          .to.be.revertedWithCustomError(registry, "OrgRegistryNotAdmin")
          .withArgs(ids.committeeA, caller.address);
      }
    });

    it("should refuse the consortium, a branch and an unknown organization", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      for (const orgId of [ids.consortium, ids.branchA]) {
        await expect(registry.setServiceEndpoint(orgId, URL_A))
          .to.be.revertedWithCustomError(registry, "OrgRegistryNotCommittee")
          .withArgs(orgId);
      }
      await expect(registry.setServiceEndpoint(UNKNOWN_ORG, URL_A))
        .to.be.revertedWithCustomError(registry, "OrgRegistryUnknownOrganization")
        .withArgs(UNKNOWN_ORG);
      await expect(registry.serviceEndpoint(UNKNOWN_ORG))
        .to.be.revertedWithCustomError(registry, "OrgRegistryUnknownOrganization")
        .withArgs(UNKNOWN_ORG);
    });

    it("should refuse an address longer than 256 bytes", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      const long = `https://${"a".repeat(249)}`;
      await expect(registry.setServiceEndpoint(ids.committeeA, long))
        .to.be.revertedWithCustomError(registry, "OrgRegistryEndpointTooLong")
        .withArgs(ids.committeeA, 257);
      await registry.setServiceEndpoint(ids.committeeA, long.slice(0, 256));
      expect(await registry.serviceEndpoint(ids.committeeA)).to.have.length(256);
    });
  });

  describe("grantRole", function () {
    it("should let governance grant a role", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await expect(registry.grantRole(ids.branchB, signers.outsider.address, Role.Attester))
        .to.emit(registry, "RoleGranted")
        .withArgs(ids.branchB, signers.outsider.address, Role.Attester, signers.governance.address);
      expect(await registry.hasRole(ids.branchB, signers.outsider.address, Role.Attester)).to.equal(true);
      expect(await registry.hasRole(ids.branchB, signers.outsider.address, Role.OrgAdmin)).to.equal(false);
    });

    it("should let an admin of the organization itself grant a role", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await expect(registry.connect(signers.adminB).grantRole(ids.committeeB, signers.outsider.address, Role.OrgAdmin))
        .to.emit(registry, "RoleGranted")
        .withArgs(ids.committeeB, signers.outsider.address, Role.OrgAdmin, signers.adminB.address);
    });

    it("should let an admin of an ancestor grant a role", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await expect(registry.connect(signers.adminA).grantRole(ids.branchA, signers.outsider.address, Role.Attester))
        .to.emit(registry, "RoleGranted")
        .withArgs(ids.branchA, signers.outsider.address, Role.Attester, signers.adminA.address);
    });

    it("should refuse an outsider, an attester, and the admin of another university", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      for (const caller of [signers.outsider, signers.attesterA, signers.adminB]) {
        await expect(registry.connect(caller).grantRole(ids.branchA, caller.address, Role.OrgAdmin))
          .to.be.revertedWithCustomError(registry, "OrgRegistryNotAdmin")
          .withArgs(ids.branchA, caller.address);
      }
    });

    it("should refuse a branch admin granting a role in its committee", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await registry.grantRole(ids.branchA, signers.outsider.address, Role.OrgAdmin);
      await expect(registry.connect(signers.outsider).grantRole(ids.committeeA, signers.outsider.address, Role.Attester))
        .to.be.revertedWithCustomError(registry, "OrgRegistryNotAdmin")
        .withArgs(ids.committeeA, signers.outsider.address);
    });

    it("should refuse a role the account already holds", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await expect(registry.grantRole(ids.committeeA, signers.attesterA.address, Role.Attester))
        .to.be.revertedWithCustomError(registry, "OrgRegistryRoleAlreadyGranted")
        .withArgs(ids.committeeA, signers.attesterA.address, Role.Attester);
    });

    it("should refuse the zero address", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      await expect(registry.grantRole(ids.branchA, ethers.ZeroAddress, Role.Attester)).to.be.revertedWithCustomError(
        registry,
        "OrgRegistryZeroAccount",
      );
    });

    it("should refuse an unknown organization", async function () {
      const { registry, signers } = await loadFixture(deployConsortium);
      await expect(registry.grantRole(UNKNOWN_ORG, signers.outsider.address, Role.Attester))
        .to.be.revertedWithCustomError(registry, "OrgRegistryUnknownOrganization")
        .withArgs(UNKNOWN_ORG);
    });
  });

  describe("revokeRole", function () {
    it("should let governance revoke a role", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await expect(registry.revokeRole(ids.committeeA, signers.attesterA.address, Role.Attester))
        .to.emit(registry, "RoleRevoked")
        .withArgs(ids.committeeA, signers.attesterA.address, Role.Attester, signers.governance.address);
      expect(await registry.hasRole(ids.committeeA, signers.attesterA.address, Role.Attester)).to.equal(false);
    });

    it("should let an admin of an ancestor revoke a branch clerk", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await expect(registry.connect(signers.adminA).revokeRole(ids.branchA, signers.branchClerkA.address, Role.Attester))
        .to.emit(registry, "RoleRevoked")
        .withArgs(ids.branchA, signers.branchClerkA.address, Role.Attester, signers.adminA.address);
    });

    it("should refuse an outsider, an attester, and the admin of another university", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      for (const caller of [signers.outsider, signers.attesterA, signers.adminB]) {
        await expect(registry.connect(caller).revokeRole(ids.branchA, signers.branchClerkA.address, Role.Attester))
          .to.be.revertedWithCustomError(registry, "OrgRegistryNotAdmin")
          .withArgs(ids.branchA, caller.address);
      }
    });

    it("should refuse a role the account does not hold, including one already revoked", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await expect(registry.revokeRole(ids.committeeA, signers.attesterA.address, Role.OrgAdmin))
        .to.be.revertedWithCustomError(registry, "OrgRegistryRoleNotGranted")
        .withArgs(ids.committeeA, signers.attesterA.address, Role.OrgAdmin);

      await registry.revokeRole(ids.committeeA, signers.attesterA.address, Role.Attester);
      await expect(registry.revokeRole(ids.committeeA, signers.attesterA.address, Role.Attester))
        .to.be.revertedWithCustomError(registry, "OrgRegistryRoleNotGranted")
        .withArgs(ids.committeeA, signers.attesterA.address, Role.Attester);
    });

    it("should strip a revoked admin of its power to grant", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await registry.revokeRole(ids.committeeA, signers.adminA.address, Role.OrgAdmin);
      await expect(registry.connect(signers.adminA).grantRole(ids.branchA, signers.outsider.address, Role.Attester))
        .to.be.revertedWithCustomError(registry, "OrgRegistryNotAdmin")
        .withArgs(ids.branchA, signers.adminA.address);
    });
  });

  describe("hasRoleAt", function () {
    it("should answer from the key history across grant, revocation and re-grant", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      const key = signers.outsider.address;
      const heldAt = (block: number) => registry.hasRoleAt(ids.branchA, key, Role.Attester, block);

      const granted = await blockOf(registry.grantRole(ids.branchA, key, Role.Attester));
      await mine(5);
      const revoked = await blockOf(registry.revokeRole(ids.branchA, key, Role.Attester));
      await mine(5);
      const regranted = await blockOf(registry.grantRole(ids.branchA, key, Role.Attester));

      expect(await heldAt(granted - 1)).to.equal(false);
      expect(await heldAt(granted)).to.equal(true);
      expect(await heldAt(revoked - 1)).to.equal(true);
      expect(await heldAt(revoked)).to.equal(false);
      expect(await heldAt(regranted - 1)).to.equal(false);
      expect(await heldAt(regranted)).to.equal(true);
      expect(await registry.hasRoleAt(ids.branchA, key, Role.OrgAdmin, regranted)).to.equal(false);
    });

    it("should be false for an account never granted", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      const latest = await ethers.provider.getBlockNumber();
      expect(await registry.hasRoleAt(ids.branchA, signers.outsider.address, Role.Attester, latest)).to.equal(false);
    });
  });

  describe("approvingCommitteeOf", function () {
    it("should name the committee with approval power for itself and every organization below it", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      for (const orgId of [ids.committeeA, ids.generalBranchA, ids.branchA]) {
        expect(await registry.approvingCommitteeOf(orgId)).to.equal(ids.committeeA);
      }
      expect(await registry.approvingCommitteeOf(ids.branchB)).to.equal(ids.committeeB);
    });

    it("should give 0 under a committee without approval power until governance grants it", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      expect(await registry.approvingCommitteeOf(ids.committeeC)).to.equal(0);
      expect(await registry.approvingCommitteeOf(ids.branchC)).to.equal(0);

      await registry.setApprovalPower(ids.committeeC, true);
      expect(await registry.approvingCommitteeOf(ids.branchC)).to.equal(ids.committeeC);
    });

    it("should give 0 for the consortium and an unknown organization", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      expect(await registry.approvingCommitteeOf(ids.consortium)).to.equal(0);
      expect(await registry.approvingCommitteeOf(UNKNOWN_ORG)).to.equal(0);
    });
  });

  describe("isSelfOrAncestor", function () {
    it("should be true for the organization itself and each ancestor up to the consortium", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      for (const ancestorId of [ids.branchA, ids.generalBranchA, ids.committeeA, ids.consortium]) {
        expect(await registry.isSelfOrAncestor(ancestorId, ids.branchA)).to.equal(true);
      }
    });

    it("should be false for a descendant, another university and an unknown organization", async function () {
      const { registry, ids } = await loadFixture(deployConsortium);
      expect(await registry.isSelfOrAncestor(ids.branchA, ids.generalBranchA)).to.equal(false);
      expect(await registry.isSelfOrAncestor(ids.committeeB, ids.branchA)).to.equal(false);
      expect(await registry.isSelfOrAncestor(UNKNOWN_ORG, ids.branchA)).to.equal(false);
      expect(await registry.isSelfOrAncestor(UNKNOWN_ORG, UNKNOWN_ORG)).to.equal(false);
    });
  });

  describe("attestScope", function () {
    it("should let a branch attester attest for its branch", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      expect(await registry.attestScope(ids.branchA, signers.branchClerkA.address)).to.deep.equal([false, true]);
    });

    it("should let a general-branch attester attest for it and the branches below, not for the committee", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      const clerk = signers.outsider.address;
      await registry.grantRole(ids.generalBranchA, clerk, Role.Attester);
      expect(await registry.attestScope(ids.generalBranchA, clerk)).to.deep.equal([false, true]);
      expect(await registry.attestScope(ids.branchA, clerk)).to.deep.equal([false, true]);
      expect(await registry.attestScope(ids.committeeA, clerk)).to.deep.equal([false, false]);
    });

    it("should let a committee attester attest for the committee and every organization below it", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      for (const orgId of [ids.committeeA, ids.generalBranchA, ids.branchA]) {
        expect(await registry.attestScope(orgId, signers.attesterA.address)).to.deep.equal([false, true]);
      }
    });

    it("should not let a branch attester attest for its committee or a sibling branch", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await registry.registerOrganization(ids.generalBranchA, OrgKind.Branch, "第二党支部");
      const siblingBranch = 9;
      expect(await registry.attestScope(ids.committeeA, signers.branchClerkA.address)).to.deep.equal([false, false]);
      expect(await registry.attestScope(siblingBranch, signers.branchClerkA.address)).to.deep.equal([false, false]);
    });

    it("should not let an attester of another university attest", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      expect(await registry.attestScope(ids.branchA, signers.attesterB.address)).to.deep.equal([false, false]);
    });

    it("should give false for the consortium and an unknown organization, even to a consortium attester", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      const consortiumClerk = signers.outsider.address;
      await registry.grantRole(ids.consortium, consortiumClerk, Role.Attester);
      expect(await registry.attestScope(ids.consortium, consortiumClerk)).to.deep.equal([false, false]);
      expect(await registry.attestScope(UNKNOWN_ORG, consortiumClerk)).to.deep.equal([false, false]);
      // The walk stops at the university committee: consortium-level keys never write a university's records.
      expect(await registry.attestScope(ids.branchA, consortiumClerk)).to.deep.equal([false, false]);
    });

    it("should report the pause alongside the attester check", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await registry.pause();
      expect(await registry.attestScope(ids.branchA, signers.branchClerkA.address)).to.deep.equal([true, true]);
      expect(await registry.attestScope(ids.branchA, signers.outsider.address)).to.deep.equal([true, false]);
    });
  });

  describe("approveScope", function () {
    it("should let an attester of the approving committee approve for a branch below it", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      expect(await registry.approveScope(ids.branchA, signers.attesterA.address)).to.deep.equal([false, BigInt(ids.committeeA), true]);
    });

    it("should name the approving committee but refuse a branch attester and another university's attester", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      for (const account of [signers.branchClerkA, signers.attesterB]) {
        expect(await registry.approveScope(ids.branchA, account.address)).to.deep.equal([false, BigInt(ids.committeeA), false]);
      }
    });

    it("should refuse the attester of a committee without approval power", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      expect(await registry.approveScope(ids.branchC, signers.attesterC.address)).to.deep.equal([false, 0n, false]);
    });

    it("should report the pause alongside the approval check", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await registry.pause();
      expect(await registry.approveScope(ids.branchA, signers.attesterA.address)).to.deep.equal([true, BigInt(ids.committeeA), true]);
    });
  });

  describe("pause and unpause", function () {
    it("should let governance pause and unpause", async function () {
      const { registry, signers } = await loadFixture(deployConsortium);
      await expect(registry.pause()).to.emit(registry, "Paused").withArgs(signers.governance.address);
      expect(await registry.paused()).to.equal(true);
      await expect(registry.unpause()).to.emit(registry, "Unpaused").withArgs(signers.governance.address);
      expect(await registry.paused()).to.equal(false);
    });

    it("should refuse anyone but governance", async function () {
      const { registry, signers } = await loadFixture(deployConsortium);
      await expect(registry.connect(signers.adminA).pause())
        .to.be.revertedWithCustomError(registry, "OwnableUnauthorizedAccount")
        .withArgs(signers.adminA.address);
      await registry.pause();
      await expect(registry.connect(signers.adminA).unpause())
        .to.be.revertedWithCustomError(registry, "OwnableUnauthorizedAccount")
        .withArgs(signers.adminA.address);
    });

    it("should refuse pausing twice and unpausing when not paused", async function () {
      const { registry } = await loadFixture(deployConsortium);
      await expect(registry.unpause()).to.be.revertedWithCustomError(registry, "ExpectedPause");
      await registry.pause();
      await expect(registry.pause()).to.be.revertedWithCustomError(registry, "EnforcedPause");
    });

    it("should still let governance revoke a compromised key while paused", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      await registry.pause();
      await expect(registry.revokeRole(ids.branchA, signers.branchClerkA.address, Role.Attester)).to.emit(registry, "RoleRevoked");
    });
  });

  describe("ownership transfer", function () {
    it("should refuse renouncing governance, which would freeze the consortium", async function () {
      const { registry, signers } = await loadFixture(deployConsortium);

      await expect(registry.connect(signers.governance).renounceOwnership()).to.be.revertedWithCustomError(
        registry,
        "OrgRegistryRenounceDisabled",
      );
      expect(await registry.owner()).to.equal(signers.governance.address);
    });

    it("should refuse renouncing by anyone but governance", async function () {
      const { registry, signers } = await loadFixture(deployConsortium);
      await expect(registry.connect(signers.adminA).renounceOwnership())
        .to.be.revertedWithCustomError(registry, "OwnableUnauthorizedAccount")
        .withArgs(signers.adminA.address);
    });

    it("should move governance to a multisig in two steps", async function () {
      const { registry, ids, signers, spare } = await loadFixture(deployWithSpares);
      const { governance } = signers;
      const { multisig } = spare;

      await expect(registry.transferOwnership(multisig.address))
        .to.emit(registry, "OwnershipTransferStarted")
        .withArgs(governance.address, multisig.address);
      expect(await registry.owner()).to.equal(governance.address);
      expect(await registry.pendingOwner()).to.equal(multisig.address);

      await expect(registry.connect(multisig).acceptOwnership())
        .to.emit(registry, "OwnershipTransferred")
        .withArgs(governance.address, multisig.address);
      expect(await registry.owner()).to.equal(multisig.address);
      expect(await registry.pendingOwner()).to.equal(ethers.ZeroAddress);

      await expect(registry.connect(multisig).registerCommittee("丁大学党委", true)).to.emit(registry, "OrganizationRegistered");
      await expect(registry.registerCommittee("戊大学党委", true))
        .to.be.revertedWithCustomError(registry, "OwnableUnauthorizedAccount")
        .withArgs(governance.address);
      // The old governance key also loses its implicit admin rights over every organization.
      await expect(registry.grantRole(ids.branchA, signers.outsider.address, Role.Attester))
        .to.be.revertedWithCustomError(registry, "OrgRegistryNotAdmin")
        .withArgs(ids.branchA, governance.address);
    });

    it("should refuse acceptance by anyone but the pending owner", async function () {
      const { registry, signers, spare } = await loadFixture(deployWithSpares);
      await registry.transferOwnership(spare.multisig.address);
      await expect(registry.connect(signers.outsider).acceptOwnership())
        .to.be.revertedWithCustomError(registry, "OwnableUnauthorizedAccount")
        .withArgs(signers.outsider.address);
    });

    it("should refuse a transfer started by anyone but governance", async function () {
      const { registry, signers } = await loadFixture(deployConsortium);
      await expect(registry.connect(signers.adminA).transferOwnership(signers.adminA.address))
        .to.be.revertedWithCustomError(registry, "OwnableUnauthorizedAccount")
        .withArgs(signers.adminA.address);
    });
  });

  describe("gas price 0", function () {
    it("should accept a transaction that pays nothing for gas", async function () {
      const { registry, ids, signers } = await loadFixture(deployConsortium);
      const balanceBefore = await ethers.provider.getBalance(signers.adminA.address);

      const tx = await registry.connect(signers.adminA).grantRole(ids.branchA, signers.outsider.address, Role.Attester, { gasPrice: 0 });
      const receipt = await tx.wait();

      expect(receipt!.status).to.equal(1);
      expect(receipt!.gasPrice).to.equal(0n);
      expect(await ethers.provider.getBalance(signers.adminA.address)).to.equal(balanceBefore);
      expect(await registry.hasRole(ids.branchA, signers.outsider.address, Role.Attester)).to.equal(true);
    });
  });
});
