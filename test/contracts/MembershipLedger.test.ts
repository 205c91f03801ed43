import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import {
  deployConsortium,
  memberAt,
  dayOf,
  isoOf,
  setToday,
  randomKey,
  Role,
  Stage,
  TransferKind,
  type Consortium,
} from "../helpers/fixture";

const DAY_MS = 86_400_000;

/** `day` moved by whole calendar months, clamped to the month's last day (the ledger's own rule). */
function shiftMonths(day: number, months: number): number {
  const date = new Date(day * DAY_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDayOfTarget = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastDayOfTarget)) / DAY_MS;
}

/**
 * The consortium with the chain clock at noon (China Standard Time) of the next day, so that a test reading
 * `today()` and then sending a transaction never straddles midnight.
 */
async function deployConsortiumAtNoon(): Promise<Consortium> {
  const consortium = await deployConsortium();
  await setToday(isoOf(Number(await consortium.membership.today()) + 1));
  return consortium;
}

/** Registers a fresh applicant and returns its key and first record hash. */
async function registerAt(c: Consortium, signer: Signer, orgId: number, applicationDay = dayOf("2020-01-10")) {
  const memberKey = randomKey();
  const head = randomKey();
  await c.membership.connect(signer).register(memberKey, orgId, head, applicationDay);
  return { memberKey, head };
}

/** A development candidate of university C, whose committee has no approval power in the fixture. */
async function candidateAtC(c: Consortium) {
  const { membership, ids, signers } = c;
  const { memberKey, head: s1 } = await registerAt(c, signers.attesterC, ids.branchC);
  const s3 = randomKey();
  await membership.connect(signers.attesterC).selectActivist(memberKey, s1, s3, dayOf("2020-04-10"));
  const s7 = randomKey();
  await membership.connect(signers.attesterC).selectCandidate(memberKey, s3, s7, dayOf("2021-04-12"));
  return { memberKey, head: s7 };
}

describe("MembershipLedger", function () {
  describe("register", function () {
    it("should enter an applicant whose first record becomes the chain head", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      const memberKey = randomKey();
      const recordHash = randomKey();
      const day = dayOf("2020-01-10");

      const tx = membership.connect(signers.branchClerkA).register(memberKey, ids.branchA, recordHash, day);

      await expect(tx).to.emit(membership, "MemberRegistered").withArgs(memberKey, ids.branchA);
      await expect(tx).to.emit(membership, "RecordAppended").withArgs(memberKey, recordHash);
      await expect(tx).to.emit(membership, "StageChanged").withArgs(memberKey, Stage.Applicant, day);
      const m = await membership.member(memberKey);
      expect(m.orgId).to.equal(ids.branchA);
      expect(m.stage).to.equal(Stage.Applicant);
      expect(m.lastEffectiveDay).to.equal(day);
      expect(m.recordCount).to.equal(1);
      expect(m.head).to.equal(recordHash);
      expect(await membership.headOf(memberKey)).to.equal(recordHash);
    });

    it("should let a committee attester register in a general branch of its committee", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey } = await registerAt(c, c.signers.attesterA, c.ids.generalBranchA);

      expect((await c.membership.member(memberKey)).orgId).to.equal(c.ids.generalBranchA);
    });

    it("should refuse a member key already registered", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey } = await registerAt(c, c.signers.branchClerkA, c.ids.branchA);

      await expect(c.membership.connect(c.signers.branchClerkA).register(memberKey, c.ids.branchA, randomKey(), dayOf("2020-01-11")))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerMemberExists")
        .withArgs(memberKey);
    });

    it("should refuse a zero record hash", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      const memberKey = randomKey();

      await expect(membership.connect(signers.branchClerkA).register(memberKey, ids.branchA, ethers.ZeroHash, dayOf("2020-01-10")))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerZeroRecordHash")
        .withArgs(memberKey);
    });

    it("should refuse an account without an attester role", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);

      await expect(membership.connect(signers.outsider).register(randomKey(), ids.branchA, randomKey(), dayOf("2020-01-10")))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerNotAttester")
        .withArgs(ids.branchA, signers.outsider.address);
    });

    it("should refuse an attester of another university", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);

      await expect(membership.connect(signers.attesterB).register(randomKey(), ids.branchA, randomKey(), dayOf("2020-01-10")))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerNotAttester")
        .withArgs(ids.branchA, signers.attesterB.address);
    });

    it("should refuse a branch clerk registering in the general branch above its branch", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);

      await expect(membership.connect(signers.branchClerkA).register(randomKey(), ids.generalBranchA, randomKey(), dayOf("2020-01-10")))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerNotAttester")
        .withArgs(ids.generalBranchA, signers.branchClerkA.address);
    });

    it("should refuse the consortium as the member's organization", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);

      await expect(membership.connect(signers.governance).register(randomKey(), ids.consortium, randomKey(), dayOf("2020-01-10")))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerInvalidOrganization")
        .withArgs(ids.consortium);
    });

    it("should refuse an unknown organization with the registry's error", async function () {
      const { registry, membership, signers } = await loadFixture(deployConsortiumAtNoon);
      const unknownOrgId = (await registry.organizationCount()) + 1n;

      await expect(membership.connect(signers.attesterA).register(randomKey(), unknownOrgId, randomKey(), dayOf("2020-01-10")))
        .to.be.revertedWithCustomError(registry, "OrgRegistryUnknownOrganization")
        .withArgs(unknownOrgId);
    });

    it("should accept an application dated today and refuse one dated tomorrow", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      const today = Number(await membership.today());

      await expect(membership.connect(signers.branchClerkA).register(randomKey(), ids.branchA, randomKey(), today)).not.to.be.reverted;
      await expect(membership.connect(signers.branchClerkA).register(randomKey(), ids.branchA, randomKey(), today + 1))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerFutureDate")
        .withArgs(today + 1, today);
    });

    it("should refuse while governance has paused the consortium, and accept after unpause", async function () {
      const { registry, membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      await registry.connect(signers.governance).pause();
      const register = () => membership.connect(signers.branchClerkA).register(randomKey(), ids.branchA, randomKey(), dayOf("2020-01-10"));

      await expect(register()).to.be.revertedWithCustomError(membership, "MembershipLedgerPaused");
      await registry.connect(signers.governance).unpause();
      await expect(register()).not.to.be.reverted;
    });
  });

  describe("registerArchival", function () {
    const NO_DATES = { applicationDay: 0, activistDay: 0, candidateDay: 0, branchMeetingDay: 0, conversionDay: 0 };
    const FULL_DATES = {
      applicationDay: dayOf("2015-03-01"),
      activistDay: dayOf("2015-09-10"),
      candidateDay: dayOf("2016-10-12"),
      branchMeetingDay: dayOf("2017-05-20"),
      conversionDay: dayOf("2018-05-25"),
    };
    const hashes = (count: number) => Array.from({ length: count }, () => randomKey());

    it("should enter a full member from earlier files with its key dates, marked archival, one RecordAppended per record", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      const memberKey = randomKey();
      const records = hashes(5);

      const tx = membership.connect(signers.branchClerkA).registerArchival(memberKey, ids.branchA, Stage.Full, FULL_DATES, records);

      await expect(tx)
        .to.emit(membership, "MemberRegisteredFromArchive")
        .withArgs(memberKey, ids.branchA, Stage.Full, Object.values(FULL_DATES));
      for (const record of records) await expect(tx).to.emit(membership, "RecordAppended").withArgs(memberKey, record);
      await expect(tx).to.emit(membership, "StageChanged").withArgs(memberKey, Stage.Full, FULL_DATES.conversionDay);
      await expect(tx).not.to.emit(membership, "MemberRegistered");
      const m = await membership.member(memberKey);
      expect(m.orgId).to.equal(ids.branchA);
      expect(m.stage).to.equal(Stage.Full);
      expect(m.activistDay).to.equal(FULL_DATES.activistDay);
      expect(m.candidateDay).to.equal(FULL_DATES.candidateDay);
      expect(m.branchMeetingDay).to.equal(FULL_DATES.branchMeetingDay);
      expect(m.probationEndDay).to.equal(dayOf("2018-05-20"));
      expect(m.lastEffectiveDay).to.equal(FULL_DATES.conversionDay);
      expect(m.recordCount).to.equal(5);
      expect(m.head).to.equal(records[4]);
    });

    it("should hold an archival probationary member to the full rules afterwards: conversion not before a year from the branch meeting", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      const memberKey = randomKey();
      const records = hashes(4);
      const dates = { ...FULL_DATES, conversionDay: 0, branchMeetingDay: dayOf("2025-01-15") };
      await membership.connect(signers.attesterA).registerArchival(memberKey, ids.branchA, Stage.Probationary, dates, records);

      await expect(membership.connect(signers.attesterA).convert(memberKey, records[3], randomKey(), dayOf("2026-01-14")))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerProbationNotOver")
        .withArgs(dayOf("2026-01-14"), dayOf("2026-01-15"));
      await expect(membership.connect(signers.attesterA).convert(memberKey, records[3], randomKey(), dayOf("2026-01-15")))
        .to.emit(membership, "StageChanged")
        .withArgs(memberKey, Stage.Full, dayOf("2026-01-15"));
    });

    it("should hold an archival activist to the one-year wait before candidacy", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      const memberKey = randomKey();
      const [head] = hashes(1);
      const dates = { ...NO_DATES, activistDay: dayOf("2025-03-10") };
      await membership.connect(signers.branchClerkA).registerArchival(memberKey, ids.branchA, Stage.Activist, dates, [head]);

      await expect(membership.connect(signers.branchClerkA).selectCandidate(memberKey, head, randomKey(), dayOf("2026-03-09")))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerCandidateTooEarly")
        .withArgs(dayOf("2026-03-09"), dayOf("2026-03-10"));
    });

    it("should refuse a member key already registered", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey } = await registerAt(c, c.signers.branchClerkA, c.ids.branchA);

      await expect(
        c.membership.connect(c.signers.branchClerkA).registerArchival(memberKey, c.ids.branchA, Stage.Full, FULL_DATES, hashes(5)),
      )
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerMemberExists")
        .withArgs(memberKey);
    });

    it("should refuse an account that may not write for the organization", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);

      await expect(membership.connect(signers.attesterB).registerArchival(randomKey(), ids.branchA, Stage.Full, FULL_DATES, hashes(5)))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerNotAttester")
        .withArgs(ids.branchA, signers.attesterB.address);
      await expect(membership.connect(signers.outsider).registerArchival(randomKey(), ids.branchA, Stage.Full, FULL_DATES, hashes(5)))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerNotAttester")
        .withArgs(ids.branchA, signers.outsider.address);
    });

    it("should refuse the consortium as the member's organization", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);

      await expect(membership.connect(signers.governance).registerArchival(randomKey(), ids.consortium, Stage.Full, FULL_DATES, hashes(5)))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerInvalidOrganization")
        .withArgs(ids.consortium);
    });

    it("should refuse while the consortium is paused", async function () {
      const { registry, membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      await registry.connect(signers.governance).pause();

      await expect(
        membership.connect(signers.branchClerkA).registerArchival(randomKey(), ids.branchA, Stage.Full, FULL_DATES, hashes(5)),
      ).to.be.revertedWithCustomError(membership, "MembershipLedgerPaused");
    });

    for (const [name, stage] of [
      ["None", Stage.None],
      ["Cancelled", Stage.Cancelled],
    ] as const) {
      it(`should refuse stage ${name}`, async function () {
        const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);

        await expect(membership.connect(signers.branchClerkA).registerArchival(randomKey(), ids.branchA, stage, FULL_DATES, hashes(5)))
          .to.be.revertedWithCustomError(membership, "MembershipLedgerInvalidArchivalStage")
          .withArgs(stage);
      });
    }

    it("should refuse a stage without its own date, and a date of a later stage", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      const enter = (stage: number, dates: typeof FULL_DATES) =>
        membership.connect(signers.branchClerkA).registerArchival(randomKey(), ids.branchA, stage, dates, hashes(5));

      await expect(enter(Stage.Candidate, { ...NO_DATES, applicationDay: FULL_DATES.applicationDay }))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerArchivalDateMismatch")
        .withArgs(Stage.Candidate, 2);
      await expect(enter(Stage.Probationary, FULL_DATES))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerArchivalDateMismatch")
        .withArgs(Stage.Probationary, 4);
    });

    it("should accept an earlier stage's date missing from the files", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      const memberKey = randomKey();
      const dates = { ...FULL_DATES, applicationDay: 0, activistDay: 0 };

      await expect(membership.connect(signers.branchClerkA).registerArchival(memberKey, ids.branchA, Stage.Full, dates, hashes(3))).to.emit(
        membership,
        "MemberRegisteredFromArchive",
      );
      expect((await membership.member(memberKey)).activistDay).to.equal(0);
    });

    it("should refuse key dates out of order, naming the later date and the one before it", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      const dates = { ...FULL_DATES, candidateDay: dayOf("2015-09-09") };

      await expect(membership.connect(signers.branchClerkA).registerArchival(randomKey(), ids.branchA, Stage.Full, dates, hashes(5)))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerArchivalDatesOutOfOrder")
        .withArgs(dayOf("2015-09-09"), FULL_DATES.activistDay);
    });

    it("should accept two steps on the same day", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      const dates = { ...NO_DATES, applicationDay: dayOf("2024-09-01"), activistDay: dayOf("2024-09-01") };

      await expect(membership.connect(signers.branchClerkA).registerArchival(randomKey(), ids.branchA, Stage.Activist, dates, hashes(2)))
        .not.to.be.reverted;
    });

    it("should accept the latest date today and refuse it tomorrow", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      const today = Number(await membership.today());
      const enter = (day: number) =>
        membership
          .connect(signers.branchClerkA)
          .registerArchival(randomKey(), ids.branchA, Stage.Applicant, { ...NO_DATES, applicationDay: day }, hashes(1));

      await expect(enter(today)).not.to.be.reverted;
      await expect(enter(today + 1))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerFutureDate")
        .withArgs(today + 1, today);
    });

    it("should refuse fewer record hashes than given dates", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);

      await expect(membership.connect(signers.branchClerkA).registerArchival(randomKey(), ids.branchA, Stage.Full, FULL_DATES, hashes(4)))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerArchivalRecordCount")
        .withArgs(4, 5);
    });

    it("should refuse a zero record hash", async function () {
      const { membership, ids, signers } = await loadFixture(deployConsortiumAtNoon);
      const memberKey = randomKey();

      await expect(
        membership
          .connect(signers.branchClerkA)
          .registerArchival(memberKey, ids.branchA, Stage.Full, FULL_DATES, [...hashes(4), ethers.ZeroHash]),
      )
        .to.be.revertedWithCustomError(membership, "MembershipLedgerZeroRecordHash")
        .withArgs(memberKey);
    });
  });

  describe("append", function () {
    it("should link a record after the head and count it", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await registerAt(c, c.signers.branchClerkA, c.ids.branchA);
      const recordHash = randomKey();
      const day = dayOf("2020-01-20");

      await expect(c.membership.connect(c.signers.branchClerkA).append(memberKey, head, recordHash, day))
        .to.emit(c.membership, "RecordAppended")
        .withArgs(memberKey, recordHash);
      const m = await c.membership.member(memberKey);
      expect(m.head).to.equal(recordHash);
      expect(m.recordCount).to.equal(2);
      expect(m.lastEffectiveDay).to.equal(day);
      expect(m.stage).to.equal(Stage.Applicant);
    });

    it("should refuse a second record written against the same head (a raced or reordered write)", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await registerAt(c, c.signers.branchClerkA, c.ids.branchA);
      const first = randomKey();
      await c.membership.connect(c.signers.branchClerkA).append(memberKey, head, first, dayOf("2020-01-20"));

      await expect(c.membership.connect(c.signers.branchClerkA).append(memberKey, head, randomKey(), dayOf("2020-01-21")))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerStaleHead")
        .withArgs(memberKey, first, head);
    });

    it("should refuse a zero record hash", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await registerAt(c, c.signers.branchClerkA, c.ids.branchA);

      await expect(c.membership.connect(c.signers.branchClerkA).append(memberKey, head, ethers.ZeroHash, dayOf("2020-01-20")))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerZeroRecordHash")
        .withArgs(memberKey);
    });

    it("should accept the latest effective day again and refuse an earlier one", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const day = dayOf("2020-01-10");
      const { memberKey, head } = await registerAt(c, c.signers.branchClerkA, c.ids.branchA, day);
      const sameDay = randomKey();

      await expect(c.membership.connect(c.signers.branchClerkA).append(memberKey, head, sameDay, day)).not.to.be.reverted;
      await expect(c.membership.connect(c.signers.branchClerkA).append(memberKey, sameDay, randomKey(), day - 1))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerDateBackwards")
        .withArgs(day - 1, day);
    });

    it("should accept a record dated today and refuse one dated tomorrow", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await registerAt(c, c.signers.branchClerkA, c.ids.branchA);
      const today = Number(await c.membership.today());
      const todays = randomKey();

      await expect(c.membership.connect(c.signers.branchClerkA).append(memberKey, head, todays, today)).not.to.be.reverted;
      await expect(c.membership.connect(c.signers.branchClerkA).append(memberKey, todays, randomKey(), today + 1))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerFutureDate")
        .withArgs(today + 1, today);
    });

    it("should refuse an unknown member", async function () {
      const { membership, signers } = await loadFixture(deployConsortiumAtNoon);
      const memberKey = randomKey();

      await expect(membership.connect(signers.attesterA).append(memberKey, ethers.ZeroHash, randomKey(), dayOf("2020-01-10")))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerUnknownMember")
        .withArgs(memberKey);
    });

    it("should refuse a branch clerk writing for a member of another university", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await registerAt(c, c.signers.attesterB, c.ids.branchB);

      await expect(c.membership.connect(c.signers.branchClerkA).append(memberKey, head, randomKey(), dayOf("2020-01-20")))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerNotAttester")
        .withArgs(c.ids.branchB, c.signers.branchClerkA.address);
    });

    it("should refuse a branch clerk writing for a member held by the general branch above it", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await registerAt(c, c.signers.attesterA, c.ids.generalBranchA);

      await expect(c.membership.connect(c.signers.branchClerkA).append(memberKey, head, randomKey(), dayOf("2020-01-20")))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerNotAttester")
        .withArgs(c.ids.generalBranchA, c.signers.branchClerkA.address);
    });

    it("should let an attester of the committee above write for a branch member", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await registerAt(c, c.signers.branchClerkA, c.ids.branchA);
      const recordHash = randomKey();

      await expect(c.membership.connect(c.signers.attesterA).append(memberKey, head, recordHash, dayOf("2020-01-20")))
        .to.emit(c.membership, "RecordAppended")
        .withArgs(memberKey, recordHash);
    });

    it("should refuse while the consortium is paused", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await registerAt(c, c.signers.branchClerkA, c.ids.branchA);
      await c.registry.connect(c.signers.governance).pause();

      await expect(
        c.membership.connect(c.signers.branchClerkA).append(memberKey, head, randomKey(), dayOf("2020-01-20")),
      ).to.be.revertedWithCustomError(c.membership, "MembershipLedgerPaused");
    });
  });

  describe("appendBatch", function () {
    /** Three applicants of branch A and one record for each, as the anchoring worker would send them. */
    async function threeItems(c: Consortium) {
      const members = [];
      for (let i = 0; i < 3; i++) members.push(await registerAt(c, c.signers.branchClerkA, c.ids.branchA));
      return members.map(({ memberKey, head }, i) => ({
        memberKey,
        prevHead: head,
        recordHash: randomKey(),
        effectiveDay: dayOf("2020-02-01") + i,
      }));
    }

    it("should append one record for each of many members in one transaction", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const items = await threeItems(c);

      const tx = c.membership.connect(c.signers.branchClerkA).appendBatch(items);

      for (const item of items) {
        await expect(tx).to.emit(c.membership, "RecordAppended").withArgs(item.memberKey, item.recordHash);
        const m = await c.membership.member(item.memberKey);
        expect(m.head).to.equal(item.recordHash);
        expect(m.recordCount).to.equal(2);
        expect(m.lastEffectiveDay).to.equal(item.effectiveDay);
      }
    });

    it("should refuse an empty batch", async function () {
      const { membership, signers } = await loadFixture(deployConsortiumAtNoon);

      await expect(membership.connect(signers.branchClerkA).appendBatch([])).to.be.revertedWithCustomError(
        membership,
        "MembershipLedgerEmptyBatch",
      );
    });

    it("should skip items already applied, so a resent batch changes nothing", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const items = await threeItems(c);
      await c.membership.connect(c.signers.branchClerkA).appendBatch(items);

      await expect(c.membership.connect(c.signers.branchClerkA).appendBatch(items)).not.to.emit(c.membership, "RecordAppended");
      for (const item of items) {
        const m = await c.membership.member(item.memberKey);
        expect(m.head).to.equal(item.recordHash);
        expect(m.recordCount).to.equal(2);
      }
    });

    it("should write nothing when one item is refused", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const items = await threeItems(c);
      const staleHead = randomKey();
      const batch = [items[0], items[1], { ...items[2], prevHead: staleHead }];

      await expect(c.membership.connect(c.signers.branchClerkA).appendBatch(batch))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerStaleHead")
        .withArgs(items[2].memberKey, items[2].prevHead, staleHead);
      for (const item of items) {
        const m = await c.membership.member(item.memberKey);
        expect(m.head).to.equal(item.prevHead);
        expect(m.recordCount).to.equal(1);
      }
    });

    it("should check the caller's authorization for every organization in the batch", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { membership, registry, ids, signers } = c;
      const memberA = await registerAt(c, signers.branchClerkA, ids.branchA);
      const memberB = await registerAt(c, signers.attesterB, ids.branchB);
      const laterA = await registerAt(c, signers.branchClerkA, ids.branchA);
      const batch = [memberA, memberB, laterA].map(({ memberKey, head }) => ({
        memberKey,
        prevHead: head,
        recordHash: randomKey(),
        effectiveDay: dayOf("2020-02-01"),
      }));

      await expect(membership.connect(signers.attesterA).appendBatch(batch))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerNotAttester")
        .withArgs(ids.branchB, signers.attesterA.address);

      await registry.connect(signers.adminB).grantRole(ids.committeeB, signers.attesterA.address, Role.Attester);
      await expect(membership.connect(signers.attesterA).appendBatch(batch)).not.to.be.reverted;
      for (const item of batch) expect(await membership.headOf(item.memberKey)).to.equal(item.recordHash);
    });
  });

  describe("stage order", function () {
    const day = dayOf("2022-10-01");
    const transitionsFromWrongStage = [
      { action: "selectActivist", from: Stage.Activist, required: Stage.Applicant },
      { action: "selectCandidate", from: Stage.Applicant, required: Stage.Activist },
      { action: "admit", from: Stage.Activist, required: Stage.Candidate },
      { action: "extendProbation", from: Stage.Candidate, required: Stage.Probationary },
      { action: "convert", from: Stage.Candidate, required: Stage.Probationary },
      { action: "cancel", from: Stage.Full, required: Stage.Probationary },
      { action: "convert", from: Stage.Cancelled, required: Stage.Probationary },
    ] as const;

    for (const { action, from, required } of transitionsFromWrongStage) {
      const fromName = Object.keys(Stage).find((name) => Stage[name as keyof typeof Stage] === from);
      it(`should refuse ${action} for a member at stage ${fromName}`, async function () {
        const c = await loadFixture(deployConsortiumAtNoon);
        const { memberKey, head } = await memberAt(c, from);
        const ledger = c.membership.connect(c.signers.attesterA);
        const args = [memberKey, head(), randomKey(), day] as const;
        const tx =
          action === "admit"
            ? ledger.admit(...args, day)
            : action === "extendProbation"
              ? ledger.extendProbation(...args, dayOf("2023-06-01"))
              : ledger[action](...args);

        await expect(tx).to.be.revertedWithCustomError(c.membership, "MembershipLedgerWrongStage").withArgs(memberKey, from, required);
      });
    }

    it("should move an applicant to activist and keep the selection day", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await registerAt(c, c.signers.branchClerkA, c.ids.branchA);
      const day = dayOf("2020-04-10");

      await expect(c.membership.connect(c.signers.branchClerkA).selectActivist(memberKey, head, randomKey(), day))
        .to.emit(c.membership, "StageChanged")
        .withArgs(memberKey, Stage.Activist, day);
      const m = await c.membership.member(memberKey);
      expect(m.stage).to.equal(Stage.Activist);
      expect(m.activistDay).to.equal(day);
    });
  });

  describe("selectCandidate", function () {
    // memberAt selects the activist on 2020-04-10.
    it("should accept a selection exactly one calendar year after activist selection", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Activist);
      const day = dayOf("2021-04-10");

      await expect(c.membership.connect(c.signers.branchClerkA).selectCandidate(memberKey, head(), randomKey(), day))
        .to.emit(c.membership, "StageChanged")
        .withArgs(memberKey, Stage.Candidate, day);
      const m = await c.membership.member(memberKey);
      expect(m.stage).to.equal(Stage.Candidate);
      expect(m.candidateDay).to.equal(day);
    });

    it("should refuse a selection one day short of a year", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Activist);

      await expect(c.membership.connect(c.signers.branchClerkA).selectCandidate(memberKey, head(), randomKey(), dayOf("2021-04-09")))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerCandidateTooEarly")
        .withArgs(dayOf("2021-04-09"), dayOf("2021-04-10"));
    });

    it("should count a year from a leap day to February 28", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const clerk = c.membership.connect(c.signers.branchClerkA);
      const { memberKey, head } = await registerAt(c, c.signers.branchClerkA, c.ids.branchA);
      const activistRecord = randomKey();
      await clerk.selectActivist(memberKey, head, activistRecord, dayOf("2020-02-29"));

      await expect(clerk.selectCandidate(memberKey, activistRecord, randomKey(), dayOf("2021-02-27")))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerCandidateTooEarly")
        .withArgs(dayOf("2021-02-27"), dayOf("2021-02-28"));
      await expect(clerk.selectCandidate(memberKey, activistRecord, randomKey(), dayOf("2021-02-28"))).not.to.be.reverted;
    });
  });

  describe("admit", function () {
    // memberAt selects the candidate on 2021-04-12.
    it("should admit on the approving committee's approval and start a one-year probation at the branch meeting", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Candidate);
      const meeting = dayOf("2021-09-01");
      const approval = dayOf("2021-09-20");

      await expect(c.membership.connect(c.signers.attesterA).admit(memberKey, head(), randomKey(), meeting, approval))
        .to.emit(c.membership, "StageChanged")
        .withArgs(memberKey, Stage.Probationary, approval);
      const m = await c.membership.member(memberKey);
      expect(m.stage).to.equal(Stage.Probationary);
      expect(m.branchMeetingDay).to.equal(meeting);
      expect(m.probationEndDay).to.equal(dayOf("2022-09-01"));
      expect(m.lastEffectiveDay).to.equal(approval);
    });

    it("should accept an approval exactly six months after the meeting, clamped to the month's end", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Candidate);

      await expect(
        c.membership.connect(c.signers.attesterA).admit(memberKey, head(), randomKey(), dayOf("2021-08-31"), dayOf("2022-02-28")),
      ).not.to.be.reverted;
    });

    it("should refuse an approval six months and one day after the meeting", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Candidate);

      await expect(
        c.membership.connect(c.signers.attesterA).admit(memberKey, head(), randomKey(), dayOf("2021-08-31"), dayOf("2022-03-01")),
      )
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerApprovalOutOfWindow")
        .withArgs(dayOf("2022-03-01"), dayOf("2021-08-31"), dayOf("2022-02-28"));
    });

    it("should refuse an approval dated before the branch meeting", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Candidate);

      await expect(
        c.membership.connect(c.signers.attesterA).admit(memberKey, head(), randomKey(), dayOf("2021-08-31"), dayOf("2021-08-30")),
      )
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerApprovalOutOfWindow")
        .withArgs(dayOf("2021-08-30"), dayOf("2021-08-31"), dayOf("2022-02-28"));
    });

    it("should refuse a branch meeting dated before the candidate selection", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Candidate);

      await expect(
        c.membership.connect(c.signers.attesterA).admit(memberKey, head(), randomKey(), dayOf("2021-04-11"), dayOf("2021-09-20")),
      )
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerBranchMeetingBeforeCandidacy")
        .withArgs(dayOf("2021-04-11"), dayOf("2021-04-12"));
    });

    for (const who of ["branchClerkA", "attesterB"] as const) {
      it(`should refuse ${who}, who is not an attester of the approving committee`, async function () {
        const c = await loadFixture(deployConsortiumAtNoon);
        const { memberKey, head } = await memberAt(c, Stage.Candidate);

        await expect(c.membership.connect(c.signers[who]).admit(memberKey, head(), randomKey(), dayOf("2021-09-01"), dayOf("2021-09-20")))
          .to.be.revertedWithCustomError(c.membership, "MembershipLedgerNotApprover")
          .withArgs(c.ids.branchA, c.ids.committeeA, c.signers[who].address);
      });
    }

    it("should refuse while no committee above has approval power, and admit once governance grants it", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await candidateAtC(c);
      const admit = () =>
        c.membership.connect(c.signers.attesterC).admit(memberKey, head, randomKey(), dayOf("2021-09-01"), dayOf("2021-09-20"));

      await expect(admit()).to.be.revertedWithCustomError(c.membership, "MembershipLedgerNoApprovingCommittee").withArgs(c.ids.branchC);
      await c.registry.connect(c.signers.governance).setApprovalPower(c.ids.committeeC, true);
      await expect(admit()).to.emit(c.membership, "StageChanged").withArgs(memberKey, Stage.Probationary, dayOf("2021-09-20"));
    });
  });

  describe("extendProbation", function () {
    // memberAt holds the branch meeting on 2021-09-01, so probation ends on 2022-09-01: an extension ends
    // between 2023-03-01 and 2023-09-01.
    const approval = dayOf("2022-09-05");
    const earliest = dayOf("2023-03-01");
    const latest = dayOf("2023-09-01");

    for (const newEnd of [earliest, latest]) {
      it(`should extend the probation to ${isoOf(newEnd)}`, async function () {
        const c = await loadFixture(deployConsortiumAtNoon);
        const { memberKey, head } = await memberAt(c, Stage.Probationary);

        await expect(c.membership.connect(c.signers.attesterA).extendProbation(memberKey, head(), randomKey(), approval, newEnd))
          .to.emit(c.membership, "ProbationExtended")
          .withArgs(memberKey, newEnd);
        const m = await c.membership.member(memberKey);
        expect(m.probationExtended).to.equal(true);
        expect(m.probationEndDay).to.equal(newEnd);
        expect(m.stage).to.equal(Stage.Probationary);
      });
    }

    for (const newEnd of [earliest - 1, latest + 1]) {
      it(`should refuse an extension to ${isoOf(newEnd)}, outside six to twelve months`, async function () {
        const c = await loadFixture(deployConsortiumAtNoon);
        const { memberKey, head } = await memberAt(c, Stage.Probationary);

        await expect(c.membership.connect(c.signers.attesterA).extendProbation(memberKey, head(), randomKey(), approval, newEnd))
          .to.be.revertedWithCustomError(c.membership, "MembershipLedgerExtensionOutOfRange")
          .withArgs(newEnd, earliest, latest);
      });
    }

    it("should refuse a second extension", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Probationary);
      const extension = randomKey();
      await c.membership.connect(c.signers.attesterA).extendProbation(memberKey, head(), extension, approval, earliest);

      await expect(c.membership.connect(c.signers.attesterA).extendProbation(memberKey, extension, randomKey(), approval, latest))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerAlreadyExtended")
        .withArgs(memberKey);
    });

    it("should refuse a branch clerk", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Probationary);

      await expect(c.membership.connect(c.signers.branchClerkA).extendProbation(memberKey, head(), randomKey(), approval, earliest))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerNotApprover")
        .withArgs(c.ids.branchA, c.ids.committeeA, c.signers.branchClerkA.address);
    });
  });

  describe("convert", function () {
    // memberAt's probation ends on 2022-09-01.
    const probationEnd = dayOf("2022-09-01");

    it("should refuse a conversion approved before the probation ends", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Probationary);

      await expect(c.membership.connect(c.signers.attesterA).convert(memberKey, head(), randomKey(), probationEnd - 1))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerProbationNotOver")
        .withArgs(probationEnd - 1, probationEnd);
    });

    it("should convert on the day the probation ends", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Probationary);

      await expect(c.membership.connect(c.signers.attesterA).convert(memberKey, head(), randomKey(), probationEnd))
        .to.emit(c.membership, "StageChanged")
        .withArgs(memberKey, Stage.Full, probationEnd);
      expect((await c.membership.member(memberKey)).stage).to.equal(Stage.Full);
    });

    it("should hold an extended probation to its new end", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Probationary);
      const extendedEnd = dayOf("2023-03-01");
      const extension = randomKey();
      await c.membership.connect(c.signers.attesterA).extendProbation(memberKey, head(), extension, dayOf("2022-08-25"), extendedEnd);
      const convert = (day: number) => c.membership.connect(c.signers.attesterA).convert(memberKey, extension, randomKey(), day);

      await expect(convert(probationEnd))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerProbationNotOver")
        .withArgs(probationEnd, extendedEnd);
      await expect(convert(extendedEnd - 1))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerProbationNotOver")
        .withArgs(extendedEnd - 1, extendedEnd);
      await expect(convert(extendedEnd)).to.emit(c.membership, "StageChanged").withArgs(memberKey, Stage.Full, extendedEnd);
    });

    it("should refuse a branch clerk", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Probationary);

      await expect(c.membership.connect(c.signers.branchClerkA).convert(memberKey, head(), randomKey(), probationEnd))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerNotApprover")
        .withArgs(c.ids.branchA, c.ids.committeeA, c.signers.branchClerkA.address);
    });
  });

  describe("cancel", function () {
    const day = dayOf("2022-09-05");

    it("should cancel a probationary membership", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Probationary);

      await expect(c.membership.connect(c.signers.attesterA).cancel(memberKey, head(), randomKey(), day))
        .to.emit(c.membership, "StageChanged")
        .withArgs(memberKey, Stage.Cancelled, day);
      expect((await c.membership.member(memberKey)).stage).to.equal(Stage.Cancelled);
    });

    it("should refuse a branch clerk", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Probationary);

      await expect(c.membership.connect(c.signers.branchClerkA).cancel(memberKey, head(), randomKey(), day))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerNotApprover")
        .withArgs(c.ids.branchA, c.ids.committeeA, c.signers.branchClerkA.address);
    });
  });

  describe("setTransferLedger", function () {
    async function deployUnwiredLedger() {
      const c = await deployConsortium();
      const ledger = await ethers.deployContract("MembershipLedger", [await c.registry.getAddress()]);
      return { ...c, ledger };
    }

    it("should let governance wire the transfer ledger", async function () {
      const { ledger, transfers, signers } = await loadFixture(deployUnwiredLedger);

      await expect(ledger.connect(signers.governance).setTransferLedger(await transfers.getAddress()))
        .to.emit(ledger, "TransferLedgerSet")
        .withArgs(await transfers.getAddress());

      expect(await ledger.transferLedger()).to.equal(await transfers.getAddress());
    });

    it("should refuse the zero address", async function () {
      const { ledger, signers } = await loadFixture(deployUnwiredLedger);

      await expect(ledger.connect(signers.governance).setTransferLedger(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        ledger,
        "MembershipLedgerZeroTransferLedger",
      );
    });

    it("should refuse anyone but governance", async function () {
      const { ledger, transfers, signers } = await loadFixture(deployUnwiredLedger);

      await expect(ledger.connect(signers.adminA).setTransferLedger(await transfers.getAddress()))
        .to.be.revertedWithCustomError(ledger, "MembershipLedgerNotGovernance")
        .withArgs(signers.adminA.address);
    });

    it("should refuse rewiring a ledger already wired", async function () {
      const { membership, transfers, signers } = await loadFixture(deployConsortiumAtNoon);

      await expect(membership.connect(signers.governance).setTransferLedger(signers.outsider.address))
        .to.be.revertedWithCustomError(membership, "MembershipLedgerTransferLedgerAlreadySet")
        .withArgs(await transfers.getAddress());
    });
  });

  describe("moveMember", function () {
    /** Issues a membership transfer of `memberKey` from A's committee to `toOrgId` (0 with a hash: exported). */
    async function issueFromA(c: Consortium, memberKey: string, toOrgId: number, destinationHash: string) {
      const transferId = randomKey();
      await c.transfers.connect(c.signers.attesterA).issue({
        transferId,
        memberKey,
        toOrgId,
        destinationHash,
        kind: TransferKind.Membership,
        validUntil: (await time.latest()) + 30 * 86_400,
        letterHash: randomKey(),
      });
      return transferId;
    }

    it("should refuse any caller but the transfer ledger, governance included", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey } = await memberAt(c, Stage.Full);

      await expect(c.membership.connect(c.signers.governance).moveMember(memberKey, c.ids.branchB, randomKey()))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerNotTransferLedger")
        .withArgs(c.signers.governance.address);
    });

    it("should move a member on an accepted transfer and hand writing over to the destination", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Full);
      const transferId = await issueFromA(c, memberKey, c.ids.branchB, ethers.ZeroHash);

      await expect(c.transfers.connect(c.signers.attesterB).accept(transferId, head(), randomKey()))
        .to.emit(c.membership, "MemberMoved")
        .withArgs(memberKey, c.ids.branchA, c.ids.branchB, transferId);
      expect((await c.membership.member(memberKey)).orgId).to.equal(c.ids.branchB);
      await expect(c.membership.connect(c.signers.branchClerkA).append(memberKey, head(), randomKey(), dayOf("2023-01-10")))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerNotAttester")
        .withArgs(c.ids.branchB, c.signers.branchClerkA.address);
      await expect(c.membership.connect(c.signers.attesterB).append(memberKey, head(), randomKey(), dayOf("2023-01-10"))).not.to.be
        .reverted;
    });

    it("should refuse any write for a member who left the consortium through an exported transfer", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { memberKey, head } = await memberAt(c, Stage.Full);
      const transferId = await issueFromA(c, memberKey, 0, randomKey());

      await expect(c.transfers.connect(c.signers.attesterA).recordExportReceipt(transferId, randomKey()))
        .to.emit(c.membership, "MemberMoved")
        .withArgs(memberKey, c.ids.branchA, 0, transferId);
      await expect(c.membership.connect(c.signers.attesterA).append(memberKey, head(), randomKey(), dayOf("2023-01-10")))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerMemberDeparted")
        .withArgs(memberKey);
    });
  });

  describe("multicall", function () {
    it("should run two members' stage transitions in one transaction under the caller's authorization", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const candidate = await memberAt(c, Stage.Candidate);
      const probationer = await memberAt(c, Stage.Probationary);
      const calls = [
        c.membership.interface.encodeFunctionData("admit", [
          candidate.memberKey,
          candidate.head(),
          randomKey(),
          dayOf("2021-09-01"),
          dayOf("2021-09-20"),
        ]),
        c.membership.interface.encodeFunctionData("convert", [probationer.memberKey, probationer.head(), randomKey(), dayOf("2022-09-01")]),
      ];

      await expect(c.membership.connect(c.signers.branchClerkA).multicall(calls))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerNotApprover")
        .withArgs(c.ids.branchA, c.ids.committeeA, c.signers.branchClerkA.address);

      const tx = c.membership.connect(c.signers.attesterA).multicall(calls);
      await expect(tx).to.emit(c.membership, "StageChanged").withArgs(candidate.memberKey, Stage.Probationary, dayOf("2021-09-20"));
      await expect(tx).to.emit(c.membership, "StageChanged").withArgs(probationer.memberKey, Stage.Full, dayOf("2022-09-01"));
    });
  });

  describe("full path", function () {
    it("should take an applicant to full membership with the conversion dated today", async function () {
      const c = await loadFixture(deployConsortiumAtNoon);
      const { membership, signers } = c;
      const today = Number(await membership.today());
      // Work backwards from a conversion today, each interval at its shortest.
      const branchMeeting = shiftMonths(today, -12);
      const approval = shiftMonths(branchMeeting, 1);
      const candidacy = shiftMonths(branchMeeting, -2);
      const activist = shiftMonths(candidacy, -12);
      const application = shiftMonths(activist, -6);
      const { memberKey, head: s1 } = await registerAt(c, signers.branchClerkA, c.ids.branchA, application);
      const clerk = membership.connect(signers.branchClerkA);
      const committee = membership.connect(signers.attesterA);
      const [s3, s7, s17, s24] = [randomKey(), randomKey(), randomKey(), randomKey()];

      await clerk.selectActivist(memberKey, s1, s3, activist);
      await clerk.selectCandidate(memberKey, s3, s7, candidacy);
      await committee.admit(memberKey, s7, s17, branchMeeting, approval);
      await expect(committee.convert(memberKey, s17, s24, today))
        .to.emit(membership, "StageChanged")
        .withArgs(memberKey, Stage.Full, today);

      const m = await membership.member(memberKey);
      expect(m.stage).to.equal(Stage.Full);
      expect(m.probationEndDay).to.equal(shiftMonths(branchMeeting, 12));
      expect(m.lastEffectiveDay).to.equal(today);
      expect(m.recordCount).to.equal(5);
      expect(m.head).to.equal(s24);
    });
  });
});
