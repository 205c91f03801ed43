import { expect } from "chai";
import { Wallet } from "ethers";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ORG_IDS } from "../../../api/src/data-access/testing";
import { issueTransfer } from "../../../api/src/domain/transfers";
import { fileRequestDigest, newRequestNonce, signFileRequest, type SignedFileRequest } from "../../../api/src/lib/file-request";
import { openSealedFile, SealedFileError, sealedFileSchema, type SealedFile } from "../../../api/src/lib/sealed-file";
import { serveInstitute, startFederation, type Federation } from "../../helpers/federation";

describe("Member-file requests are single-use, fresh, and answered sealed to the requester", function () {
  this.timeout(300_000);
  let federation: Federation;
  let transferId: string;
  let memberKey: string;

  before(async function () {
    federation = await startFederation();
    const memberId = await federation.walkAtA("S18");
    const transfer = await issueTransfer(federation.a.institution, federation.a.actors.approver, {
      memberId,
      toOrgId: ORG_IDS.branchB,
      validDays: 30,
    });
    await federation.settle();
    transferId = transfer.id;
    memberKey = transfer.memberKey;
  });
  after(async function () {
    await federation?.close();
  });

  function signedByB(secondsFromNow = 0): Promise<SignedFileRequest> {
    const { signer, requestChain } = federation.b.institution.federation!;
    return signFileRequest(signer, requestChain, {
      transferId,
      committeeId: ORG_IDS.committeeB,
      issuedAt: Math.floor(Date.now() / 1000) + secondsFromNow,
      nonce: newRequestNonce(),
    });
  }

  async function ask(baseUrl: string, signed: SignedFileRequest) {
    const response = await fetch(`${baseUrl}/api/federation/member-files`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(signed),
    });
    return { status: response.status, text: await response.text() };
  }

  function digestOf(signed: SignedFileRequest): string {
    return fileRequestDigest(federation.b.institution.federation!.requestChain, signed.request);
  }

  it("should answer a request sealed to the key that signed it, which opens it with the request's digest", async function () {
    const signed = await signedByB();

    const answer = await ask(federation.a.baseUrl, signed);

    expect(answer.status).to.equal(200);
    const sealed = sealedFileSchema.parse(JSON.parse(answer.text));
    expect(sealed.recipient).to.equal(await federation.b.institution.federation!.signer.getAddress());
    const file = JSON.parse(openSealedFile(sealed, federation.b.institution.federation!.signer.privateKey, digestOf(signed)));
    expect(file).to.include({ transferId });
    expect(file.member.memberKey).to.equal(memberKey);
    // Nothing of the member is readable on the wire.
    expect(answer.text).to.not.contain(memberKey.slice(2)).and.not.contain(file.member.personal.name);
  });

  it("should refuse a replayed request, also at another process of the same instance", async function () {
    const signed = await signedByB();
    expect((await ask(federation.a.baseUrl, signed)).status).to.equal(200);

    const replayed = await ask(federation.a.baseUrl, signed);
    expect(replayed.status).to.equal(409);
    expect(JSON.parse(replayed.text).error.rule).to.equal("federation.replayed");

    // A second server over the same database (another process, or the same after a restart) remembers the nonce.
    const second: Server = await serveInstitute(federation.a);
    try {
      const elsewhere = await ask(`http://127.0.0.1:${(second.address() as AddressInfo).port}`, signed);
      expect(elsewhere.status).to.equal(409);
      expect(JSON.parse(elsewhere.text).error.rule).to.equal("federation.replayed");
    } finally {
      second.closeAllConnections();
      await new Promise((resolve) => second.close(resolve));
    }
  });

  it("should refuse a request dated beyond the allowed clock skew, and accept one within it", async function () {
    const { clockSkewSeconds } = federation.a.institution.federation!;

    const future = await ask(federation.a.baseUrl, await signedByB(clockSkewSeconds + 60));
    expect(future.status).to.equal(403);
    expect(JSON.parse(future.text).error.rule).to.equal("federation.requestFromFuture");

    expect((await ask(federation.a.baseUrl, await signedByB(clockSkewSeconds - 5))).status).to.equal(200);
  });

  it("should refuse a request older than its lifetime", async function () {
    const { requestMaxAgeSeconds } = federation.a.institution.federation!;

    const stale = await ask(federation.a.baseUrl, await signedByB(-(requestMaxAgeSeconds + 60)));

    expect(stale.status).to.equal(403);
    expect(JSON.parse(stale.text).error.rule).to.equal("federation.requestExpired");
  });

  it("should leave a captured answer unreadable without the requester's key, or as the answer to another request", async function () {
    const signed = await signedByB();
    const sealed: SealedFile = sealedFileSchema.parse(JSON.parse((await ask(federation.a.baseUrl, signed)).text));

    expect(() => openSealedFile(sealed, Wallet.createRandom().privateKey, digestOf(signed))).to.throw(SealedFileError);
    expect(() => openSealedFile(sealed, federation.a.institution.federation!.signer.privateKey, digestOf(signed))).to.throw(
      SealedFileError,
    );
    const other = await signedByB();
    expect(() => openSealedFile(sealed, federation.b.institution.federation!.signer.privateKey, digestOf(other))).to.throw(SealedFileError);
  });
});
