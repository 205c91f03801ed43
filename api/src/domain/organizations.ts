// A committee's organization department shapes its own tree: an ORG_ADMIN adds, renames and closes general branches
// and branches under its committee. The registry on chain is where organizations exist, so the instance sends each
// change through the anchoring outbox (its key holds OrgAdmin on the committee) and the event indexer mirrors it once
// the chain confirms it; until then the request is shown pending, and a refusal with the chain's reason.
import type { Organization, OutboxError, OutboxItem, OutboxState, Repositories } from "../data-access";
import { CHAIN_ORG_KINDS } from "../chain/organizations";
import { Conflict, Forbidden, NotFound, RuleViolation } from "./errors";
import type { Actor, Institution } from "./institution";
import { RULES } from "./refusals";

export type BranchKind = "GENERAL_BRANCH" | "BRANCH";

/** What an organization request asks of the registry. */
export type OrganizationAction = "REGISTER" | "RENAME" | "CLOSE";

const METHOD_OF: Record<OrganizationAction, string> = {
  REGISTER: "registerOrganization",
  RENAME: "renameOrganization",
  CLOSE: "closeOrganization",
};

/** What may hold what, as OrgRegistry enforces it. */
const PARENT_KINDS: Record<BranchKind, Organization["kind"][]> = {
  GENERAL_BRANCH: ["COMMITTEE"],
  BRANCH: ["COMMITTEE", "GENERAL_BRANCH"],
};

export interface OrganizationRequest {
  id: number;
  action: OrganizationAction;
  /** REGISTER: the new organization once the indexer has mirrored it; RENAME and CLOSE: the organization concerned. */
  orgId: number | null;
  parentId: number;
  kind: BranchKind;
  /** REGISTER and RENAME: the name asked for; CLOSE: the organization's name. */
  name: string;
  /** PENDING/SENT/MINED: on its way; FINAL: on chain; FAILED: refused, see `error`. */
  state: OutboxState;
  error: OutboxError | null;
  /** On chain and its event applied here by the indexer: the change is in effect. */
  applied: boolean;
  requestedAt: Date;
}

const subjectOf = (committeeId: number) => `registry:${committeeId}`;

/** The refusal of anything new in a closed organization (enrolling, an account, a transfer in, a child). */
export function closedOrganization(org: Organization, field: string): RuleViolation {
  return new RuleViolation({ rule: RULES.organizationsClosed, field, message: `${org.name} (organization ${org.id}) is closed` });
}

async function committeeOfActor(institution: Institution, actor: Actor): Promise<number> {
  const committeeId = await institution.repositories.organizations.committeeOf(actor.orgId);
  if (committeeId === null)
    throw new Forbidden({
      rule: RULES.organizationsCommitteeAdminOnly,
      message: "Only an ORG_ADMIN within a committee manages its branches",
    });
  return committeeId;
}

async function requireInSubtree(institution: Institution, actor: Actor, orgId: number): Promise<void> {
  if (!(await institution.repositories.organizations.isInSubtree(actor.orgId, orgId))) {
    throw new Forbidden({
      rule: RULES.scopeOrgSubtree,
      message: `Organization ${orgId} is outside the subtree of your organization ${actor.orgId}`,
    });
  }
}

function requireUniqueName(organizations: Organization[], parent: Organization, name: string, except?: number): void {
  if (organizations.some((org) => org.parentId === parent.id && org.id !== except && org.name === name)) {
    throw new RuleViolation({
      rule: RULES.organizationsNameTaken,
      field: "name",
      message: `${parent.name} already has an organization named ${name}`,
    });
  }
}

/** Sends one registry call through the outbox and records who asked; answers with the pending request. */
async function sendToRegistry(
  institution: Institution,
  actor: Actor,
  committeeId: number,
  action: OrganizationAction,
  args: unknown[],
  targetId: number,
  details: Record<string, unknown>,
) {
  const id = await institution.transaction(async (repositories) => {
    const outboxId = await repositories.outbox.enqueue({
      kind: "ORGANIZATION",
      subject: subjectOf(committeeId),
      call: { contract: "registry", method: METHOD_OF[action], args },
    });
    await repositories.auditLog.append({
      accountId: actor.accountId,
      orgId: actor.orgId,
      action: { REGISTER: "org.registrationRequested", RENAME: "org.renameRequested", CLOSE: "org.closeRequested" }[action],
      targetType: "organization",
      targetId: String(targetId),
      details: { outboxId, ...details },
    });
    return outboxId;
  });
  return (await listOrganizationRequests(institution, actor)).find((request) => request.id === id)!;
}

/** Asks the chain to register a general branch or a branch under `parentId`; answers with the pending request. */
export async function requestBranch(
  institution: Institution,
  actor: Actor,
  input: { parentId: number; kind: BranchKind; name: string },
): Promise<OrganizationRequest> {
  const committeeId = await committeeOfActor(institution, actor);
  const parent = await institution.repositories.organizations.get(input.parentId);
  if (!parent)
    throw new RuleViolation({
      rule: RULES.organizationsUnknownParent,
      field: "parentId",
      message: `There is no organization ${input.parentId}`,
    });
  await requireInSubtree(institution, actor, parent.id);
  if (parent.closed) throw closedOrganization(parent, "parentId");
  if (!PARENT_KINDS[input.kind].includes(parent.kind)) {
    throw new RuleViolation({
      rule: RULES.organizationsInvalidParent,
      field: "parentId",
      message: `A ${input.kind} cannot be placed under a ${parent.kind}`,
    });
  }
  requireUniqueName(await institution.repositories.organizations.list(), parent, input.name);
  return sendToRegistry(
    institution,
    actor,
    committeeId,
    "REGISTER",
    [parent.id, CHAIN_ORG_KINDS[input.kind], input.name],
    parent.id,
    input,
  );
}

/**
 * The general branch or branch `orgId` as one the actor may rename or close: below the actor's own organization (the
 * registry lets only an admin above an organization change it), open, and with no change of it still on its way.
 */
async function changeableBranch(
  institution: Institution,
  actor: Actor,
  orgId: number,
): Promise<{ committeeId: number; org: Organization }> {
  const committeeId = await committeeOfActor(institution, actor);
  const org = await institution.repositories.organizations.get(orgId);
  if (!org) throw new NotFound(`There is no organization ${orgId}`);
  await requireInSubtree(institution, actor, org.id);
  if (org.kind !== "GENERAL_BRANCH" && org.kind !== "BRANCH") {
    throw new RuleViolation({
      rule: RULES.organizationsBranchOnly,
      field: "orgId",
      message: `${org.name} is a ${org.kind}: only general branches and branches are renamed or closed here`,
    });
  }
  if (org.id === actor.orgId) {
    throw new Forbidden({
      rule: RULES.organizationsFromAbove,
      message: `${org.name} is your own organization: an administrator above it renames or closes it`,
    });
  }
  if (org.closed) throw new Conflict(`${org.name} is closed`, { rule: RULES.organizationsClosed });
  const pending = (await listOrganizationRequests(institution, actor)).find(
    (request) =>
      request.state !== "FAILED" &&
      !request.applied &&
      (request.action === "REGISTER" ? request.parentId === org.id : request.orgId === org.id),
  );
  if (pending)
    throw new Conflict(`request ${pending.id} (${pending.action}) concerning ${org.name} is still on its way to the chain`, {
      rule: RULES.organizationsRequestPending,
    });
  return { committeeId, org };
}

/** Asks the chain to give a general branch or branch a new name. */
export async function requestRename(institution: Institution, actor: Actor, orgId: number, name: string): Promise<OrganizationRequest> {
  const { committeeId, org } = await changeableBranch(institution, actor, orgId);
  if (name === org.name)
    throw new RuleViolation({ rule: RULES.organizationsNameUnchanged, field: "name", message: `${org.name} already has that name` });
  const organizations = await institution.repositories.organizations.list();
  requireUniqueName(
    organizations,
    organizations.find((parent) => parent.id === org.parentId)!,
    name,
    org.id,
  );
  return sendToRegistry(institution, actor, committeeId, "RENAME", [org.id, name], org.id, { from: org.name, to: name });
}

/**
 * Asks the chain to close a general branch or branch. Closing never moves anyone, so it waits until nothing lives there
 * any more: no active member, no open transfer into it, no enabled account, no open organization below it.
 */
export async function requestClose(institution: Institution, actor: Actor, orgId: number): Promise<OrganizationRequest> {
  const { committeeId, org } = await changeableBranch(institution, actor, orgId);
  await requireEmpty(institution.repositories, org, institution.now());
  return sendToRegistry(institution, actor, committeeId, "CLOSE", [org.id], org.id, { name: org.name });
}

async function requireEmpty(repositories: Repositories, org: Organization, now: Date): Promise<void> {
  const [members, incoming, accounts, organizations] = await Promise.all([
    repositories.members.countActiveByOrganization(org.id),
    repositories.transfers.countIncomingByState(org.id, now),
    repositories.accounts.listInSubtree(org.id),
    repositories.organizations.list(),
  ]);
  const openChildren = organizations.filter((child) => child.parentId === org.id && !child.closed).length;
  if (openChildren > 0)
    throw new Conflict(`${org.name} still has ${openChildren} open organizations under it: close them first`, {
      rule: RULES.organizationsOpenChildren,
    });
  const activeMembers = [...members.values()].reduce((sum, count) => sum + count, 0);
  if (activeMembers > 0)
    throw new Conflict(`${org.name} still has ${activeMembers} active members: transfer them first`, {
      rule: RULES.organizationsHasMembers,
    });
  const openTransfers = incoming.ISSUED + incoming.ACCEPTING;
  if (openTransfers > 0)
    throw new Conflict(`${openTransfers} transfers into ${org.name} are still open`, { rule: RULES.organizationsOpenTransfers });
  const enabledAccounts = accounts.filter((account) => !account.disabled).length;
  if (enabledAccounts > 0)
    throw new Conflict(`${org.name} still has ${enabledAccounts} enabled accounts: move or disable them first`, {
      rule: RULES.organizationsHasAccounts,
    });
}

/** The committee's organization requests, newest first, each with where it stands. */
export async function listOrganizationRequests(institution: Institution, actor: Actor): Promise<OrganizationRequest[]> {
  const committeeId = await committeeOfActor(institution, actor);
  const { outbox, organizations, chainIndex } = institution.repositories;
  const items = await outbox.listBySubject(subjectOf(committeeId));
  const [byId, mirrored] = await Promise.all([
    organizations.list().then((list) => new Map(list.map((org) => [org.id, org]))),
    chainIndex.mirroredRegistryChanges(items.map((item) => item.id)),
  ]);
  return items.map((item) => requestOf(item, byId, mirrored.get(item.id) ?? null)).reverse();
}

/** `mirroredOrgId`: the organization the item's chain event named, once the indexer has applied it here. */
function requestOf(item: OutboxItem, byId: Map<number, Organization>, mirroredOrgId: number | null): OrganizationRequest {
  const common = { id: item.id, state: item.state, error: item.error, requestedAt: item.createdAt, applied: mirroredOrgId !== null };
  if (item.call.method === METHOD_OF.REGISTER) {
    const [parentId, kindNumber, name] = item.call.args as [number, number, string];
    const kind = kindNumber === CHAIN_ORG_KINDS.GENERAL_BRANCH ? "GENERAL_BRANCH" : "BRANCH";
    return { ...common, action: "REGISTER", orgId: mirroredOrgId, parentId, kind, name };
  }
  const [orgId, newName] = item.call.args as [number, string?];
  const org = byId.get(orgId)!;
  const place = { orgId, parentId: org.parentId!, kind: org.kind as BranchKind };
  if (item.call.method === METHOD_OF.RENAME) return { ...common, ...place, action: "RENAME", name: newName! };
  return { ...common, ...place, action: "CLOSE", name: org.name };
}

export interface OrganizationNode extends Organization {
  /** Active members recorded here (not below). */
  members: number;
}

/** The actor's committee's tree with the number of members of each organization. */
export async function organizationTree(institution: Institution, actor: Actor): Promise<OrganizationNode[]> {
  const rootId = (await institution.repositories.organizations.committeeOf(actor.orgId)) ?? actor.orgId;
  const [ids, organizations, counts] = await Promise.all([
    institution.repositories.organizations.listSubtreeIds(rootId),
    institution.repositories.organizations.list(),
    institution.repositories.members.countActiveByOrganization(rootId),
  ]);
  const inTree = new Set(ids);
  return organizations.filter((org) => inTree.has(org.id)).map((org) => ({ ...org, members: counts.get(org.id) ?? 0 }));
}
