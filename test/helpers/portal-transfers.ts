// Around the portal's instance (university A): university B's own instance over the same chain — its database, its
// key (attesterB), its anchoring worker and its HTTP API serving member files — which issues transfers to branch A;
// the event indexer that delivers them to the portal's instance; and reading a letter's QR code back from the PDF as
// a browser renders it.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { BrowserProvider } from "ethers";
import { network } from "hardhat";
import type { Page } from "playwright-core";
import { devSigner } from "../../api/src/chain";
import { ORG_IDS } from "../../api/src/data-access/testing";
import { issueTransfer } from "../../api/src/domain/transfers";
import { walkMember } from "../../api/src/seed/walk";
import { INSTANCE_SIGNER_INDEX, randomPerson } from "./anchored";
import { eventIndexerOf, serveInstitute, SIGNERS, startInstitute } from "./federation";
import type { PortalEnvironment } from "./portal";

export interface SourceUniversity {
  /**
   * Walks a new person at branch B up to S12 (a candidate: the seed journey's approvals name committee A, so B's walk
   * stops before them), issues the materials' transfer to branch A, anchors it all, and lets the portal's
   * instance index the chain as its event indexer would: the transfer is then incoming there, its file not yet fetched.
   * Returns the transfer id.
   */
  issueToBranchA(): Promise<string>;
  close(): Promise<void>;
}

export async function startSourceUniversity(portal: PortalEnvironment): Promise<SourceUniversity> {
  const { addresses, consortium, institution: portalInstitution } = portal.instance.anchored;
  const provider = new BrowserProvider(network.provider, undefined, { cacheTimeout: -1 });
  const chain = { provider, chainId: Number((await provider.getNetwork()).chainId), addresses };
  const b = await startInstitute("B", SIGNERS.attesterB, ORG_IDS.committeeB, ORG_IDS.branchB, chain);
  let server: Server | undefined;
  try {
    server = await serveInstitute(b);
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await (await consortium.registry.connect(consortium.signers.adminB).setServiceEndpoint(ORG_IDS.committeeB, baseUrl)).wait();
    const portalIndexer = eventIndexerOf(chain, portalInstitution, await devSigner(provider, INSTANCE_SIGNER_INDEX).getAddress());
    // Running, as the instance runs it: an accepted transfer is imported once the chain's acceptance is final.
    portalIndexer.start();
    const running = server;
    return {
      async issueToBranchA() {
        const [enrolled] = await walkMember(b.institution, b.actors.clerk, b.actors.approver, {
          orgId: ORG_IDS.branchB,
          personal: randomPerson(),
          upTo: "S12",
        });
        const transfer = await issueTransfer(b.institution, b.actors.approver, {
          memberId: enrolled.memberId,
          toOrgId: ORG_IDS.branchA,
          validDays: 30,
        });
        await b.worker.runOnce();
        await b.worker.checkpointNow();
        // Twice: the first round sees the transactions mined, the second sees them confirmed.
        await b.worker.runOnce();
        await b.worker.runOnce();
        await portalIndexer.runOnce();
        return transfer.id;
      },
      async close() {
        await portalIndexer.stop();
        running.closeAllConnections();
        await new Promise((resolve) => running.close(resolve));
        await b.database.close();
      },
    };
  } catch (error) {
    server?.close();
    await b.database.close();
    throw error;
  }
}

const READER_FILES: Record<string, { path: string; contentType: string }> = {
  "pdf.min.mjs": { path: require.resolve("pdfjs-dist/build/pdf.min.mjs"), contentType: "text/javascript" },
  "pdf.worker.min.mjs": { path: require.resolve("pdfjs-dist/build/pdf.worker.min.mjs"), contentType: "text/javascript" },
  "jsQR.js": { path: require.resolve("jsqr/dist/jsQR.js"), contentType: "text/javascript" },
};

// A page that renders a PDF with pdf.js, reads its text and decodes its QR codes with jsQR; the instance never serves
// these test tools, so the browser gets them from the test under a made-up path of the portal's origin.
const READER_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PDF reader</title>
<script src="/__test__/jsQR.js"></script>
<script type="module">
import * as pdfjs from "/__test__/pdf.min.mjs";
pdfjs.GlobalWorkerOptions.workerSrc = "/__test__/pdf.worker.min.mjs";
window.readPdf = async (base64, scale) => {
  const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const pdf = await pdfjs.getDocument({ data }).promise;
  const textOf = async (number) => (await (await pdf.getPage(number)).getTextContent()).items.map((item) => item.str).join("\\n");
  const page = await pdf.getPage(1);
  const text = await textOf(1);
  const pages = [];
  for (let number = 1; number <= pdf.numPages; number++) pages.push(await textOf(number));
  const viewport = page.getViewport({ scale });
  const canvas = document.createElement("canvas");
  canvas.width = Math.ceil(viewport.width);
  canvas.height = Math.ceil(viewport.height);
  const context = canvas.getContext("2d");
  await page.render({ canvas, canvasContext: context, viewport }).promise;
  // One QR code per horizontal band: overlapping bands a third of the page high, so each code lies whole in one.
  const qrCodes = new Set();
  const band = Math.floor(canvas.height / 3);
  for (let top = 0; top + band <= canvas.height; top += Math.floor(band / 4)) {
    const image = context.getImageData(0, top, canvas.width, band);
    const found = window.jsQR(image.data, image.width, image.height)?.data;
    if (found) qrCodes.add(found);
  }
  return { text, qrCodes: [...qrCodes], allText: pages.join("\\n") };
};
</script></head><body></body></html>`;

/**
 * Renders page 1 of `pdf` in the browser at `scale`: its text as pdf.js extracts it, and every QR code on it; `allText`
 * is the text of every page.
 */
export async function readPdf(
  page: Page,
  origin: string,
  pdf: Buffer,
  scale = 3,
): Promise<{ text: string; qrCodes: string[]; allText: string }> {
  await page.route(`${origin}/__test__/**`, (route) => {
    const name = new URL(route.request().url()).pathname.slice("/__test__/".length);
    if (name === "reader.html") return route.fulfill({ body: READER_PAGE, contentType: "text/html" });
    const file = READER_FILES[name];
    return file ? route.fulfill(file) : route.fulfill({ status: 404 });
  });
  await page.goto(`${origin}/__test__/reader.html`);
  await page.waitForFunction(() => "readPdf" in window);
  return page.evaluate(
    ({ base64, scale }) =>
      (
        window as unknown as { readPdf(base64: string, scale: number): Promise<{ text: string; qrCodes: string[]; allText: string }> }
      ).readPdf(base64, scale),
    { base64: pdf.toString("base64"), scale },
  );
}
