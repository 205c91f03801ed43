// The organization department renames and closes branches in the portal (issue 17): each change is sent to the chain
// through the instance's key, shown pending until the chain confirms it and the instance has mirrored it, and refused
// in plain words, whether by the instance (a branch still holding members) or by the chain (a key without the role).
import { expect } from "chai";
import { ethers } from "hardhat";
import type { Page } from "playwright-core";
import { EventIndexer } from "../../api/src/indexer/event-indexer";
import { ORG_IDS } from "../../api/src/data-access/testing";
import { seedAccount } from "../../api/src/domain/accounts";
import { chainEventHandler, EVENT_CURSOR } from "../../api/src/domain/federation";
import { hashPassword } from "../../api/src/http/auth/password";
import { createLogger } from "../../api/src/lib/logger";
import { OrgKind, Role } from "../helpers/fixture";
import { expectAccessible, logIn, saveScreenshot, startPortal, type PortalEnvironment } from "../helpers/portal";

const ADMIN = "org-portal-admin";
const ADMIN_PASSWORD = "Org-portal-passphrase";
const CHAIN_CONFIRMS_WITHIN_MS = 30_000;
const EMPTY_BRANCH = "计算机学院临时党支部";

describe("Portal: renaming and closing branches", function () {
  let portal: PortalEnvironment;
  let indexer: EventIndexer;
  let instanceAddress: string;

  before(async function () {
    portal = await startPortal();
    const { anchored, institution } = portal.instance;
    const { registry, signers } = anchored.consortium;
    // The instance's key changes the committee's tree: the committee's org admin makes it OrgAdmin, as operations.md says.
    instanceAddress = signers.attesterA.address;
    await registry.connect(signers.adminA).grantRole(ORG_IDS.committeeA, instanceAddress, Role.OrgAdmin);
    await registry.connect(signers.adminA).registerOrganization(ORG_IDS.generalBranchA, OrgKind.Branch, EMPTY_BRANCH);
    await institution.transaction(async (repositories) =>
      seedAccount(repositories, {
        username: ADMIN,
        displayName: "组织部李老师",
        passwordHash: await hashPassword(ADMIN_PASSWORD),
        role: "ORG_ADMIN",
        orgId: ORG_IDS.committeeA,
        canReadPersonalData: true,
      }),
    );
    indexer = new EventIndexer(
      {
        provider: ethers.provider,
        addresses: { registry: anchored.addresses.registry, transfers: anchored.addresses.transfers },
        transaction: (work) => institution.transaction(work),
        repositories: institution.repositories,
        apply: chainEventHandler({ account: instanceAddress.toLowerCase(), reader: institution.federation!.reader, institution }),
        logger: createLogger({ level: "silent" }),
      },
      { cursorName: EVENT_CURSOR, fromBlock: 0, confirmations: 1, batchBlocks: 2_000, pollIntervalMs: 200, maxBackoffMs: 500 },
    );
    indexer.start();
  });

  after(async function () {
    await indexer?.stop();
    await portal?.close();
  });

  async function organizationsPage(): Promise<Page> {
    const admin = await portal.newPage();
    await logIn(admin, ADMIN, ADMIN_PASSWORD);
    await admin.getByRole("link", { name: "组织机构" }).click();
    await admin.getByRole("heading", { level: 1, name: "组织机构" }).waitFor();
    return admin;
  }

  const treeOf = (page: Page) => page.getByRole("region", { name: "组织结构" });
  /** An organization's name as the tree shows it (its buttons repeat it for screen readers). */
  const shownName = (page: Page, name: string) => treeOf(page).locator("strong").getByText(name, { exact: true });

  it("should rename a branch and close an empty one, each pending until the chain confirms it", async function () {
    const { registry } = portal.instance.anchored.consortium;
    const admin = await organizationsPage();
    const tree = treeOf(admin);
    await shownName(admin, EMPTY_BRANCH).waitFor({ timeout: CHAIN_CONFIRMS_WITHIN_MS });

    await tree.getByRole("button", { name: "重命名 计算机学院本科生第一党支部" }).click();
    const renaming = admin.getByRole("form", { name: "重命名 计算机学院本科生第一党支部" });
    await renaming.getByLabel(/^新名称/).fill("计算机学院本科生党支部");
    await renaming.getByRole("button", { name: "提交上链" }).click();
    const renamed = admin.locator('tr[data-action="RENAME"][data-request="计算机学院本科生党支部"]');
    await renamed.getByText(/等待区块链确认|已上链，正在同步/).waitFor();
    await renamed.getByText("已生效").waitFor({ timeout: CHAIN_CONFIRMS_WITHIN_MS });
    await shownName(admin, "计算机学院本科生党支部").waitFor();
    expect(await registry.organizationName(ORG_IDS.branchA)).to.equal("计算机学院本科生党支部");

    // The branch's clerks still work there: the instance refuses, in plain words, and sends nothing.
    await tree.getByRole("button", { name: "撤销 计算机学院本科生党支部" }).click();
    const refusedClose = admin.getByRole("form", { name: "撤销 计算机学院本科生党支部" });
    await refusedClose.getByRole("button", { name: "确认撤销" }).click();
    expect(await refusedClose.getByRole("alert").textContent()).to.equal("这个党组织还有启用的账号，请先将账号调到其他党组织或停用。");
    await refusedClose.getByRole("button", { name: "取消" }).click();

    const emptyBranchId = (await portal.instance.anchored.database.repositories.organizations.list()).find(
      (org) => org.name === EMPTY_BRANCH,
    )!.id;
    await tree.getByRole("button", { name: `撤销 ${EMPTY_BRANCH}` }).click();
    const closing = admin.getByRole("form", { name: `撤销 ${EMPTY_BRANCH}` });
    expect(await closing.textContent()).to.contain("不能再改名或恢复");
    await expectAccessible(admin);
    await saveScreenshot(admin, "organization-close");
    await closing.getByRole("button", { name: "确认撤销" }).click();
    const closed = admin.locator(`tr[data-action="CLOSE"][data-request="${EMPTY_BRANCH}"]`);
    await closed.getByText(/等待区块链确认|已上链，正在同步/).waitFor();
    await closed.getByText("已生效").waitFor({ timeout: CHAIN_CONFIRMS_WITHIN_MS });
    await admin.locator(`li[data-org="${EMPTY_BRANCH}"]`).getByText("已撤销").waitFor();
    expect(await registry.isClosed(emptyBranchId)).to.equal(true);
    expect(await admin.locator(`li[data-org="${EMPTY_BRANCH}"]`).getByRole("button").count()).to.equal(0);
    await expectAccessible(admin);
    await saveScreenshot(admin, "organizations-changed");

    // A closed branch is offered for nothing new: not as a member's branch when entering an applicant.
    await admin.getByRole("link", { name: "党员发展" }).click();
    await admin.getByRole("button", { name: "登记入党申请人" }).click();
    const branchSelect = admin.getByLabel(/^所在党组织/);
    // The organizations load after the form opens: wait for them before reading the choices.
    await branchSelect.locator("option", { hasText: "计算机学院本科生党支部（甲大学党委）" }).waitFor({ state: "attached" });
    const choices = await branchSelect.locator("option").allTextContents();
    expect(choices).to.include("计算机学院本科生党支部（甲大学党委）");
    expect(choices.some((label) => label.includes(EMPTY_BRANCH))).to.equal(false);
  });

  it("should show a refusal by the chain in plain words", async function () {
    const { registry, signers } = portal.instance.anchored.consortium;
    await registry.connect(signers.adminA).revokeRole(ORG_IDS.committeeA, instanceAddress, Role.OrgAdmin);
    try {
      const admin = await organizationsPage();
      await treeOf(admin).getByRole("button", { name: "重命名 计算机学院党总支" }).click();
      const renaming = admin.getByRole("form", { name: "重命名 计算机学院党总支" });
      await renaming.getByLabel(/^新名称/).fill("计算机与人工智能学院党总支");
      await renaming.getByRole("button", { name: "提交上链" }).click();
      const refused = admin.locator('tr[data-action="RENAME"][data-request="计算机与人工智能学院党总支"]');
      await refused.getByText("区块链拒绝了这项申请").waitFor({ timeout: CHAIN_CONFIRMS_WITHIN_MS });
      expect(await refused.textContent()).to.contain("本系统的区块链密钥还没有该党委的组织管理权限，请联系运维人员授权（见运维文档）。");
      expect(await registry.organizationName(ORG_IDS.generalBranchA)).to.equal("计算机学院党总支");
      await shownName(admin, "计算机学院党总支").waitFor();
      await expectAccessible(admin);
      await saveScreenshot(admin, "organization-refused");
    } finally {
      await registry.connect(signers.adminA).grantRole(ORG_IDS.committeeA, instanceAddress, Role.OrgAdmin);
    }
  });
});
