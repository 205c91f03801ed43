import { expect } from "chai";
import {
  DESKTOP,
  PHONE,
  expectAccessible,
  logIn,
  PORTAL_USERS,
  saveScreenshot,
  startPortal,
  tabTo,
  type PortalEnvironment,
} from "../helpers/portal";

describe("Portal", function () {
  let portal: PortalEnvironment;

  before(async function () {
    portal = await startPortal();
  });

  after(async function () {
    await portal?.close();
  });

  describe("front door", function () {
    it("should serve every asset from the instance itself and pass the accessibility checks", async function () {
      const page = await portal.newPage();
      const foreign: string[] = [];
      page.on("request", (request) => {
        if (!request.url().startsWith(portal.baseUrl)) foreign.push(request.url());
      });
      await page.goto("/");
      // The page module is imported after the load event: wait for its heading before counting.
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      expect(await page.getByRole("heading", { level: 1 }).count()).to.equal(1);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).to.contain("存证");
      await expectAccessible(page);
      expect(foreign).to.deep.equal([]);
    });

    it("should answer a missing asset with a 404 naming it, not an error", async function () {
      const response = await fetch(`${portal.baseUrl}/portal/assets/pages/missing.js`);
      expect(response.status).to.equal(404);
      expect((await response.json()).error.message).to.contain("/portal/assets/pages/missing.js");
    });

    it("should switch to English and keep the choice", async function () {
      const page = await portal.newPage();
      await page.goto("/");
      await page.getByLabel("语言").selectOption("en");
      await page.getByRole("heading", { level: 1, name: /cunzheng/ }).waitFor();
      await page.reload();
      expect(await page.getByRole("link", { name: "Log in" }).first().isVisible()).to.equal(true);
      expect(await page.evaluate(() => document.documentElement.lang)).to.equal("en");
    });
  });

  describe("login", function () {
    it("should refuse a wrong password with a message and log a clerk in with the keyboard alone", async function () {
      const page = await portal.newPage();
      await page.goto("/login");
      await page.getByLabel("用户名").fill(PORTAL_USERS.clerk);
      await page.getByLabel(/^密码/).fill("wrong password");
      await page.getByRole("button", { name: "登录" }).click();
      await page.getByRole("alert").waitFor();
      await expectAccessible(page);

      await page.goto("/login");
      await tabTo(page, /用户名/);
      await page.keyboard.type(PORTAL_USERS.clerk);
      await page.keyboard.press("Tab");
      await page.keyboard.type("correct horse battery staple");
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/console$/);
    });

    it("should send a visitor of the console to the login page first", async function () {
      const page = await portal.newPage(PHONE);
      await page.goto("/console/members");
      await page.waitForURL(/\/login\?next=/);
      await saveScreenshot(page, "login");
      await logIn(page, PORTAL_USERS.clerk);
      expect(new URL(page.url()).pathname).to.equal("/console/members");
      const desktop = await portal.newPage(DESKTOP);
      await desktop.goto("/login");
      await saveScreenshot(desktop, "login");
    });
  });
});
