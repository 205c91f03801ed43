// Recording a development step: rules first (a hard rule refuses, a soft rule leaves a finding), then one
// transaction appends the hashed, encrypted record to the member's chain with its findings and an audit entry.
import { z } from "zod";
import {
  ActivePersonExistsError,
  DuplicateError,
  RecordSequenceConflictError,
  type Member,
  type Repositories,
  type StoredRecord,
} from "../../data-access";
import { canonicalize } from "../../lib/canonical-json";
import { isIsoDate } from "../../lib/calendar";
import { newSalt, recordHash, type RecordBody } from "../../lib/record-hash";
import { signWriteReceipt, type WriteReceipt } from "../../lib/write-receipt";
import { approvesFor, requireApprover, requireInScope, requireRole } from "../access";
import { anchoringView, anchoringViews, type AnchoringView } from "../anchoring-state";
import { recordChainCall, recordOutboxItem } from "../chain-writes";
import { Conflict, NotFound, RuleViolation, ValidationError } from "../errors";
import { heldEvidenceMeta } from "./evidence";
import { loadHistory, openRecordBody, sealRecordBody, supersededIds } from "./history";
import type { Actor, Institution } from "../institution";
import { newMemberKey, openPersonalData, personalDataSchema, readableMember, sealPersonalData } from "./members";
import { closedOrganization } from "../organizations";
import { evaluateStep, replayHistory, type Evaluation, type HistoryRecord, type StepDefinition } from "../rules";
import { ROLES, type MemberStage } from "../vocabulary";
import { RULES } from "../refusals";

const isoDate = z.string().refine(isIsoDate, "must be a calendar date YYYY-MM-DD");
const sha256Hex = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x followed by 64 lowercase hex digits");

/** How many evidence files one record may name. */
export const MAX_EVIDENCE_PER_RECORD = 20;

const stepWriteShape = {
  effectiveDate: isoDate,
  // The step's field definitions (rules/<version>) check each value; the record body schema checks it is JSON.
  fields: z.record(z.string(), z.unknown()).default({}),
  /** SHA-256 of evidence files uploaded beforehand (POST /api/evidence). */
  evidence: z.array(sha256Hex).max(MAX_EVIDENCE_PER_RECORD).default([]),
};

/**
 * Why a record is corrected: the one list of reasons a correction may give. The portal names each in its language
 * (api/web/assets/pages/member/correct-form.js); the code goes into the record body and the chain.
 */
export const CORRECTION_REASON_CODES = [
  "CORRECTION_DATE",
  "CORRECTION_TYPO",
  "CORRECTION_CONTENT",
  "CORRECTION_EVIDENCE",
  "CORRECTION_OTHER",
] as const;

export const recordStepSchema = z.strictObject({
  step: z.string().regex(/^S[1-9][0-9]*$/, "must be a step code such as S3"),
  ...stepWriteShape,
  /** A correction: the record it replaces and why. */
  supersedes: z
    .strictObject({
      recordId: z.number().int().positive(),
      reasonCode: z.enum(CORRECTION_REASON_CODES),
    })
    .optional(),
});
export type RecordStepRequest = z.infer<typeof recordStepSchema>;

export const enrollSchema = z.strictObject({
  orgId: z.number().int().positive(),
  personal: personalDataSchema,
  application: z.strictObject(stepWriteShape),
});
export type EnrollRequest = z.infer<typeof enrollSchema>;

export interface RecordView {
  id: number;
  sequence: number;
  step: string;
  ruleVersion: string;
  effectiveDate: string;
  recordHash: string;
  prevHash: string | null;
  supersedesRecordId: number | null;
  reasonCode: string | null;
  superseded: boolean;
  createdAt: string;
  anchoring: AnchoringView;
  /** The full record body (it may hold personal data): only for callers granted personal data. */
  body?: RecordBody;
  /** The signed promise to anchor this record given when it was accepted (docs/formats.md); null if none was issued. */
  receipt: WriteReceipt | null;
}

export interface RecordedStep {
  memberId: string;
  stage: MemberStage;
  record: RecordView;
  findings: { rule: string; message: string }[];
}

const STAGE_OF_STATUS: Record<string, MemberStage> = {
  APPLICANT: "APPLICANT",
  ACTIVIST: "ACTIVIST",
  CANDIDATE: "CANDIDATE",
  PROBATIONARY: "PROBATIONARY",
  FULL: "FULL",
  CANCELLED: "CANCELLED",
};

/** Enters a new member with the application (S1) in one transaction. */
export async function enrollMember(institution: Institution, actor: Actor, request: EnrollRequest): Promise<RecordedStep> {
  const { repositories } = institution;
  requireRole(actor, "enterMembers");
  const org = await repositories.organizations.get(request.orgId);
  if (!org || org.kind === "CONSORTIUM") {
    throw new ValidationError({ field: "orgId", message: `organization ${request.orgId} cannot hold members` });
  }
  await requireInScope(repositories, actor, request.orgId);
  if (org.closed) throw closedOrganization(org, "orgId");
  const memberKey = newMemberKey();
  const sealed = sealPersonalData(institution, memberKey, request.orgId, request.personal);
  // A friendly early refusal only: the unique index on active members decides between concurrent enrollments.
  const duplicates = await repositories.members.findByIdNumberIndex(sealed.idNumberIndex);
  if (duplicates.some((member) => member.status === "ACTIVE")) throw personOnFile();
  const step = stepOrRefuse(institution, "S1");
  const evaluation = evaluateOrRefuse(institution, step, request.application, [], request.personal.birthDate, {});
  const evidence = await evidenceOf(repositories, actor, request.application.evidence);

  try {
    return await institution.transaction(async (tx) => {
      const member = await tx.members.create({ memberKey, orgId: request.orgId, stage: "APPLICANT", ...sealed });
      const body = bodyOf(institution, member, step.code, 1, null, request.application, evidence, null);
      return appendRecord(institution, tx, actor, member, body, evaluation, null, "APPLICANT");
    });
  } catch (error) {
    throw error instanceof ActivePersonExistsError ? personOnFile() : error;
  }
}

function personOnFile(): Conflict {
  return new Conflict("a member with this ID number is already on file", { rule: RULES.memberUniqueIdNumber, field: "personal.idNumber" });
}

/** Records a step for an existing member. */
export async function recordStep(
  institution: Institution,
  actor: Actor,
  memberId: string,
  request: RecordStepRequest,
): Promise<RecordedStep> {
  const { repositories } = institution;
  const member = await readableMember(institution, actor, memberId);
  if (member.status !== "ACTIVE") {
    throw new Conflict(`member ${memberId} was transferred out and is read-only`, { rule: RULES.memberTransferredOut });
  }
  const step = stepOrRefuse(institution, request.step);
  if (step.recordedBy === ROLES.approver) await requireApprover(repositories, actor, member.orgId);
  else requireRole(actor, "recordClerkSteps");

  const records = await repositories.records.listByMember(member.id);
  const corrected = request.supersedes && correctedRecord(records, request.supersedes.recordId);
  const history = await loadHistory(institution, member, corrected?.id);
  const fields = await enrichFields(repositories, actor, step, request.fields);
  const { birthDate } = openPersonalData(institution, member);
  const facts = { approvingOrgMayApprove: await approvesFor(repositories, actor, member.orgId) };
  const evaluation = evaluateOrRefuse(institution, step, { ...request, fields }, history, birthDate, facts);
  const evidence = await evidenceOf(repositories, actor, request.evidence);
  const head = records.at(-1) ?? null;
  const stage = corrected
    ? member.stage
    : STAGE_OF_STATUS[
        replayHistory(institution.ruleSet, [...history, { step: step.code, effectiveDate: request.effectiveDate, fields }]).status
      ];
  const supersedes = corrected ? { recordHash: corrected.recordHash, reasonCode: request.supersedes!.reasonCode } : null;
  const body = bodyOf(
    institution,
    member,
    step.code,
    (head?.sequence ?? 0) + 1,
    head?.recordHash ?? null,
    { ...request, fields },
    evidence,
    supersedes,
  );

  return institution.transaction((tx) =>
    appendRecord(institution, tx, actor, member, body, evaluation, corrected ?? null, stage ?? member.stage),
  );
}

/** The member's chain as stored, bodies only for callers granted personal data. */
export async function listRecords(institution: Institution, actor: Actor, memberId: string): Promise<RecordView[]> {
  const member = await readableMember(institution, actor, memberId);
  const records = await institution.repositories.records.listByMember(member.id);
  const superseded = supersededIds(records);
  const ids = records.map((record) => record.id);
  const anchoring = await anchoringViews(institution.repositories, ids);
  const receipts = await institution.repositories.writeReceipts.getMany(ids);
  return records.map((record) =>
    recordView(institution, actor, record, superseded.has(record.id), anchoring.get(record.id)!, receipts.get(record.id)),
  );
}

function recordView(
  institution: Institution,
  actor: Actor,
  record: StoredRecord,
  superseded: boolean,
  anchoring: AnchoringView,
  receipt: unknown,
): RecordView {
  return {
    id: record.id,
    sequence: record.sequence,
    step: record.step,
    ruleVersion: record.ruleVersion,
    effectiveDate: record.effectiveDate,
    recordHash: record.recordHash,
    prevHash: record.prevHash,
    supersedesRecordId: record.supersedesRecordId,
    reasonCode: record.reasonCode,
    superseded,
    createdAt: record.createdAt.toISOString(),
    anchoring,
    ...(actor.canReadPersonalData && { body: openRecordBody(institution, record) }),
    receipt: (receipt as WriteReceipt | undefined) ?? null,
  };
}

function stepOrRefuse(institution: Institution, code: string): StepDefinition {
  const step = institution.ruleSet.step(code);
  if (!step) {
    throw new RuleViolation({
      rule: RULES.generalKnownStep,
      field: "step",
      message: `general.knownStep: 规则 ${institution.ruleSet.version} 中没有步骤 ${code}`,
    });
  }
  return step;
}

function evaluateOrRefuse(
  institution: Institution,
  step: StepDefinition,
  write: { effectiveDate: string; fields: Record<string, unknown> },
  history: HistoryRecord[],
  birthDate: string,
  facts: Parameters<typeof evaluateStep>[1]["facts"],
) {
  const evaluation = evaluateStep(institution.ruleSet, {
    step: step.code,
    effectiveDate: write.effectiveDate,
    fields: write.fields,
    history,
    member: { birthDate },
    facts,
    today: institution.today(),
  });
  const [violation] = evaluation.violations;
  if (violation) {
    throw new RuleViolation({
      rule: violation.rule,
      field: step.fields.some((field) => field.name === violation.field) ? `fields.${violation.field}` : violation.field,
      message: violation.message,
    });
  }
  return evaluation;
}

function correctedRecord(records: StoredRecord[], recordId: number): StoredRecord {
  const record = records.find((candidate) => candidate.id === recordId);
  if (!record) {
    throw new ValidationError({ field: "supersedes.recordId", message: `record ${recordId} is not in this member's chain` });
  }
  if (supersededIds(records).has(recordId)) {
    throw new Conflict(`record ${recordId} was already superseded`, { rule: RULES.recordSupersedeOnce, field: "supersedes.recordId" });
  }
  return record;
}

/**
 * Fills the facts a clerk cannot be trusted to type: an approval names the caller's own committee, and a member
 * reference (contact, sponsor) held in this institution's files is a full member only if its file says so. A
 * reference to a Party member this instance does not hold (most sponsors predate the system) keeps the clerk's
 * declaration, which the record then carries as the clerk's attestation.
 */
async function enrichFields(
  repositories: Repositories,
  actor: Actor,
  step: StepDefinition,
  fields: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const enriched = { ...fields };
  for (const field of step.fields) {
    if (field.type === "orgRef" && field.name === "approvingOrgId") {
      if (enriched.approvingOrgId !== undefined && enriched.approvingOrgId !== actor.orgId) {
        throw new ValidationError({ field: "fields.approvingOrgId", message: "an approval names your own committee" });
      }
      enriched.approvingOrgId = actor.orgId;
    }
    if (field.type === "memberRefs" && Array.isArray(enriched[field.name])) {
      enriched[field.name] = await Promise.all(
        (enriched[field.name] as { memberKey?: unknown; isFullMember?: unknown; underDiscipline?: unknown }[]).map(async (ref) => {
          const memberKey = typeof ref?.memberKey === "string" ? ref.memberKey : "";
          const referenced = memberKey ? await repositories.members.getByKey(memberKey) : null;
          return {
            memberKey,
            isFullMember: referenced ? referenced.stage === "FULL" && referenced.status === "ACTIVE" : ref?.isFullMember === true,
            underDiscipline: ref?.underDiscipline === true,
          };
        }),
      );
    }
  }
  return enriched;
}

async function evidenceOf(repositories: Repositories, actor: Actor, hashes: string[]) {
  return Promise.all(
    hashes.map(async (sha256, index) => {
      const meta = await heldEvidenceMeta(repositories, actor, sha256);
      if (!meta) throw new ValidationError({ field: `evidence.${index}`, message: `no evidence file with SHA-256 ${sha256}` });
      return { sha256: meta.sha256, contentType: meta.contentType, size: meta.size };
    }),
  );
}

function bodyOf(
  institution: Institution,
  member: Member,
  step: string,
  sequence: number,
  prevHash: string | null,
  write: { effectiveDate: string; fields: Record<string, unknown> },
  evidence: RecordBody["evidence"],
  supersedes: RecordBody["supersedes"],
): RecordBody {
  return {
    version: 1,
    ruleVersion: institution.ruleSet.version,
    memberKey: member.memberKey,
    orgId: member.orgId,
    step,
    sequence,
    prevHash,
    effectiveDate: write.effectiveDate,
    fields: write.fields as RecordBody["fields"],
    evidence,
    supersedes,
    salt: newSalt(),
  };
}

async function appendRecord(
  institution: Institution,
  tx: Repositories,
  actor: Actor,
  member: Member,
  body: RecordBody,
  evaluation: Evaluation,
  corrected: StoredRecord | null,
  stage: MemberStage,
): Promise<RecordedStep> {
  const { findings } = evaluation;
  const hash = recordHash(body);
  let stored: StoredRecord;
  try {
    stored = await tx.records.append({
      memberId: member.id,
      sequence: body.sequence,
      step: body.step,
      ruleVersion: body.ruleVersion,
      recordHash: hash,
      prevHash: body.prevHash,
      effectiveDate: body.effectiveDate,
      body: sealRecordBody(institution, hash, canonicalize(body)),
      supersedesRecordId: corrected?.id ?? null,
      reasonCode: body.supersedes?.reasonCode ?? null,
      createdBy: actor.accountId,
    });
  } catch (error) {
    if (error instanceof RecordSequenceConflictError || error instanceof DuplicateError) {
      throw new Conflict("the member's record chain moved while this step was being recorded; reload and retry", {
        rule: RULES.recordChainMoved,
      });
    }
    throw error;
  }
  const call = recordChainCall(body, hash, corrected ? { correctionDay: institution.today() } : evaluation);
  await tx.outbox.enqueue(recordOutboxItem(stored.id, body, call));
  await tx.findings.add(stored.id, findings);
  const receipt = await issueWriteReceipt(institution, stored, body);
  if (receipt) await tx.writeReceipts.add(stored.id, receipt);
  for (const { sha256 } of body.evidence) await tx.evidence.hold(sha256, member.orgId);
  if (stage !== member.stage) await tx.members.update(member.id, { stage });
  await tx.auditLog.append({
    accountId: actor.accountId,
    orgId: actor.orgId,
    action: corrected ? "record.correct" : "record.create",
    targetType: "record",
    targetId: String(stored.id),
    details: { memberKey: member.memberKey, step: body.step, recordHash: hash, findings: findings.map((f) => f.rule) },
  });
  return {
    memberId: member.id,
    stage,
    record: recordView(institution, actor, stored, false, anchoringView(stored.id, undefined, 0), receipt),
    findings,
  };
}

export async function getRecord(institution: Institution, actor: Actor, recordId: number): Promise<RecordView> {
  const record = await institution.repositories.records.get(recordId);
  if (!record) throw new NotFound(`record ${recordId} not found`);
  const member = await readableMember(institution, actor, record.memberId);
  const records = await institution.repositories.records.listByMember(member.id);
  const anchoring = await anchoringViews(institution.repositories, [record.id]);
  const receipts = await institution.repositories.writeReceipts.getMany([record.id]);
  return recordView(institution, actor, record, supersededIds(records).has(record.id), anchoring.get(record.id)!, receipts.get(record.id));
}

/** The promise, signed with the instance's chain key, to anchor exactly this record at its place by the deadline. */
async function issueWriteReceipt(institution: Institution, stored: StoredRecord, body: RecordBody): Promise<WriteReceipt | null> {
  const sources = institution.writeReceipts;
  if (!sources) return null;
  const acceptedAt = Math.floor(stored.createdAt.getTime() / 1000);
  return signWriteReceipt(sources.signer, sources.chain, {
    recordHash: stored.recordHash,
    memberKey: body.memberKey,
    orgId: body.orgId,
    sequence: body.sequence,
    logIndex: stored.id - 1,
    acceptedAt,
    anchorBy: acceptedAt + sources.anchorWithinSeconds,
  });
}
