import { expect } from "chai";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import {
  MEMBER_PACKAGE_FORMAT,
  MemberPackageError,
  memberPackageSchema,
  openMemberPackage,
  sealMemberPackage,
  type MemberPackage,
} from "../../../api/src/lib/member-package";

describe("member-package", function () {
  const transferId = `0x${"7a".repeat(32)}`;
  const otherTransferId = `0x${"7b".repeat(32)}`;
  const fileJson = JSON.stringify({ format: "cunzheng.member-file/1", transferId, member: { name: "张三", stage: "FULL" } });

  function refusal(open: () => unknown): MemberPackageError {
    try {
      open();
    } catch (error) {
      expect(error).to.be.instanceOf(MemberPackageError);
      return error as MemberPackageError;
    }
    expect.fail("the package opened");
  }

  function flipByte(base64url: string, index: number): string {
    const bytes = Buffer.from(base64url, "base64url");
    bytes[index] ^= 0x01;
    return bytes.toString("base64url");
  }

  describe("sealing and opening", function () {
    it("should open to the JSON text it sealed, with a 43-character package key", function () {
      const { memberPackage, packageKey } = sealMemberPackage(transferId, fileJson);
      expect(packageKey).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(memberPackageSchema.parse(memberPackage)).to.deep.equal(memberPackage);
      expect(memberPackage).to.include({
        format: MEMBER_PACKAGE_FORMAT,
        transferId,
        cipher: "AES-256-GCM",
        compression: "gzip",
      });
      expect(openMemberPackage(memberPackage, packageKey, transferId)).to.equal(fileJson);
    });

    it("should round-trip a member file of about 1 MB of Chinese text, compressed before sealing", function () {
      const records = Array.from({ length: 6000 }, (_, index) => ({
        id: index + 1,
        step: `S${(index % 25) + 1}`,
        text: `第${index + 1}条：支部大会讨论通过张三同志为中共预备党员，到会有表决权的正式党员十八名，赞成十八票。`,
      }));
      const large = JSON.stringify({ transferId, records });
      expect(Buffer.byteLength(large, "utf8")).to.be.greaterThan(1_000_000);
      const { memberPackage, packageKey } = sealMemberPackage(transferId, large);
      expect(Buffer.from(memberPackage.ciphertext, "base64url").length).to.be.lessThan(Buffer.byteLength(large, "utf8"));
      expect(openMemberPackage(memberPackage, packageKey, transferId)).to.equal(large);
    });

    it("should seal under a fresh key and IV every time", function () {
      const first = sealMemberPackage(transferId, fileJson);
      const second = sealMemberPackage(transferId, fileJson);
      expect(first.packageKey).to.not.equal(second.packageKey);
      expect(first.memberPackage.iv).to.not.equal(second.memberPackage.iv);
      expect(first.memberPackage.ciphertext).to.not.equal(second.memberPackage.ciphertext);
    });

    it("should accept a package key pasted with surrounding spaces or a line break", function () {
      const { memberPackage, packageKey } = sealMemberPackage(transferId, fileJson);
      expect(openMemberPackage(memberPackage, ` ${packageKey}\n`, transferId)).to.equal(fileJson);
    });

    it("should be AES-256-GCM over gzip with the format and transfer id authenticated, as node:crypto opens it", function () {
      const { memberPackage, packageKey } = sealMemberPackage(transferId, fileJson);
      const decipher = createDecipheriv("aes-256-gcm", Buffer.from(packageKey, "base64url"), Buffer.from(memberPackage.iv, "base64url"));
      decipher.setAAD(Buffer.from(`cunzheng.member-package/1\n${transferId}`, "utf8"));
      decipher.setAuthTag(Buffer.from(memberPackage.tag, "base64url"));
      const compressed = Buffer.concat([decipher.update(Buffer.from(memberPackage.ciphertext, "base64url")), decipher.final()]);
      expect(gunzipSync(compressed).toString("utf8")).to.equal(fileJson);
    });
  });

  describe("refusals", function () {
    const { memberPackage, packageKey } = sealMemberPackage(transferId, fileJson);
    const wrongKey = "fail".repeat(10) + "xyA";

    it("should refuse another package key as the package key's fault", function () {
      const error = refusal(() => openMemberPackage(memberPackage, sealMemberPackage(transferId, fileJson).packageKey, transferId));
      expect(error.reason).to.equal("packageKey");
      expect(error.message).to.equal("the package key does not open this package: wrong key, or the package was altered");
      expect(refusal(() => openMemberPackage(memberPackage, wrongKey, transferId)).reason).to.equal("packageKey");
    });

    for (const part of ["iv", "ciphertext", "tag"] as const) {
      it(`should refuse a package whose ${part} was altered by one bit`, function () {
        const altered: MemberPackage = { ...memberPackage, [part]: flipByte(memberPackage[part], 3) };
        expect(memberPackageSchema.safeParse(altered).success).to.equal(true);
        const error = refusal(() => openMemberPackage(altered, packageKey, transferId));
        expect(error.reason).to.equal("packageKey");
        expect(error.message).to.contain("wrong key, or the package was altered");
      });
    }

    it("should refuse a package relabelled to another transfer, even opened for that transfer", function () {
      const relabelled: MemberPackage = { ...memberPackage, transferId: otherTransferId };
      expect(memberPackageSchema.safeParse(relabelled).success).to.equal(true);
      const error = refusal(() => openMemberPackage(relabelled, packageKey, otherTransferId));
      expect(error.reason).to.equal("packageKey");
      expect(error.message).to.contain("the package was altered");
    });

    it("should refuse a package opened for another transfer, naming both", function () {
      const error = refusal(() => openMemberPackage(memberPackage, packageKey, otherTransferId));
      expect(error.reason).to.equal("package");
      expect(error.message).to.equal(`this package is for transfer ${transferId}, not ${otherTransferId}: import it on that transfer`);
    });

    it("should refuse a package that opens but holds no gzip, as the package's fault", function () {
      const key = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(`${MEMBER_PACKAGE_FORMAT}\n${transferId}`, "utf8"));
      const ciphertext = Buffer.concat([cipher.update(fileJson, "utf8"), cipher.final()]);
      const uncompressed: MemberPackage = {
        ...memberPackage,
        iv: iv.toString("base64url"),
        ciphertext: ciphertext.toString("base64url"),
        tag: cipher.getAuthTag().toString("base64url"),
      };
      const error = refusal(() => openMemberPackage(uncompressed, key.toString("base64url"), transferId));
      expect(error.reason).to.equal("package");
      expect(error.message).to.equal("the package opened, but what it holds is not a member file this version can read");
    });

    it("should refuse a malformed package key without echoing it", function () {
      for (const bad of [packageKey.slice(0, 42), `${packageKey}A`, "", Buffer.alloc(32).toString("hex")]) {
        const error = refusal(() => openMemberPackage(memberPackage, bad, transferId));
        expect(error.reason).to.equal("packageKey");
        expect(error.message).to.equal(`a package key is 43 characters long; the one given has ${bad.length}`);
      }
      const notBase64url = `${packageKey.slice(0, 42)}+`;
      const error = refusal(() => openMemberPackage(memberPackage, notBase64url, transferId));
      expect(error.reason).to.equal("packageKey");
      expect(error.message).to.not.contain(notBase64url);
    });
  });

  describe("schema", function () {
    const { memberPackage } = sealMemberPackage(transferId, fileJson);

    it("should refuse a package with a missing field, naming it", function () {
      for (const field of Object.keys(memberPackage)) {
        const incomplete: Record<string, unknown> = { ...memberPackage };
        delete incomplete[field];
        const parsed = memberPackageSchema.safeParse(incomplete);
        expect(parsed.success, field).to.equal(false);
        expect(parsed.error!.issues[0].path).to.deep.equal([field]);
      }
    });

    it("should refuse an IV or tag of the wrong length, padded base64, and an unknown format or extra field", function () {
      const pathOf = (value: unknown) => memberPackageSchema.safeParse(value).error?.issues[0].path;
      expect(pathOf({ ...memberPackage, iv: Buffer.alloc(16).toString("base64url") })).to.deep.equal(["iv"]);
      expect(pathOf({ ...memberPackage, tag: Buffer.alloc(12).toString("base64url") })).to.deep.equal(["tag"]);
      expect(pathOf({ ...memberPackage, tag: Buffer.from(memberPackage.tag, "base64url").toString("base64") })).to.deep.equal(["tag"]);
      expect(pathOf({ ...memberPackage, format: "cunzheng.member-package/2" })).to.deep.equal(["format"]);
      expect(pathOf({ ...memberPackage, transferId: transferId.toUpperCase() })).to.deep.equal(["transferId"]);
      expect(pathOf({ ...memberPackage, key: "x" })).to.deep.equal([]);
    });
  });
});
