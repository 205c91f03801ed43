// The portal in Debian's Chromium, driven by playwright-core: an instance serving the portal over in-process Hardhat
// (anchoring worker running), accounts of every role, and the checks every page takes — axe-core's accessibility
// rules and screenshots at desktop and phone width for docs/screenshots.
import { existsSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { ORG_IDS } from "../../api/src/data-access/testing";
import { hashPassword } from "../../api/src/http/auth/password";
import { E2E_PASSWORD, E2E_USERS } from "./e2e";
import { startHttpAnchoredInstance, type HttpAnchoredInstance } from "./e2e-hardhat";
import { refusalsWithEnglish, watchRefusals, type RefusalShown } from "./refusal-watch";

export const CHROMIUM = "/usr/bin/chromium";
export const PORTAL_USERS = { ...E2E_USERS, auditor: "e2e-auditor", clerkWithoutPersonalData: "e2e-clerk-limited" } as const;
export const PORTAL_PASSWORD = E2E_PASSWORD;
export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;
const SCREENSHOTS = path.join(__dirname, "..", "..", "docs", "screenshots");

// As the machine notes advise: no background networking on a machine whose network is closed.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface PortalEnvironment {
  readonly baseUrl: string;
  readonly instance: HttpAnchoredInstance;
  readonly browser: Browser;
  /** A fresh browser context (own storage) on one page; `bypassCSP` only so axe-core can be injected. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Every refusal its pages showed in Chinese, in order; closing fails if one of them speaks English. */
  readonly refusalsShown: readonly RefusalShown[];
  close(): Promise<void>;
}

/** Debian's Chromium, as every portal test drives it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The portal tests drive Debian's Chromium at ${CHROMIUM}: install it with 'apt-get install -y chromium fonts-noto-cjk' (.ci/run does)`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export async function startPortal(): Promise<PortalEnvironment> {
  const instance = await startHttpAnchoredInstance();
  const { accounts } = instance.anchored.database.repositories;
  const passwordHash = await hashPassword(PORTAL_PASSWORD);
  await accounts.create({
    username: PORTAL_USERS.approver,
    passwordHash,
    role: "APPROVER",
    orgId: ORG_IDS.committeeA,
    canReadPersonalData: true,
  });
  await accounts.create({
    username: PORTAL_USERS.auditor,
    passwordHash,
    role: "AUDITOR",
    orgId: ORG_IDS.committeeA,
    canReadPersonalData: false,
  });
  await accounts.create({
    username: PORTAL_USERS.clerkWithoutPersonalData,
    passwordHash,
    role: "CLERK",
    orgId: ORG_IDS.branchA,
    canReadPersonalData: false,
  });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const refusalsShown: RefusalShown[] = [];
  return {
    baseUrl: instance.baseUrl,
    instance,
    browser,
    async newPage(viewport = DESKTOP) {
      const context = await browser.newContext({
        viewport,
        baseURL: instance.baseUrl,
        bypassCSP: true,
        acceptDownloads: true,
        locale: "zh-CN",
      });
      contexts.push(context);
      await watchRefusals(context, refusalsShown);
      return context.newPage();
    },
    refusalsShown,
    async close() {
      for (const context of contexts) await context.close();
      await browser.close();
      await instance.stop();
      const inEnglish = refusalsWithEnglish(refusalsShown);
      expect(inEnglish, `refusals shown with English words: ${JSON.stringify(inEnglish, null, 2)}`).to.deep.equal([]);
    },
  };
}

/** Logs in through the login form, as a person would (on the login page it is on, if it is), and waits for the console. */
export async function logIn(page: Page, username: string, password = PORTAL_PASSWORD): Promise<void> {
  if (!page.url().includes("/login")) await page.goto("/login");
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/^(密码|Password)/).fill(password);
  await page.getByRole("button", { name: /^(登录|Log in)$/ }).click();
  await page.waitForURL((url) => url.pathname.startsWith("/console"));
}

/** Runs axe-core's WCAG 2 A/AA rules on the page as it stands and fails on any serious or critical violation. */
export async function expectAccessible(page: Page): Promise<void> {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(options: object): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      targets: nodes.map((node) => node.target.join(" ")),
    }));
  });
  const serious = violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  expect(serious, JSON.stringify(serious, null, 2)).to.deep.equal([]);
}

/**
 * Saves docs/screenshots/<name>-desktop.png or -phone.png, whichever the page's viewport is — only when asked
 * (`npm run screenshots` sets SCREENSHOTS=1), so `npm test` leaves the work tree clean.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== "1") return;
  const width = page.viewportSize()?.width ?? DESKTOP.width;
  const suffix = width <= PHONE.width ? "phone" : "desktop";
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${suffix}.png`), fullPage: false });
}

/** Moves focus with Tab until `locator`-like text is focused; fails after `limit` presses. Proves keyboard reach. */
export async function tabTo(page: Page, accessibleName: RegExp, limit = 60): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element) return "";
      const labelled = element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : null;
      return (element.getAttribute("aria-label") ?? labelled ?? element.textContent ?? "").trim();
    });
    if (accessibleName.test(focused)) return;
  }
  throw new Error(`${accessibleName} was not reached with ${limit} presses of Tab`);
}
