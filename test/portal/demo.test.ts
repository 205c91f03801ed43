// `npm start`'s demo as a newcomer meets it: the real entry point (api/src/main.ts) started on an empty data
// directory runs 甲大学 and 乙大学 as two instances on one embedded chain, and in the portal a member moves from one to
// the other — 甲大学's committee issues the letter, 乙大学's instance fetches the member's file from 甲大学's, its
// review shows each check passing, its committee accepts, and the member is on 乙大学's books. Then a restart keeps
// both universities as they were, and a lost chain resets both databases. With DATABASE_URL the two instances run in
// two schemas of a scratch database, as `npm start` does with DATABASE_URL.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { Browser, Locator, Page } from "playwright-core";
import { createDatabase, createTeardown } from "../helpers/e2e";
import { waitForHealth } from "../helpers/e2e-client";
import { spawnInstance, type InstanceProcess } from "../helpers/e2e-processes";
import { DESKTOP, expectAccessible, launchChromium, logIn, PHONE, saveScreenshot } from "../helpers/portal";
import { latinWordsOutside } from "../helpers/latin";
import { freePorts } from "../helpers/ports";

const TRANSFER_PAGE = /\/console\/transfers\/(0x[0-9a-f]{64})$/;
/** The demo's probationary member at 甲大学 (seed/demo.ts). */
const MEMBER = "赵磊";
const RELOAD_MS = 1_000;

/** The seven checks of the review, by their titles, each with the sentence it shows when it passes. */
const PASSED_CHECKS = {
  介绍信: "介绍信的内容与联盟链上登记的介绍信哈希一致",
  转接状态: "这次转接在链上处于待接收状态",
  档案完整性: "档案包含该党员在链上登记的全部记录",
  链上检查点: "每条记录都已被链上确认的检查点收录",
  存证密钥: "每次上链都由当时有存证权的党委密钥发出",
  规则复核: "按发展党员工作细则逐条复核",
  证明材料: "证明材料齐全",
};

/** Reloads the page until `locator` shows: what the instance learns from the chain arrives in the background. */
async function reloadUntilVisible(page: Page, locator: Locator): Promise<void> {
  for (;;) {
    if (await locator.isVisible()) return;
    await page.waitForTimeout(RELOAD_MS);
    await page.reload();
    await page.waitForLoadState("networkidle");
  }
}

describe("Portal: the two-university demo of npm start", function () {
  this.timeout(600_000);
  const teardown = createTeardown("cunzheng-demo-");
  const dataDir = path.join(teardown.workDir, "data");
  let env: Record<string, string>;
  let instance: InstanceProcess;
  let browser: Browser | undefined;
  const urls = { a: "", b: "" };
  let passwords: Map<string, string>;

  /** `npm start` as the newcomer runs it, on the same data directory each time; resolves once both answer. */
  async function start(): Promise<void> {
    instance = spawnInstance("main", env);
    teardown.processes.push(instance);
    await waitForHealth(urls.a, instance);
    await waitForHealth(urls.b, instance);
    passwords = demoPasswords(readFileSync(path.join(dataDir, "demo-accounts.txt"), "utf8"));
  }

  before(async function () {
    const [portA, portB, chainPort] = await freePorts(3);
    // A fresh clone's start has no settings at all; with DATABASE_URL, a database of the test's own and its keys.
    const database = process.env.DATABASE_URL ? (await createDatabase(teardown.workDir, teardown.cleanups)).env : {};
    env = {
      ...database,
      DATA_DIR: dataDir,
      PORT: String(portA),
      DEMO_PORT_B: String(portB),
      EMBEDDED_CHAIN_PORT: String(chainPort),
      // Quick rounds so the test does not wait for the defaults' minute-long checkpoint interval.
      CHECKPOINT_EVERY_SECONDS: "1",
      ANCHOR_POLL_MS: "100",
      INDEXER_POLL_MS: "200",
      FEDERATION_RETRY_MAX_MS: "1000",
      LOG_LEVEL: "warn",
    };
    urls.a = `http://127.0.0.1:${portA}`;
    urls.b = `http://127.0.0.1:${portB}`;
    browser = await launchChromium();
    await start();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(instance.output());
  });

  after(async function () {
    await browser?.close();
    // Stopped as an operator stops it: the start owns its Anvil node and stops it on the way out, which the
    // teardown's SIGKILL would not give it the chance to do (the node would outlive the test).
    await instance?.stop();
    await teardown.close();
  });

  /** The names on the members list the account sees, read through the API. */
  async function memberNames(baseUrl: string, username: string): Promise<string[]> {
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password: passwords.get(username) }),
    });
    const { token } = (await login.json()) as { token: string };
    const members = await fetch(`${baseUrl}/api/members`, { headers: { authorization: `Bearer ${token}` } });
    return ((await members.json()) as { items: { personal: { name: string } }[] }).items.map((member) => member.personal.name);
  }

  async function loggedIn(baseURL: string, username: string, viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
    const context = await browser!.newContext({ viewport, baseURL, bypassCSP: true, locale: "zh-CN" });
    const page = await context.newPage();
    await logIn(page, username, passwords.get(username));
    return page;
  }

  it("should say which URL is which university's and where the passwords are", function () {
    const said = instance.output();
    expect(said).to.contain(`甲大学: ${urls.a}`).and.contain(`乙大学: ${urls.b}`).and.contain(path.join(dataDir, "demo-accounts.txt"));
    expect([...passwords.keys()]).to.have.members([
      "a-admin",
      "a-clerk",
      "a-approver",
      "a-auditor",
      "b-admin",
      "b-clerk",
      "b-approver",
      "b-auditor",
    ]);
  });

  it("should keep each university's accounts on its own instance", async function () {
    const context = await browser!.newContext({ viewport: DESKTOP, baseURL: urls.b, locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel(/用户名/).fill("a-clerk");
    await page.getByLabel(/^密码/).fill(passwords.get("a-clerk")!);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByRole("alert").waitFor();
    expect(new URL(page.url()).pathname).to.equal("/login");
    await logIn(page, "b-clerk", passwords.get("b-clerk"));
  });

  it("should move a member from 甲大学 to 乙大学: the letter issued, the file fetched and reviewed check by check, accepted", async function () {
    const issuer = await loggedIn(urls.a, "a-approver");
    await issuer.goto("/console/transfers");
    const member = issuer.getByLabel(/^党员/);
    await member.locator("option", { hasText: MEMBER }).waitFor({ state: "attached" });
    await member.selectOption(await member.locator("option", { hasText: MEMBER }).getAttribute("value"));
    await issuer.getByLabel(/^转往/).selectOption({ label: "数学学院党支部" });
    await issuer.getByRole("button", { name: "开具介绍信" }).click();
    await issuer.waitForURL(TRANSFER_PAGE);
    const transferId = TRANSFER_PAGE.exec(new URL(issuer.url()).pathname)![1];
    await issuer.getByRole("region", { name: "转接信息" }).getByText("已开具").waitFor();

    const receiver = await loggedIn(urls.b, "b-approver");
    await receiver.goto("/console/transfers");
    const incoming = receiver
      .getByRole("region", { name: "转入" })
      .getByRole("link", { name: `${transferId.slice(0, 8)}…${transferId.slice(-4)}` });
    await reloadUntilVisible(receiver, incoming);
    await incoming.click();
    await receiver.waitForURL(`**/console/transfers/${transferId}`);
    const review = receiver.getByRole("region", { name: "档案核验" });
    // 乙大学's instance fetches the file from 甲大学's published address on its own, once the chain has the transfer.
    await reloadUntilVisible(receiver, review.locator(".verdict-title", { hasText: "可以接收" }));
    expect(await review.textContent())
      .to.contain("从转出单位获取")
      .and.contain(MEMBER)
      .and.contain("预备党员");
    const shown = await review
      .locator("ol.review-steps > li")
      .evaluateAll((items) =>
        items.map((item) => [item.querySelector(".check-title")?.textContent ?? "", item.textContent ?? ""] as const),
      );
    expect(shown.map(([title]) => title)).to.have.members(Object.keys(PASSED_CHECKS));
    for (const [title, text] of shown) {
      expect(text, `the check ${title}`)
        .to.contain(PASSED_CHECKS[title as keyof typeof PASSED_CHECKS])
        .and.not.contain("未通过");
    }
    // The review speaks plain Chinese: no English beyond the transfer's code and numbers.
    expect(latinWordsOutside(await receiver.locator("main").innerText(), ["PDF"])).to.deep.equal([]);
    await expectAccessible(receiver);
    await receiver.evaluate(() => window.scrollTo(0, 0));
    await saveScreenshot(receiver, "demo-transfer-review");
    const phone = await loggedIn(urls.b, "b-approver", PHONE);
    await phone.goto(`/console/transfers/${transferId}`);
    await phone.getByRole("region", { name: "档案核验" }).locator(".verdict-title", { hasText: "可以接收" }).waitFor();
    await saveScreenshot(phone, "demo-transfer-review");

    await receiver.getByRole("button", { name: "接收", exact: true }).click();
    await receiver.getByRole("status").filter({ hasText: "已接收" }).waitFor();
    await receiver.getByRole("link", { name: "查看党员档案" }).click();
    await receiver.getByText(MEMBER).first().waitFor();
    // The member's organization renders after the name: wait for it rather than read the page at once.
    await receiver.locator("main").getByText("数学学院党支部").first().waitFor();

    // 乙大学's branch clerk now finds the member on the branch's list; 甲大学 shows the letter as received.
    const clerk = await loggedIn(urls.b, "b-clerk");
    await clerk.goto("/console/members");
    await clerk.locator("main").getByText(MEMBER).first().waitFor();
    await issuer.goto(`/console/transfers/${transferId}`);
    await reloadUntilVisible(issuer, issuer.getByRole("region", { name: "转接信息" }).getByText("已接收"));
  });

  it("should keep both universities as they were after a restart", async function () {
    expect(await instance.stop()).to.equal(0);
    const before = [...passwords];
    await start();
    expect([...passwords]).to.deep.equal(before);
    const clerk = await loggedIn(urls.b, "b-clerk");
    await clerk.goto("/console/members");
    await clerk.locator("main").getByText(MEMBER).first().waitFor();
  });

  it("should reset both universities' databases when the chain they were anchored on is lost", async function () {
    expect(await instance.stop()).to.equal(0);
    const before = new Map(passwords);
    rmSync(path.join(dataDir, "chain"), { recursive: true, force: true });
    await start();
    expect(instance.linesWith("resetting the database beside it").join("\n")).to.contain("甲大学").and.contain("乙大学");
    // Seeded afresh: new passwords, and the member is back at 甲大学, never having moved.
    expect(passwords.get("b-clerk")).not.to.equal(before.get("b-clerk"));
    expect(await memberNames(urls.b, "b-clerk")).to.deep.equal([]);
    expect(await memberNames(urls.a, "a-clerk")).to.include(MEMBER);
    const clerkA = await loggedIn(urls.a, "a-clerk");
    await clerkA.goto("/console/members");
    await clerkA.locator("main").getByText(MEMBER).first().waitFor();
  });
});

/** username → password, from the file `npm start` writes (lines: username, password, role, organization). */
function demoPasswords(file: string): Map<string, string> {
  const accounts = file.split("\n").flatMap((line) => {
    const match = /^\s+([ab]-[a-z]+)\s+(\S+)\s/.exec(line);
    return match ? [[match[1], match[2]] as const] : [];
  });
  return new Map(accounts);
}
