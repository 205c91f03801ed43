import { expect } from "chai";
import { createHmac } from "node:crypto";
import { blindIndex, createFieldCipher } from "../../../api/src/lib/field-encryption";

describe("field encryption", function () {
  const key = "11".repeat(32);
  const cipher = createFieldCipher(key);

  describe("sealing", function () {
    it("should open what it sealed, Chinese text and JSON alike", function () {
      expect(cipher.decrypt(cipher.encrypt("张三"))).to.equal("张三");
      const person = { name: "张三", idNumber: "11010519491231002X", birthDate: "1949-12-31" };
      expect(cipher.decryptJson(cipher.encryptJson(person))).to.deep.equal(person);
    });

    it("should write a self-describing v1 value of nonce, ciphertext and tag", function () {
      const sealed = cipher.encrypt("abc");
      expect(sealed).to.match(/^v1:[A-Za-z0-9+/]+=*$/);
      expect(Buffer.from(sealed.slice(3), "base64").length).to.equal(12 + 3 + 16);
    });

    it("should use a fresh nonce, so equal values do not look equal at rest", function () {
      const [a, b] = [cipher.encrypt("13800000000"), cipher.encrypt("13800000000")];
      expect(a).to.not.equal(b);
      expect(Buffer.from(a.slice(3), "base64").subarray(0, 12)).to.not.deep.equal(Buffer.from(b.slice(3), "base64").subarray(0, 12));
    });

    for (const [part, offset] of [
      ["nonce", 0],
      ["ciphertext", 12],
      ["tag", -1],
    ] as const) {
      it(`should refuse a value whose ${part} was altered`, function () {
        const bytes = Buffer.from(cipher.encrypt("张三").slice(3), "base64");
        bytes[offset < 0 ? bytes.length + offset : offset] ^= 0x01;
        expect(() => cipher.decrypt(`v1:${bytes.toString("base64")}`)).to.throw("authentication failed");
      });
    }

    it("should refuse a value sealed under another key", function () {
      expect(() => createFieldCipher("22".repeat(32)).decrypt(cipher.encrypt("张三"))).to.throw("authentication failed");
    });

    it("should refuse a value moved to another context", function () {
      const sealed = cipher.encrypt("张三", "member:17:name");
      expect(cipher.decrypt(sealed, "member:17:name")).to.equal("张三");
      expect(() => cipher.decrypt(sealed, "member:18:name")).to.throw("authentication failed");
    });

    it("should refuse a value in an unknown format or too short to hold a tag", function () {
      expect(() => cipher.decrypt("v2:AAAA")).to.throw("unknown format");
      expect(() => cipher.decrypt("v1:AAAA")).to.throw("too short");
    });

    it("should refuse a key that is not 32 bytes, without echoing it", function () {
      expect(() => createFieldCipher("ab".repeat(16))).to.throw("field encryption key must be 32 bytes (64 hex digits), got 16 bytes");
      expect(() => createFieldCipher("zz".repeat(32))).to.throw("must be hex");
      expect(createFieldCipher(`0x${key}`).decrypt(cipher.encrypt("x"))).to.equal("x");
    });
  });

  describe("blind index", function () {
    const indexKey = "42".repeat(32);

    it("should be HMAC-SHA256 of the normalized value, as any HMAC implementation computes it", function () {
      const expected = createHmac("sha256", Buffer.from(indexKey, "hex")).update("11010519491231002X").digest("hex");
      expect(blindIndex(indexKey, "11010519491231002X")).to.equal(expected);
    });

    it("should find an ID number however it was typed: spaces, lower-case x, full-width digits", function () {
      const index = blindIndex(indexKey, "11010519491231002X");
      expect(blindIndex(indexKey, " 11010519491231002x\t")).to.equal(index);
      expect(blindIndex(indexKey, "１１０１０５１９４９１２３１００２Ｘ")).to.equal(index);
      expect(blindIndex(indexKey, "110105194912310021")).to.not.equal(index);
    });

    it("should differ under another key and refuse a key shorter than 32 bytes", function () {
      expect(blindIndex("43".repeat(32), "11010519491231002X")).to.not.equal(blindIndex(indexKey, "11010519491231002X"));
      expect(() => blindIndex("42".repeat(16), "x")).to.throw("blind index key must be at least 32 bytes, got 16 bytes");
    });
  });
});
