// One organization subtree at a glance: members in each development stage and how many of them are overdue, those
// who left, transfers in and out by state, and how far anchoring has got.
import type { StageStatusCount } from "../data-access";
import { requireInScope, requireRole } from "./access";
import { anchoringStatus, type AnchoringStatus } from "./anchoring-state";
import type { Actor, Institution } from "./institution";
import { refreshStaleNextDue } from "./membership/next-due";
import type { MemberStage, TransferState } from "./vocabulary";

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
  requireRole(actor, "readMembers");
  const orgId = request.orgId ?? actor.orgId;
  const { repositories } = institution;
  await requireInScope(repositories, actor, orgId);
  const now = institution.now();
  const countOverdue = () => repositories.members.countOverdueByStage(orgId, institution.today());
  // Counted meanwhile, and again only if some member's stored next due was stale (derived since a new record).
  const [derived, counts, overdueAsStored, outgoing, incoming, anchoring] = await Promise.all([
    refreshStaleNextDue(institution, orgId),
    repositories.members.countByStageAndStatus(orgId),
    countOverdue(),
    repositories.transfers.countOutgoingByState(orgId, now),
    repositories.transfers.countIncomingByState(orgId, now),
    anchoringStatus(repositories, now),
  ]);
  const overdue = derived > 0 ? await countOverdue() : overdueAsStored;
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
