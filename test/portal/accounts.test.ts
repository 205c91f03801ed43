// The organization department in the portal (issue 17): an ORG_ADMIN creates a clerk who must replace the one-time
// password, records a step, and is refused at the next click once disabled; the admin cannot reach outside its
// subtree; a branch added in the portal is pending until the chain confirms it, then enrolls a member; a session
// that ends with a form half filled is resumed in place, the step recorded with what was typed; and the other tabs of
// the browser follow the session: a logout, a new login, a re-login after an expiry.
import { expect } from "chai";
import { ethers } from "hardhat";
import type { Page } from "playwright-core";
import { EventIndexer } from "../../api/src/indexer/event-indexer";
import { ORG_IDS } from "../../api/src/data-access/testing";
import { seedAccount } from "../../api/src/domain/accounts";
import { chainEventHandler, EVENT_CURSOR } from "../../api/src/domain/federation";
import { hashPassword } from "../../api/src/http/auth/password";
import { createLogger } from "../../api/src/lib/logger";
import { Role } from "../helpers/fixture";
import {
  PHONE,
  expectAccessible,
  logIn,
  PORTAL_PASSWORD,
  PORTAL_USERS,
  saveScreenshot,
  startPortal,
  type PortalEnvironment,
} from "../helpers/portal";

const ADMIN = "portal-admin";
const ADMIN_PASSWORD = "Admin-portal-passphrase";
const CHAIN_CONFIRMS_WITHIN_MS = 30_000;

async function tokenOf(page: Page): Promise<string> {
  return page.evaluate(() => JSON.parse(localStorage.getItem("cunzheng.session") ?? "{}").token as string);
}

async function recordTalk(page: Page, interviewer: string, notes: string): Promise<void> {
  await page.getByLabel(/^谈话人/).fill(interviewer);
  await page.getByLabel(/^谈话情况/).fill(notes);
}

describe("Portal: accounts, organizations and sessions", function () {
  let portal: PortalEnvironment;
  let indexer: EventIndexer;

  before(async function () {
    portal = await startPortal();
    const { anchored, institution } = portal.instance;
    // The instance's key registers branches: the committee's org admin makes it OrgAdmin, as operations.md says.
    const instanceAddress = anchored.consortium.signers.attesterA.address;
    await anchored.consortium.registry
      .connect(anchored.consortium.signers.adminA)
      .grantRole(ORG_IDS.committeeA, instanceAddress, Role.OrgAdmin);
    await institution.transaction(async (repositories) =>
      seedAccount(repositories, {
        username: ADMIN,
        displayName: "组织部王老师",
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

  it("should let an admin create a clerk who replaces the one-time password, records a step, and is refused once disabled", async function () {
    const memberId = await portal.instance.anchored.walk("S1");
    const admin = await portal.newPage();
    await logIn(admin, ADMIN, ADMIN_PASSWORD);
    await admin.getByRole("link", { name: "账号管理" }).click();
    await admin.getByRole("heading", { level: 1, name: "账号管理" }).waitFor();
    await admin.getByLabel(/^用户名/).fill("wang-clerk");
    await admin.getByLabel(/^姓名/).fill("王组织员");
    await admin.getByLabel(/^角色/).selectOption({ label: "组织委员" });
    await admin.getByLabel(/^所属组织/).selectOption({ label: "计算机学院本科生第一党支部（甲大学党委）" });
    await admin.getByLabel(/可查看党员个人信息/).check();
    await admin.getByRole("button", { name: "创建账号" }).click();
    const oneTime = (await admin.getByTestId("one-time-password").textContent())!;
    expect(oneTime).to.match(/^[A-Za-z0-9]{14}$/);
    await admin.getByRole("link", { name: "wang-clerk" }).waitFor();
    await expectAccessible(admin);
    await saveScreenshot(admin, "accounts");

    const clerk = await portal.newPage();
    await clerk.goto("/login");
    await clerk.getByLabel(/用户名|Username/).fill("wang-clerk");
    await clerk.getByLabel(/^(密码|Password)/).fill(oneTime);
    await clerk.getByRole("button", { name: /^(登录|Log in)$/ }).click();
    await clerk.getByRole("heading", { level: 1, name: "修改密码" }).waitFor();
    expect(await clerk.getByRole("alert").first().textContent()).to.contain("一次性密码");
    await expectAccessible(clerk);
    await saveScreenshot(clerk, "password");
    // The console is out of reach until the password is the clerk's own.
    await clerk.goto(`/console/members/${memberId}`);
    await clerk.getByRole("heading", { level: 1, name: "修改密码" }).waitFor();
    await clerk.getByLabel(/^当前密码/).fill(oneTime);
    await clerk.getByLabel(/^新密码/).fill("wang-clerk-2026");
    await clerk.getByLabel(/^再次输入新密码/).fill("wang-clerk-2026");
    await clerk.getByRole("button", { name: "保存新密码" }).click();
    expect(await clerk.locator("#newPassword-error").textContent()).to.equal("密码不能包含用户名。");
    await clerk.getByLabel(/^新密码/).fill("春风又绿江南岸2026");
    await clerk.getByLabel(/^再次输入新密码/).fill("春风又绿江南岸2026");
    await clerk.getByRole("button", { name: "保存新密码" }).click();
    await clerk.waitForURL((url) => url.pathname === "/console");

    await clerk.goto(`/console/members/${memberId}`);
    await clerk.getByRole("heading", { level: 1, name: "测试人员" }).waitFor();
    await recordTalk(clerk, "李老师", "入党动机端正");
    await clerk.getByRole("button", { name: "记录", exact: true }).click();
    await clerk.getByRole("status").filter({ hasText: "已记录 S2 党组织派人谈话" }).waitFor();
    await clerk.getByRole("link", { name: "党员发展", exact: true }).click();
    await clerk
      .getByRole("link", { name: /查看档案/ })
      .first()
      .waitFor();

    const scriptErrors: string[] = [];
    admin.on("pageerror", (error) => scriptErrors.push(error.message));
    await admin.getByRole("link", { name: "wang-clerk" }).click();
    await admin.getByRole("button", { name: "停用账号" }).click();
    await admin.getByRole("button", { name: "重新启用账号" }).waitFor();
    const history = admin.getByRole("region", { name: "变更记录" });
    await history.getByRole("cell", { name: "停用", exact: true }).waitFor();
    expect(await history.getByRole("cell", { name: "创建", exact: true }).count()).to.equal(1);
    expect(await history.getByRole("cell", { name: "本人修改密码" }).count()).to.equal(1);
    await expectAccessible(admin);
    await saveScreenshot(admin, "account");
    expect(scriptErrors).to.deep.equal([]);

    await clerk
      .getByRole("link", { name: /查看档案/ })
      .first()
      .click();
    await clerk.waitForURL((url) => url.pathname === "/login");
    expect(await clerk.getByRole("alert").textContent()).to.contain("您的账号已被停用");
  });

  it("should refuse an account outside the admin's subtree, in the form and in the API", async function () {
    const admin = await portal.newPage();
    await logIn(admin, ADMIN, ADMIN_PASSWORD);
    await admin.goto("/console/accounts");
    const choices = await admin
      .getByLabel(/^所属组织/)
      .locator("option")
      .allTextContents();
    expect(choices.some((label) => label.includes("乙大学"))).to.equal(false);

    const refused = await admin.request.post("/api/accounts", {
      headers: { authorization: `Bearer ${await tokenOf(admin)}` },
      data: { username: "b-intruder", displayName: "外校", role: "CLERK", orgId: ORG_IDS.branchB, canReadPersonalData: true },
    });
    expect(refused.status()).to.equal(403);
    expect((await refused.json()).error.rule).to.equal("scope.orgSubtree");
    expect(await portal.instance.anchored.database.repositories.accounts.findByUsername("b-intruder")).to.equal(null);
  });

  it("should add a branch, show it pending until the chain confirms it, then enroll a member in it", async function () {
    const admin = await portal.newPage();
    await logIn(admin, ADMIN, ADMIN_PASSWORD);
    await admin.getByRole("link", { name: "组织机构" }).click();
    await admin.getByRole("heading", { level: 1, name: "组织机构" }).waitFor();
    await admin.getByLabel(/^上级组织/).selectOption({ label: "计算机学院党总支" });
    await admin.getByLabel(/^类型/).selectOption({ label: "党支部" });
    await admin.getByLabel(/^名称/).fill("计算机学院研究生党支部");
    await admin.getByRole("button", { name: "提交上链" }).click();
    const row = admin.locator('tr[data-request="计算机学院研究生党支部"]');
    await row.getByText(/等待区块链确认|已上链，正在同步/).waitFor();
    await row.getByText("已生效").waitFor({ timeout: CHAIN_CONFIRMS_WITHIN_MS });
    await admin.getByRole("region", { name: "组织结构" }).locator("strong").getByText("计算机学院研究生党支部").waitFor();
    await expectAccessible(admin);
    await saveScreenshot(admin, "organizations");

    await admin.getByRole("link", { name: "党员发展" }).click();
    await admin.getByRole("button", { name: "登记入党申请人" }).click();
    await admin.getByLabel(/^姓名/).fill("赵新生");
    await admin.getByLabel(/^身份证号码/).fill("110108200201011234");
    await admin.getByLabel(/^出生日期/).fill("2002-01-01");
    await admin.getByLabel(/^性别/).selectOption({ label: "男" });
    await admin.getByLabel(/^所在党组织/).selectOption({ label: "计算机学院研究生党支部（甲大学党委）" });
    await admin.getByLabel(/^入党申请书要点/).fill("志愿加入中国共产党");
    await admin.getByRole("button", { name: "登记", exact: true }).click();
    await admin.getByRole("heading", { level: 1, name: "赵新生" }).waitFor();
    const newBranch = (await portal.instance.anchored.database.repositories.organizations.list()).find(
      (org) => org.name === "计算机学院研究生党支部",
    )!;
    const [{ org_id: orgId }] = await portal.instance.anchored.database.dataSource.query(
      "SELECT org_id FROM members ORDER BY created_at DESC LIMIT 1",
    );
    expect(Number(orgId)).to.equal(newBranch.id);
  });

  it("should let a user whose session ended with a form half filled log in again in place and record what was typed", async function () {
    const memberId = await portal.instance.anchored.walk("S1");
    const clerk = await portal.newPage();
    await logIn(clerk, PORTAL_USERS.clerk);
    await clerk.goto(`/console/members/${memberId}`);
    await clerk.getByRole("heading", { level: 1, name: "测试人员" }).waitFor();
    await recordTalk(clerk, "张书记", "对党的认识较为深刻，学习态度认真");
    // Half an hour and more without a request: the server ends the session.
    const account = (await portal.instance.anchored.database.repositories.accounts.findByUsername(PORTAL_USERS.clerk))!;
    await portal.instance.anchored.database.dataSource.query(
      "UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE account_id = $1",
      [account.id],
    );

    await clerk.getByRole("button", { name: "记录", exact: true }).click();
    const dialog = clerk.getByRole("dialog", { name: "登录已过期，请重新登录" });
    await dialog.waitFor();
    expect(await dialog.textContent()).to.contain("不会丢失");
    await expectAccessible(clerk);
    await saveScreenshot(clerk, "session-dialog");
    await dialog.getByLabel(/^密码/).fill(PORTAL_PASSWORD);
    await dialog.getByRole("button", { name: "登录并继续" }).click();

    await clerk.getByRole("status").filter({ hasText: "已记录 S2 党组织派人谈话" }).waitFor();
    const response = await clerk.request.get(`/api/members/${memberId}/records`, {
      headers: { authorization: `Bearer ${await tokenOf(clerk)}` },
    });
    const talk = ((await response.json()).items as { step: string; body: { fields: Record<string, unknown> } }[]).find(
      (record) => record.step === "S2",
    )!;
    expect(talk.body.fields).to.include({ interviewer: "张书记", summary: "对党的认识较为深刻，学习态度认真" });
  });

  it("should follow a logout and a new login in another tab of the same browser", async function () {
    const first = await portal.newPage();
    await logIn(first, PORTAL_USERS.clerk);
    const second = await first.context().newPage();
    await second.goto("/console/members");
    await second.getByRole("heading", { level: 1, name: "党员发展" }).waitFor();
    const token = await tokenOf(second);

    await first.getByRole("button", { name: "退出登录" }).click();
    await first.waitForURL((url) => url.pathname === "/login");
    // The other tab leaves the console by itself, and its session is over on the server too.
    await second.waitForURL((url) => url.pathname === "/login");
    await second.getByRole("heading", { level: 1, name: "工作人员登录" }).waitFor();
    expect((await second.request.get("/api/members", { headers: { authorization: `Bearer ${token}` } })).status()).to.equal(401);

    await logIn(first, PORTAL_USERS.clerk);
    // Logged in again in the first tab: the second goes back to where it was.
    await second.waitForURL((url) => url.pathname === "/console/members");
    await second.getByRole("heading", { level: 1, name: "党员发展" }).waitFor();
    expect(await tokenOf(second)).to.equal(await tokenOf(first));
  });

  it("should let a re-login after an expiry in one tab send what another tab had typed", async function () {
    const [firstMember, secondMember] = [await portal.instance.anchored.walk("S1"), await portal.instance.anchored.walk("S1")];
    const first = await portal.newPage();
    await logIn(first, PORTAL_USERS.clerk);
    const second = await first.context().newPage();
    for (const [page, memberId, interviewer, notes] of [
      [first, firstMember, "王书记", "入党动机端正，学习认真"],
      [second, secondMember, "赵委员", "积极参加支部活动"],
    ] as const) {
      await page.goto(`/console/members/${memberId}`);
      await page.getByRole("heading", { level: 1, name: "测试人员" }).waitFor();
      await recordTalk(page, interviewer, notes);
    }
    const account = (await portal.instance.anchored.database.repositories.accounts.findByUsername(PORTAL_USERS.clerk))!;
    await portal.instance.anchored.database.dataSource.query(
      "UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE account_id = $1",
      [account.id],
    );

    // Both tabs find the session over while submitting; the user answers in the first one only.
    for (const page of [second, first]) {
      await page.getByRole("button", { name: "记录", exact: true }).click();
      await page.getByRole("dialog", { name: "登录已过期，请重新登录" }).waitFor();
    }
    const dialog = first.getByRole("dialog", { name: "登录已过期，请重新登录" });
    await dialog.getByLabel(/^密码/).fill(PORTAL_PASSWORD);
    await dialog.getByRole("button", { name: "登录并继续" }).click();

    for (const page of [first, second]) {
      await page.getByRole("status").filter({ hasText: "已记录 S2 党组织派人谈话" }).waitFor();
      expect(await page.getByRole("dialog", { name: "登录已过期，请重新登录" }).isVisible()).to.equal(false);
    }
    for (const [memberId, interviewer, summary] of [
      [firstMember, "王书记", "入党动机端正，学习认真"],
      [secondMember, "赵委员", "积极参加支部活动"],
    ]) {
      const response = await second.request.get(`/api/members/${memberId}/records`, {
        headers: { authorization: `Bearer ${await tokenOf(second)}` },
      });
      const talk = ((await response.json()).items as { step: string; body: { fields: Record<string, unknown> } }[]).find(
        (record) => record.step === "S2",
      )!;
      expect(talk.body.fields).to.include({ interviewer, summary });
    }
  });

  it(`should pass the accessibility checks on the new pages at phone width`, async function () {
    const admin = await portal.newPage(PHONE);
    await logIn(admin, ADMIN, ADMIN_PASSWORD);
    for (const [path, heading, name] of [
      ["/console/accounts", "账号管理", "accounts"],
      ["/console/organizations", "组织机构", "organizations"],
      ["/console/password", "修改密码", "password"],
    ]) {
      await admin.goto(path);
      await admin.getByRole("heading", { level: 1, name: heading }).waitFor();
      // A page may load several sections at once, each with its own loading status: wait until none is left.
      await admin.waitForFunction(
        () => ![...document.querySelectorAll('[role="status"]')].some((status) => status.textContent?.includes("正在加载")),
      );
      await expectAccessible(admin);
      await saveScreenshot(admin, name);
    }
  });
});
