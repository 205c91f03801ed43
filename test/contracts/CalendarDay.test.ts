import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { dayOf, isoOf } from "../helpers/fixture";

const DAY_MS = 86_400_000;

/** The reference the API and auditors use: plain JS UTC dates, clamping the day to the target month's end. */
function addMonthsReference(day: number, months: number): number {
  const date = new Date(day * DAY_MS);
  const monthIndex = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  // Day 0 of the next month is the last day of this one.
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)) / DAY_MS;
}

describe("CalendarDay", function () {
  async function deployHarness() {
    return ethers.deployContract("CalendarDayHarness");
  }

  describe("addMonths", function () {
    const clampedCases: [string, number, string][] = [
      ["2024-01-31", 1, "2024-02-29"],
      ["2023-01-31", 1, "2023-02-28"],
      ["2024-02-29", 12, "2025-02-28"],
      ["2020-08-31", 6, "2021-02-28"],
      ["2021-03-31", 1, "2021-04-30"],
      ["2000-01-31", 1, "2000-02-29"],
      ["2100-01-31", 1, "2100-02-28"],
    ];
    for (const [start, months, expected] of clampedCases) {
      it(`should clamp ${start} + ${months} months to the month end ${expected}`, async function () {
        const calendar = await loadFixture(deployHarness);
        expect(isoOf(Number(await calendar.addMonths(dayOf(start), months)))).to.equal(expected);
      });
    }

    it("should keep the day of month when the target month has it", async function () {
      const calendar = await loadFixture(deployHarness);
      expect(isoOf(Number(await calendar.addMonths(dayOf("2021-09-01"), 12)))).to.equal("2022-09-01");
      expect(isoOf(Number(await calendar.addMonths(dayOf("2023-11-15"), 3)))).to.equal("2024-02-15");
    });

    it("should return the same day for zero months", async function () {
      const calendar = await loadFixture(deployHarness);
      expect(await calendar.addMonths(dayOf("2024-02-29"), 0)).to.equal(dayOf("2024-02-29"));
    });

    it("should agree with the JS calendar reference for random days and month counts", async function () {
      const calendar = await loadFixture(deployHarness);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 24 }), async (day, months) => {
          expect(Number(await calendar.addMonths(day, months))).to.equal(addMonthsReference(day, months));
        }),
        { numRuns: 300 },
      );
    });
  });

  describe("toCivil and fromCivil", function () {
    it("should map day 0 to 1970-01-01", async function () {
      const calendar = await loadFixture(deployHarness);
      expect(await calendar.toCivil(0)).to.deep.equal([1970n, 1n, 1n]);
      expect(await calendar.fromCivil(1970, 1, 1)).to.equal(0);
    });

    it("should convert a leap day both ways", async function () {
      const calendar = await loadFixture(deployHarness);
      expect(await calendar.toCivil(dayOf("2000-02-29"))).to.deep.equal([2000n, 2n, 29n]);
      expect(await calendar.fromCivil(2000, 2, 29)).to.equal(dayOf("2000-02-29"));
    });

    it("should round-trip random days and match the JS calendar", async function () {
      const calendar = await loadFixture(deployHarness);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 100_000 }), async (day) => {
          const [year, month, dayOfMonth] = await calendar.toCivil(day);
          const expected = new Date(day * DAY_MS);
          expect([Number(year), Number(month), Number(dayOfMonth)]).to.deep.equal([
            expected.getUTCFullYear(),
            expected.getUTCMonth() + 1,
            expected.getUTCDate(),
          ]);
          expect(Number(await calendar.fromCivil(year, month, dayOfMonth))).to.equal(day);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe("daysInMonth", function () {
    it("should follow the Gregorian leap-year rule for February", async function () {
      const calendar = await loadFixture(deployHarness);
      expect(await calendar.daysInMonth(1900, 2)).to.equal(28);
      expect(await calendar.daysInMonth(2000, 2)).to.equal(29);
      expect(await calendar.daysInMonth(2100, 2)).to.equal(28);
      expect(await calendar.daysInMonth(2024, 2)).to.equal(29);
      expect(await calendar.daysInMonth(2023, 2)).to.equal(28);
    });

    it("should give 30 days to April, June, September and November and 31 to the other months", async function () {
      const calendar = await loadFixture(deployHarness);
      const lengths = await Promise.all(Array.from({ length: 12 }, (_, i) => calendar.daysInMonth(2023, i + 1)));
      expect(lengths.map(Number)).to.deep.equal([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    });
  });

  describe("fromTimestamp", function () {
    it("should count days in China Standard Time (UTC+8)", async function () {
      const calendar = await loadFixture(deployHarness);
      const midnightInBeijing = Date.parse("2026-01-01T16:00:00Z") / 1000;
      expect(await calendar.fromTimestamp(midnightInBeijing)).to.equal(dayOf("2026-01-02"));
      expect(await calendar.fromTimestamp(midnightInBeijing - 1)).to.equal(dayOf("2026-01-01"));
    });
  });
});
