// The consortium's organizations (GET /api/organizations, public facts mirrored from the chain): names for ids, and
// the tree's relations the pages need.
import { html, useMemo } from "/portal/vendor/preact-htm.js";
import { api } from "./api.js";
import { messages } from "./i18n.js";
import { useAsync } from "./ui.js";

const t = messages({
  "zh-CN": { outside: "联盟外单位", unknown: "组织 {id}" },
  en: { outside: "Outside the consortium", unknown: "organization {id}" },
});

/** { data, error, loading, byId: Map<id, organization> } */
export function useOrganizations() {
  const loaded = useAsync(() => api("/api/organizations", { anonymous: true }), []);
  const byId = useMemo(() => new Map((loaded.data?.items ?? []).map((org) => [org.id, org])), [loaded.data]);
  return { ...loaded, byId };
}

/** The organization's name; null is a destination outside the consortium. */
export function organizationName(byId, orgId) {
  if (orgId === null) return t("outside");
  return byId.get(orgId)?.name ?? t("unknown", { id: orgId });
}

function* ancestry(byId, orgId) {
  for (let org = byId.get(orgId); org; org = org.parentId === null ? null : byId.get(org.parentId)) yield org;
}

/** Whether `orgId` is `rootId` or lies under it. */
export function isInSubtree(byId, rootId, orgId) {
  for (const org of ancestry(byId, orgId)) if (org.id === rootId) return true;
  return false;
}

/** The committee an organization belongs to (itself for a committee). */
export function committeeOf(byId, orgId) {
  for (const org of ancestry(byId, orgId)) if (org.kind === "COMMITTEE") return org;
  return null;
}

/**
 * The open organizations under `rootId` (itself included), each named with its university: forms choose by name, and
 * a closed organization receives nothing new.
 */
export function organizationChoices(byId, rootId) {
  return [...byId.values()]
    .filter((org) => !org.closed && isInSubtree(byId, rootId, org.id))
    .map((org) => {
      const committee = committeeOf(byId, org.id);
      return { id: org.id, label: committee && committee.id !== org.id ? `${org.name}（${committee.name}）` : org.name };
    });
}

/** A select of the organizations under `rootId` by name; `attributes` come from Field. */
export function OrganizationSelect({ attributes, byId, rootId, value, onChange }) {
  return html`
    <select ...${attributes} value=${value} onChange=${onChange}>
      <option value="">—</option>
      ${organizationChoices(byId, rootId).map((choice) => html`<option value=${String(choice.id)}>${choice.label}</option>`)}
    </select>
  `;
}
