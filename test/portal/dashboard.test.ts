import { expect } from "chai";
import type { Page } from "playwright-core";
import { ORG_IDS } from "../../api/src/data-access/testing";
import type { Dashboard } from "../../api/src/domain/dashboard";
import {
  DESKTOP,
  PHONE,
  expectAccessible,
  logIn,
  PORTAL_USERS,
  saveScreenshot,
  startPortal,
  type PortalEnvironment,
} from "../helpers/portal";
import { anchoringSettled, eventually, PortalApi } from "../helpers/portal-ledger";

const STAGES = ["入党申请人", "入党积极分子", "发展对象", "预备党员", "正式党员"];

/** The figures of a chart as its data table gives them, opened as a reader would: label → number. */
async function chartFigures(page: Page, caption: string): Promise<Map<string, number>> {
  const chart = page.getByRole("figure", { name: caption });
  const table = chart.getByRole("table");
  if (!(await table.isVisible())) await chart.getByText("查看数据表").click();
  const figures = new Map<string, number>();
  for (const row of await table.getByRole("row").all()) {
    const label = (await row.getByRole("rowheader").textContent())!.trim();
    figures.set(label, Number.parseInt((await row.getByRole("cell").textContent())!, 10));
  }
  return figures;
}

describe("Portal: dashboard", function () {
  let portal: PortalEnvironment;
  let clerk: PortalApi;

  before(async function () {
    portal = await startPortal();
    clerk = await PortalApi.login(portal.baseUrl, PORTAL_USERS.clerk);
    const { anchored } = portal.instance;
    for (const upTo of ["S1", "S5", "S5", "S11", "S18"]) await anchored.walk(upTo);
    const probationary = await anchored.walk("S18");
    const approver = await PortalApi.login(portal.baseUrl, PORTAL_USERS.approver);
    await approver.json("POST", "/api/transfers", { memberId: probationary, toOrgId: ORG_IDS.branchB, validDays: 30 }, 201);
    await anchoringSettled(clerk);
  });

  after(async function () {
    await portal?.close();
  });

  it("should chart the members of each development stage, the overdue among them, and the transfers by state", async function () {
    const { pipeline } = await clerk.json<Dashboard>("GET", "/api/dashboard");
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await portal.newPage(viewport);
      await logIn(page, PORTAL_USERS.clerk);
      await page.getByRole("heading", { level: 1, name: "概览" }).waitFor();
      await page.getByRole("figure", { name: "各阶段人数（其中逾期）" }).waitFor();
      await saveScreenshot(page, "dashboard");

      const stages = await chartFigures(page, "各阶段人数（其中逾期）");
      expect(STAGES.map((stage) => stages.get(stage))).to.deep.equal([1, 2, 1, 2, 0]);
      expect(STAGES.map((stage) => stages.get(`${stage}·逾期`))).to.deep.equal(pipeline.map((entry) => entry.overdue));
      const outgoing = await chartFigures(page, "转出（按状态）");
      expect(outgoing.get("待接收")).to.equal(1);
      expect(await page.getByText("链上确认没有落后").count()).to.equal(1);
      for (const name of ["党员发展", "组织关系转接"]) {
        await page.getByRole("navigation", { name: "快捷入口" }).getByRole("link", { name }).waitFor();
      }
      await expectAccessible(page);
    }
  });

  it("should open, from each count, the list of the members it counts, and come back with the browser's back", async function () {
    const { pipeline } = await clerk.json<Dashboard>("GET", "/api/dashboard");
    const page = await portal.newPage();
    await logIn(page, PORTAL_USERS.clerk);
    const lists = page.getByRole("navigation", { name: "查看名单" });
    const dataRows = () =>
      page
        .getByRole("table")
        .getByRole("row")
        .count()
        .then((rows) => rows - 1);

    await lists.getByRole("link", { name: "入党积极分子：2 人" }).click();
    await page.waitForURL(
      (url) =>
        url.pathname === "/console/members" && url.searchParams.get("stage") === "ACTIVIST" && url.searchParams.get("status") === "ACTIVE",
    );
    await page.getByRole("status").filter({ hasText: "共 2 人，已全部显示。" }).waitFor();
    expect(await dataRows()).to.equal(2);
    expect(await page.getByLabel("发展阶段").inputValue()).to.equal("ACTIVIST");

    await page.goBack();
    await page.getByRole("heading", { level: 1, name: "概览" }).waitFor();
    const overdueStage = pipeline.findIndex((entry) => entry.overdue > 0);
    expect(overdueStage, "the journey's dates leave some stage overdue").to.be.at.least(0);
    const { stage, overdue } = pipeline[overdueStage];
    await lists.getByRole("link", { name: `${STAGES[overdueStage]} 其中逾期 ${overdue} 人` }).click();
    await page.waitForURL((url) => url.searchParams.get("stage") === stage && url.searchParams.get("overdue") === "true");
    await page
      .getByRole("status")
      .filter({ hasText: `共 ${overdue} 人，已全部显示。` })
      .waitFor();
    expect(await dataRows()).to.equal(overdue);
    expect(await page.getByLabel("只看已逾期").isChecked()).to.equal(true);
    for (const row of (await page.getByRole("table").getByRole("row").all()).slice(1)) expect(await row.textContent()).to.contain("已逾期");
  });

  it("should give, in seconds, how far confirmation on chain lags while writes wait for the chain", async function () {
    const { anchored } = portal.instance;
    await anchored.worker.stop();
    try {
      await anchored.walk("S2");
      const waiting = await eventually(async () => {
        const dashboard = await clerk.json<Dashboard>("GET", "/api/dashboard");
        return dashboard.anchoring.lagSeconds >= 1 ? dashboard : undefined;
      });
      const page = await portal.newPage(DESKTOP);
      await logIn(page, PORTAL_USERS.clerk);

      const sentence = await page.getByText(/^链上确认落后 \d+ 秒。$/).textContent();
      expect(Number(/\d+/.exec(sentence!)![0])).to.be.at.least(waiting.anchoring.lagSeconds);
      const outbox = await chartFigures(page, "上链队列（按状态）");
      expect(outbox.get("待发送")).to.equal(waiting.anchoring.outbox.PENDING).and.to.equal(2);
    } finally {
      anchored.worker.start();
    }
  });
});
