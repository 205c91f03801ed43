// The test vectors docs/formats.md quotes, checked against the code and against independent implementations
// (ethers' keccak256, node:crypto's AES-GCM and HMAC), so neither the document nor the code can drift.
import { expect } from "chai";
import { createDecipheriv, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ethers } from "ethers";
import { canonicalize } from "../../../api/src/lib/canonical-json";
import { addMonths, ageOn, dayNumber, todayInChina } from "../../../api/src/lib/calendar";
import { blindIndex, createFieldCipher, normalizeForIndex } from "../../../api/src/lib/field-encryption";
import { recordHash, type RecordBody } from "../../../api/src/lib/record-hash";
import { loadRuleSet } from "../../../api/src/domain/rules";
import recordVectors from "../../helpers/vectors/record-hash.json";
import fieldVectors from "../../helpers/vectors/field-encryption.json";
import calendarVectors from "../../helpers/vectors/calendar.json";

describe("docs/formats.md test vectors", function () {
  it("should be the vectors the document quotes", function () {
    const doc = readFileSync(path.resolve(__dirname, "../../../docs/formats.md"), "utf8");
    const quoted = [
      ...recordVectors.canonicalJson.map((vector) => vector.canonical),
      recordVectors.records[0].canonical,
      ...recordVectors.records.map((vector) => vector.hash),
      recordVectors.ruleSets["2014"],
      ...fieldVectors.encryption.values.map((vector) => vector.sealed),
      ...fieldVectors.blindIndex.values.map((vector) => vector.index),
    ];
    for (const value of quoted) expect(doc, value).to.contain(value);
  });

  describe("canonical JSON and record hash", function () {
    for (const vector of recordVectors.canonicalJson) {
      it(`should canonicalize: ${vector.source}`, function () {
        expect(canonicalize(JSON.parse(vector.input))).to.equal(vector.canonical);
      });
    }

    recordVectors.records.forEach((vector, index) => {
      it(`should reproduce record ${index + 1} (${vector.body.step}): canonical string and hash`, function () {
        expect(canonicalize(vector.body)).to.equal(vector.canonical);
        expect(recordHash(vector.body as unknown as RecordBody)).to.equal(vector.hash);
        expect(ethers.keccak256(ethers.toUtf8Bytes(vector.canonical))).to.equal(vector.hash);
      });
    });

    it("should chain each record to the previous one's hash", function () {
      const [first, second, correction] = recordVectors.records;
      expect(second.body.prevHash).to.equal(first.hash);
      expect(correction.body.prevHash).to.equal(second.hash);
      expect(correction.body.supersedes).to.deep.equal({ recordHash: second.hash, reasonCode: "CORRECTION_TYPO" });
    });

    it("should hash rules/2014 to the value the document quotes", function () {
      expect(loadRuleSet("2014").hash).to.equal(recordVectors.ruleSets["2014"]);
    });
  });

  describe("field encryption", function () {
    const { key, nonce, values } = fieldVectors.encryption;

    for (const vector of values) {
      it(`should open the sealed ${JSON.stringify(vector.plain)}${
        vector.context ? ` in context ${vector.context}` : ""
      }`, function () {
        expect(createFieldCipher(key).decrypt(vector.sealed, vector.context ?? undefined)).to.equal(vector.plain);
        const bytes = Buffer.from(vector.sealed.slice("v1:".length), "base64");
        expect(bytes.subarray(0, 12).toString("hex")).to.equal(nonce);
        const decipher = createDecipheriv("aes-256-gcm", Buffer.from(key, "hex"), bytes.subarray(0, 12));
        if (vector.context) decipher.setAAD(Buffer.from(vector.context, "utf8"));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        const plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
        expect(plain.toString("utf8")).to.equal(vector.plain);
      });
    }

    for (const vector of fieldVectors.blindIndex.values) {
      it(`should index ${JSON.stringify(vector.value)} as HMAC-SHA256 of ${vector.normalized}`, function () {
        expect(normalizeForIndex(vector.value)).to.equal(vector.normalized);
        expect(blindIndex(fieldVectors.blindIndex.key, vector.value)).to.equal(vector.index);
        const hmac = createHmac("sha256", Buffer.from(fieldVectors.blindIndex.key, "hex")).update(
          vector.normalized,
          "utf8"
        );
        expect(hmac.digest("hex")).to.equal(vector.index);
      });
    }
  });

  describe("calendar", function () {
    it("should reproduce the day numbers", function () {
      for (const { date, day } of calendarVectors.dayNumbers) expect(dayNumber(date), date).to.equal(day);
    });

    it("should reproduce the month additions", function () {
      for (const { date, months, result } of calendarVectors.addMonths)
        expect(addMonths(date, months), `${date}+${months}`).to.equal(result);
    });

    it("should reproduce the ages", function () {
      for (const { birthDate, on, age } of calendarVectors.ageOn)
        expect(ageOn(birthDate, on), `${birthDate}@${on}`).to.equal(age);
    });

    it("should reproduce today in China Standard Time", function () {
      for (const { instant, today } of calendarVectors.todayInChina)
        expect(todayInChina(new Date(instant)), instant).to.equal(today);
    });
  });
});
