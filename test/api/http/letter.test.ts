import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { inflateSync } from "node:zlib";
import jsQR from "jsqr";
import request from "supertest";
import { createFederationReader, providerFor } from "../../../api/src/chain";
import { ConfigError, loadConfig } from "../../../api/src/config";
import { ORG_IDS } from "../../../api/src/data-access/testing";
import type { PersonalData } from "../../../api/src/domain/membership/members";
import { REFUSALS } from "../../../api/src/domain/messages";
import { groupedNumber, isLetterNumber, transferIdOfNumber } from "../../../api/src/domain/transfers/letter/number";
import { letterOf } from "../../../api/src/domain/transfers/letter/format";
import { acceptTransfer, cancelTransfer, issueTransfer, type TransferView } from "../../../api/src/domain/transfers";
import { hashPassword } from "../../../api/src/http/auth/password";
import { createLogger } from "../../../api/src/lib/logger";
import { walkMember } from "../../../api/src/seed/walk";
import { createServer } from "../../../api/src/server";
import { randomPerson } from "../../helpers/anchored";
import { E2E_PASSWORD, E2E_USERS } from "../../helpers/e2e";
import { startHttpAnchoredInstance, type HttpAnchoredInstance } from "../../helpers/e2e-hardhat";
import { freePort } from "../../helpers/ports";

const AUDITOR = "letter-auditor";

interface LetterAnswer {
  transferId: string;
  verdict: "VALID" | "INVALID";
  steps: { check: string; status: string; reason: string; message: string }[];
  letter: Record<string, unknown> | null;
}

describe("Transfer letters", function () {
  this.timeout(180_000);
  let instance: HttpAnchoredInstance;
  let clerkToken: string;
  let auditorToken: string;
  let person: PersonalData;
  let open: TransferView;
  let cancelled: TransferView;
  let accepted: TransferView;

  before(async function () {
    instance = await startHttpAnchoredInstance();
    await instance.anchored.worker.stop();
    const { institution, actors, database } = instance.anchored;
    await database.repositories.accounts.create({
      username: AUDITOR,
      passwordHash: await hashPassword(E2E_PASSWORD),
      role: "AUDITOR",
      orgId: ORG_IDS.committeeA,
      canReadPersonalData: false,
    });
    clerkToken = await login(E2E_USERS.clerk);
    auditorToken = await login(AUDITOR);
    person = { ...randomPerson(), gender: "F" };
    const [probationary] = await walkMember(institution, actors.clerk, actors.approver, {
      orgId: ORG_IDS.branchA,
      personal: person,
      upTo: "S18",
    });
    open = await issueTransfer(institution, actors.approver, { memberId: probationary.memberId, toOrgId: ORG_IDS.branchB, validDays: 30 });
    const other = await instance.anchored.walk("S18");
    cancelled = await issueTransfer(institution, actors.approver, { memberId: other, toOrgId: ORG_IDS.branchB, validDays: 30 });
    await cancelTransfer(institution, actors.approver, cancelled.id, "MEMBER_REQUEST");
    const used = await issueTransfer(institution, actors.approver, {
      memberId: await instance.anchored.walk("S18"),
      toOrgId: ORG_IDS.branchB,
      validDays: 30,
    });
    await instance.anchored.anchorAll();
    // This instance serves both universities (its key attests for committee B too): B's approver receives the member.
    const approverB = await database.repositories.accounts.create({
      username: "letter-approver-b",
      passwordHash: await hashPassword(E2E_PASSWORD),
      role: "APPROVER",
      orgId: ORG_IDS.committeeB,
      canReadPersonalData: true,
    });
    accepted = await acceptTransfer(
      institution,
      { accountId: approverB.id, orgId: ORG_IDS.committeeB, role: "APPROVER", canReadPersonalData: true },
      used.id,
    );
    await instance.anchored.anchorAll();
  });
  after(async () => instance?.stop());

  async function login(username: string): Promise<string> {
    const response = await request(instance.baseUrl).post("/api/auth/login").send({ username, password: E2E_PASSWORD }).expect(200);
    return response.body.token;
  }

  function downloadLetter(transferId: string, token: string) {
    return request(instance.baseUrl)
      .get(`/api/transfers/${transferId}/letter.pdf`)
      .set("authorization", `Bearer ${token}`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => done(null, Buffer.concat(chunks)));
      });
  }

  async function verify(body: object): Promise<LetterAnswer> {
    return (await request(instance.baseUrl).post("/api/verify/letter").send(body).expect(200)).body;
  }

  async function letterOfTransfer(transferId: string) {
    return letterOf((await instance.anchored.database.repositories.transfers.get(transferId))!);
  }

  /** What is printed on the paper: the 编号 and the 核验码. */
  async function printed(transferId: string) {
    const transfer = (await instance.anchored.database.repositories.transfers.get(transferId))!;
    return { number: transfer.letterNumber!, salt: transfer.holderSalt! };
  }

  async function organizationName(orgId: number) {
    return (await instance.anchored.database.repositories.organizations.get(orgId))!.name;
  }

  describe("GET /api/transfers/{transferId}/letter.pdf", function () {
    it("should give the clerk a PDF letter carrying its skeleton and QR codes (letter and receipt) to the verification page", async function () {
      const response = await downloadLetter(open.id, clerkToken).expect(200);
      const pdf = response.body as Buffer;
      const { number, salt } = await printed(open.id);
      expect(isLetterNumber(number), "15 digits whose Damm check digit holds").to.equal(true);
      expect(transferIdOfNumber(number)).to.equal(open.id);
      expect(response.headers["content-type"]).to.equal("application/pdf");
      expect(decodeURIComponent(response.headers["content-disposition"])).to.contain(`介绍信-${number}.pdf`);
      expect(pdf.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
      expect(infoString(pdf, "CunzhengLetter")).to.equal(JSON.stringify(await letterOfTransfer(open.id)));
      const letter = await letterOfTransfer(open.id);
      expect(letter)
        .to.include({ version: 2 })
        .and.to.have.property("holderHash")
        .that.matches(/^0x[0-9a-f]{64}$/);
      expect(qrCodesIn(pdf)).to.have.members([
        `${instance.config.publicBaseUrl}/verify?number=${number}&salt=${salt}`,
        `${instance.config.publicBaseUrl}/verify?number=${number}`,
      ]);
    });

    it("should refuse to print a letter issued before letters had numbers, in Chinese for a Chinese reader", async function () {
      await instance.anchored.database.dataSource.query("UPDATE transfers SET letter_number = NULL WHERE id = $1", [cancelled.id]);
      const response = await downloadLetter(cancelled.id, clerkToken).set("accept-language", "zh-CN,zh;q=0.9").expect(409);
      expect(JSON.parse(response.body.toString("utf8")).error).to.include({
        rule: "letter.noNumber",
        message: REFUSALS["letter.noNumber"].zh,
      });
    });

    it("should refuse an account without personal-data access, since the letter names the member", async function () {
      const response = await downloadLetter(open.id, auditorToken).expect(403);
      expect(JSON.parse(response.body.toString("utf8")).error).to.include({ rule: "personalData.notGranted" });
    });

    it("should refuse the letter of a transfer another institution issued", async function () {
      const incoming = await instance.anchored.database.repositories.transfers.create({
        id: `0x${randomBytes(32).toString("hex")}`,
        memberKey: `0x${randomBytes(32).toString("hex")}`,
        memberId: null,
        kind: "MEMBERSHIP",
        fromOrgId: ORG_IDS.branchB,
        toOrgId: ORG_IDS.branchA,
        destinationHash: null,
        destination: null,
        validUntil: new Date(Date.now() + 86_400_000),
        letterHash: `0x${randomBytes(32).toString("hex")}`,
        replaces: null,
        createdBy: null,
        issuedHere: false,
      });
      const response = await downloadLetter(incoming.id, clerkToken).expect(403);
      expect(JSON.parse(response.body.toString("utf8")).error).to.include({ rule: "letter.issuedHere" });
    });
  });

  describe("POST /api/verify/letter", function () {
    it("should find the letter read back from its PDF VALID, every step passed, naming the organizations and the issuer", async function () {
      const pdf = (await downloadLetter(open.id, clerkToken).expect(200)).body as Buffer;
      const answer = await verify({ transferId: open.id, letter: JSON.parse(infoString(pdf, "CunzhengLetter")) });
      expect(answer.verdict).to.equal("VALID");
      expect(answer.steps.map(({ check, status, reason }) => [check, status, reason])).to.deep.equal([
        ["transfer", "passed", "transfer.onChain"],
        ["letter", "passed", "letter.matches"],
        ["document", "passed", "document.matches"],
        ["holder", "skipped", "holder.notGiven"],
        ["issuer", "passed", "issuer.attester"],
        ["state", "passed", "state.open"],
      ]);
      expect(answer.letter).to.deep.include({
        kind: "MEMBERSHIP",
        fromOrg: { id: ORG_IDS.branchA, name: await organizationName(ORG_IDS.branchA) },
        issuingCommittee: { id: ORG_IDS.committeeA, name: await organizationName(ORG_IDS.committeeA) },
        toOrg: { id: ORG_IDS.branchB, name: await organizationName(ORG_IDS.branchB) },
        exported: false,
        validUntil: open.validUntil,
        state: "ISSUED",
        issuer: instance.anchored.consortium.signers.attesterA.address,
      });
      expect(answer.letter!.issuedTx).to.match(/^0x[0-9a-f]{64}$/);
    });

    it("should say nothing personal about the member", async function () {
      const text = JSON.stringify(await verify({ transferId: open.id, letter: await letterOfTransfer(open.id) }));
      expect(text).not.to.contain(person.name);
      expect(text).not.to.contain(person.idNumber);
      expect(text).not.to.contain(open.memberKey);
    });

    it("should check the transfer code alone, leaving the document step skipped", async function () {
      const answer = await verify({ transferId: open.id });
      expect(answer.verdict).to.equal("VALID");
      expect(answer.steps.find((step) => step.check === "document")).to.include({ status: "skipped", reason: "document.notGiven" });
      expect(answer.steps.find((step) => step.check === "letter")).to.include({ status: "skipped", reason: "letter.holderBound" });
    });

    it("should find the letter by the 编号 typed from the paper, with spaces or full-width digits", async function () {
      const { number } = await printed(open.id);
      const fullWidth = groupedNumber(number).replace(/[0-9]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0));
      for (const typed of [number, groupedNumber(number), fullWidth]) {
        const answer = await verify({ number: typed });
        expect(answer).to.include({ transferId: open.id, verdict: "VALID" });
        expect(answer.letter).to.include({ state: "ISSUED" });
      }
    });

    it("should refuse a 编号 with one digit mistyped, naming the check digit", async function () {
      const { number } = await printed(open.id);
      const typo = `${number.slice(0, 3)}${(Number(number[3]) + 1) % 10}${number.slice(4)}`;
      const response = await request(instance.baseUrl).post("/api/verify/letter").send({ number: typo }).expect(400);
      expect(response.body.error).to.include({ field: "number" });
      expect(response.body.error.message).to.contain("check digit");
    });

    it("should match the name, ID digits and 核验码 printed on the paper, and not another name", async function () {
      const { number, salt } = await printed(open.id);
      const holder = { name: person.name, idLast4: person.idNumber.slice(-4), salt };
      const matching = await verify({ number, holder });
      expect(matching.verdict).to.equal("VALID");
      expect(matching.steps.find((step) => step.check === "holder")).to.include({ status: "passed", reason: "holder.matches" });

      const forged = await verify({ number, holder: { ...holder, name: `${person.name}某` } });
      expect(forged.verdict).to.equal("INVALID");
      expect(forged.steps.find((step) => step.check === "holder")).to.include({ status: "failed", reason: "holder.mismatch" });
      expect(JSON.stringify(forged)).not.to.contain(person.name);
    });

    it("should say a letter already received is used, not valid", async function () {
      const { number } = await printed(accepted.id);
      const answer = await verify({ number });
      expect(answer.verdict).to.equal("INVALID");
      expect(answer.letter).to.include({ state: "ACCEPTED" });
      expect(answer.steps.filter((step) => step.status === "failed").map(({ reason }) => reason)).to.deep.equal(["state.accepted"]);
    });

    it("should find a letter whose validity was extended INVALID, naming the altered field", async function () {
      const letter = await letterOfTransfer(open.id);
      const extended = { ...letter, validUntil: new Date(Date.parse(letter.validUntil) + 30 * 86_400_000).toISOString() };
      const answer = await verify({ transferId: open.id, letter: extended });
      expect(answer.verdict).to.equal("INVALID");
      const document = answer.steps.find((step) => step.check === "document")!;
      expect(document).to.include({ status: "failed", reason: "document.altered" });
      expect(document.message).to.contain("validUntil");
    });

    it("should refuse another transfer's letter presented under this transfer code", async function () {
      const answer = await verify({ transferId: open.id, letter: await letterOfTransfer(cancelled.id) });
      expect(answer.verdict).to.equal("INVALID");
      expect(answer.steps.find((step) => step.check === "document")).to.include({ status: "failed", reason: "document.otherTransfer" });
    });

    it("should find an unknown transfer code INVALID, with every later step skipped", async function () {
      const unknown = `0x${randomBytes(32).toString("hex")}`;
      const answer = await verify({ transferId: unknown, letter: { ...(await letterOfTransfer(open.id)), transferId: unknown } });
      expect(answer).to.deep.include({ transferId: unknown, verdict: "INVALID", letter: null });
      expect(answer.steps.map(({ status, reason }) => [status, reason])).to.deep.equal([
        ["failed", "transfer.notOnChain"],
        ["skipped", "letter.unchecked"],
        ["skipped", "document.unchecked"],
        ["skipped", "holder.unchecked"],
        ["skipped", "issuer.unchecked"],
        ["skipped", "state.unchecked"],
      ]);
    });

    it("should find a cancelled transfer's letter INVALID because of its state only", async function () {
      const answer = await verify({ transferId: cancelled.id, letter: await letterOfTransfer(cancelled.id) });
      expect(answer.verdict).to.equal("INVALID");
      expect(answer.letter).to.include({ state: "CANCELLED" });
      expect(answer.steps.filter((step) => step.status !== "passed").map(({ status, reason }) => [status, reason])).to.deep.equal([
        ["skipped", "holder.notGiven"],
        ["failed", "state.cancelled"],
      ]);
    });

    it("should refuse a transfer code that is not 0x and 64 hex digits", async function () {
      const response = await request(instance.baseUrl).post("/api/verify/letter").send({ transferId: "0x1234" }).expect(400);
      expect(response.body.error).to.include({ field: "transferId" });
    });

    it("should answer 503 when the chain node cannot be reached", async function () {
      const { institution, config } = instance;
      const deadNode = providerFor(`http://127.0.0.1:${await freePort()}`, institution.proofs!.chain.chainId);
      const offline = {
        ...institution,
        federation: { ...institution.federation!, reader: createFederationReader(deadNode, instance.anchored.addresses) },
      };
      const app = createServer({
        config,
        logger: createLogger({ level: "silent" }),
        dataSource: instance.anchored.database.dataSource,
        institution: offline,
      });
      const server = app.listen(0, "127.0.0.1");
      await once(server, "listening");
      try {
        const response = await request(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
          .post("/api/verify/letter")
          .send({ transferId: open.id })
          .expect(503);
        expect(response.body.error).to.include({ code: "CHAIN_UNAVAILABLE" });
      } finally {
        server.close();
      }
    });
  });
});

describe("PUBLIC_BASE_URL", function () {
  const configured = (env: Record<string, string>) =>
    loadConfig({
      DATABASE_URL: "postgres://unused@127.0.0.1/unused",
      FIELD_ENCRYPTION_KEY: hex(32),
      BLIND_INDEX_KEY: hex(32),
      TOKEN_SECRET: hex(32),
      ...env,
    });

  it("should default to where the API listens", function () {
    expect(configured({ HOST: "10.0.0.7", PORT: "8080" }).publicBaseUrl).to.equal("http://10.0.0.7:8080");
  });

  it("should take an https address with a path", function () {
    expect(configured({ PUBLIC_BASE_URL: "https://dangjian.example.edu.cn/portal" }).publicBaseUrl).to.equal(
      "https://dangjian.example.edu.cn/portal",
    );
  });

  it("should refuse an address with a trailing slash, or one that is not http(s)", function () {
    expect(() => configured({ PUBLIC_BASE_URL: "https://dangjian.example.edu.cn/" })).to.throw(ConfigError, "PUBLIC_BASE_URL");
    expect(() => configured({ PUBLIC_BASE_URL: "ftp://dangjian.example.edu.cn" })).to.throw(ConfigError, "PUBLIC_BASE_URL");
  });
});

function hex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** The literal string the PDF's Info dictionary holds under `key` (pdfkit writes each entry as an indirect object). */
function infoString(pdf: Buffer, key: string): string {
  const text = pdf.toString("latin1");
  const [, objectNumber] = new RegExp(`/${key} (\\d+) 0 R`).exec(text) ?? [];
  const [, value] = new RegExp(`\\n${objectNumber} 0 obj\\n\\((.*)\\)\\nendobj`).exec(text) ?? [];
  if (value === undefined) throw new Error(`the PDF's Info has no string ${key}`);
  return value;
}

/** What a phone reads from each colour image of the PDF (pdfkit stores a PNG's pixels as deflated RGB). */
function qrCodesIn(pdf: Buffer): (string | null)[] {
  const text = pdf.toString("latin1");
  return [...text.matchAll(/<<\n(\/Type \/XObject\n\/Subtype \/Image\n[\s\S]*?)>>\nstream\n/g)]
    .filter(([, dictionary]) => dictionary.includes("/ColorSpace /DeviceRGB"))
    .map((match) => {
      const number = (name: string) => Number(new RegExp(`/${name} (\\d+)`).exec(match[1])![1]);
      const [width, height, start] = [number("Width"), number("Height"), match.index + match[0].length];
      const rgb = inflateSync(pdf.subarray(start, start + number("Length")));
      const rgba = new Uint8ClampedArray(width * height * 4);
      for (let pixel = 0; pixel < width * height; pixel += 1) {
        rgba.set(rgb.subarray(pixel * 3, pixel * 3 + 3), pixel * 4);
        rgba[pixel * 4 + 3] = 255;
      }
      return jsQR(rgba, width, height)?.data ?? null;
    });
}
