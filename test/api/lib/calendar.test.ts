import { expect } from "chai";
import fc from "fast-check";
import { addDays, addMonths, ageOn, dayNumber, isIsoDate, isoFromDay, todayInChina } from "../../../api/src/lib/calendar";

const MS_PER_DAY = 86_400_000;

describe("calendar", function () {
  describe("ISO dates", function () {
    it("should accept real dates, leap days included", function () {
      for (const date of ["2024-02-29", "2000-02-29", "1970-01-01", "2021-12-31"]) expect(isIsoDate(date), date).to.equal(true);
    });

    it("should refuse impossible or loosely written dates", function () {
      for (const date of [
        "2023-02-29",
        "2100-02-29",
        "2024-04-31",
        "2024-13-01",
        "2024-1-05",
        "2024-01-05T00:00",
        "20240105",
        "1899-12-31",
      ]) {
        expect(isIsoDate(date), date).to.equal(false);
      }
      expect(() => dayNumber("2023-02-29")).to.throw(RangeError, "YYYY-MM-DD");
    });
  });

  describe("day numbers", function () {
    it("should count days from 1970-01-01 as the chain does", function () {
      expect(dayNumber("1970-01-01")).to.equal(0);
      expect(dayNumber("2000-03-01") - dayNumber("2000-02-28")).to.equal(2);
      expect(dayNumber("2100-03-01") - dayNumber("2100-02-28")).to.equal(1);
    });

    it("should agree with the UTC calendar and convert back, for any date 1900–2200", function () {
      fc.assert(
        fc.property(fc.integer({ min: dayNumber("1900-01-01"), max: dayNumber("2200-12-31") }), (day) => {
          const iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
          expect(isoFromDay(day)).to.equal(iso);
          expect(dayNumber(iso)).to.equal(day);
        }),
      );
    });
  });

  describe("addMonths", function () {
    const vectors: [string, number, string][] = [
      ["2024-01-31", 1, "2024-02-29"],
      ["2023-01-31", 1, "2023-02-28"],
      ["2024-02-29", 12, "2025-02-28"],
      ["2020-08-31", 6, "2021-02-28"],
      ["2021-03-31", 1, "2021-04-30"],
      ["2000-01-31", 1, "2000-02-29"],
      ["2100-01-31", 1, "2100-02-28"],
      ["2021-11-30", 3, "2022-02-28"],
      ["2020-03-10", 12, "2021-03-10"],
      ["2024-03-31", -1, "2024-02-29"],
    ];
    for (const [start, months, expected] of vectors) {
      it(`should take ${start} + ${months} months to ${expected}`, function () {
        expect(addMonths(start, months)).to.equal(expected);
      });
    }
  });

  describe("addDays", function () {
    it("should cross month, leap-day and year ends", function () {
      expect(addDays("2024-02-28", 1)).to.equal("2024-02-29");
      expect(addDays("2023-02-28", 1)).to.equal("2023-03-01");
      expect(addDays("2024-12-31", 1)).to.equal("2025-01-01");
      expect(addDays("2024-03-01", -1)).to.equal("2024-02-29");
    });
  });

  describe("ageOn", function () {
    it("should count a birthday on its own day", function () {
      expect(ageOn("2001-09-01", "2019-08-31")).to.equal(17);
      expect(ageOn("2001-09-01", "2019-09-01")).to.equal(18);
      expect(ageOn("2001-09-01", "2001-09-01")).to.equal(0);
    });

    it("should let a 29 February birthday fall on 28 February in common years", function () {
      expect(ageOn("2004-02-29", "2022-02-27")).to.equal(17);
      expect(ageOn("2004-02-29", "2022-02-28")).to.equal(18);
      expect(ageOn("2004-02-29", "2024-02-28")).to.equal(19);
      expect(ageOn("2004-02-29", "2024-02-29")).to.equal(20);
    });

    it("should refuse a date before the birth", function () {
      expect(() => ageOn("2001-09-01", "2001-08-31")).to.throw(RangeError);
    });
  });

  describe("todayInChina", function () {
    it("should turn the day at 16:00 UTC, midnight in China Standard Time", function () {
      expect(todayInChina(new Date("2024-12-31T15:59:59.999Z"))).to.equal("2024-12-31");
      expect(todayInChina(new Date("2024-12-31T16:00:00.000Z"))).to.equal("2025-01-01");
    });
  });
});
