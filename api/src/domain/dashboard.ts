// One organization subtree at a glance: members in each development stage and how many of them are overdue, those
// who left, transfers in and out by state, and how far anchoring has got.
import { MAX_PAGE_SIZE, type MemberStage, type StageStatusCount, type TransferState } from "../data-access";
import { requireInScope, requireRole } from "./access";
import { anchoringStatus, type AnchoringStatus } from "./anchoring-state";
import type { Actor, Institution } from "./institution";
import { MEMBER_READ_ROLES, memberNextSteps, nextDueOf } from "./members";

/** The five development stages, in the order a member goes through them. */
export const PIPELINE_STAGES = ["APPLICANT", "ACTIVIST", "CANDIDATE", "PROBATIONARY", "FULL"] as const satisfies readonly MemberStage[];
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

export interface Dashboard {
  orgId: number;
  generatedAt: string;
  pipeline: { stage: PipelineStage; members: number; overdue: number }[];
  /** Members no longer in the pipeline: transferred to another institution, or whose probation was cancelled. */
  left: { transferredOut: number; cancelled: number };
  transfers: { outgoing: Record<TransferState, number>; incoming: Record<TransferState, number> };
  anchoring: AnchoringStatus;
}

export async function getDashboard(institution: Institution, actor: Actor, request: { orgId?: number } = {}): Promise<Dashboard> {
  requireRole(actor, MEMBER_READ_ROLES, "reading the dashboard");
  const orgId = request.orgId ?? actor.orgId;
  const { repositories } = institution;
  await requireInScope(repositories, actor, orgId);
  const now = institution.now();
  const [counts, overdue, outgoing, incoming, anchoring] = await Promise.all([
    repositories.members.countByStageAndStatus(orgId),
    overdueByStage(institution, orgId),
    repositories.transfers.countOutgoingByState(orgId, now),
    repositories.transfers.countIncomingByState(orgId, now),
    anchoringStatus(repositories, now),
  ]);
  const total = (where: (group: StageStatusCount) => boolean) => counts.filter(where).reduce((sum, group) => sum + group.count, 0);
  return {
    orgId,
    generatedAt: now.toISOString(),
    pipeline: PIPELINE_STAGES.map((stage) => ({
      stage,
      members: total((group) => group.status === "ACTIVE" && group.stage === stage),
      overdue: overdue.get(stage) ?? 0,
    })),
    left: {
      transferredOut: total((group) => group.status === "TRANSFERRED_OUT"),
      cancelled: total((group) => group.status === "ACTIVE" && group.stage === "CANCELLED"),
    },
    transfers: { outgoing, incoming },
    anchoring,
  };
}

/**
 * Members of the subtree with an overdue next step, by stage. Overdue is the rules engine's answer on each member's
 * history, so this reads every active member's records: a query per member.
 */
async function overdueByStage(institution: Institution, orgId: number): Promise<Map<MemberStage, number>> {
  const overdue = new Map<MemberStage, number>();
  let cursor: string | null = null;
  do {
    const page = await institution.repositories.members.listByOrgSubtree(orgId, { status: "ACTIVE", cursor, limit: MAX_PAGE_SIZE });
    const steps = await Promise.all(page.items.map((member) => memberNextSteps(institution, member)));
    page.items.forEach((member, index) => {
      if (nextDueOf(steps[index])?.overdue) overdue.set(member.stage, (overdue.get(member.stage) ?? 0) + 1);
    });
    cursor = page.nextCursor;
  } while (cursor);
  return overdue;
}
