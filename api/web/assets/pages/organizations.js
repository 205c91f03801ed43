// The organization department's tree: its committee, general branches and branches with their members; adding,
// renaming and closing a branch, which the instance sends to the chain. Each change shows as pending until the chain
// confirms it and the instance has mirrored it; a refusal by the chain is shown in plain words.
import { html, useEffect, useState } from "/portal/vendor/preact-htm.js";
import { api, session } from "../lib/api.js";
import { formatDateTime, messages } from "../lib/i18n.js";
import { Badge, ErrorMessage, Field, Loading, PageHeading, useAsync } from "../lib/ui.js";

const t = messages({
  "zh-CN": {
    title: "组织机构",
    tree: "组织结构",
    members: "{count} 名党员",
    add: "新增党总支或党支部",
    parent: "上级组织",
    kind: "类型",
    GENERAL_BRANCH: "党总支",
    BRANCH: "党支部",
    COMMITTEE: "党委",
    name: "名称",
    submit: "提交上链",
    submitting: "正在提交…",
    missing: "请填写此项",
    requests: "上链申请",
    action: "事项",
    REGISTER: "新增",
    RENAME: "重命名",
    CLOSE: "撤销",
    pending: "等待区块链确认",
    confirmed: "已生效",
    mirroring: "已上链，正在同步",
    refused: "区块链拒绝了这项申请",
    noRequests: "还没有申请。",
    requestedAt: "申请时间",
    state: "状态",
    closed: "已撤销",
    rename: "重命名",
    newName: "新名称",
    close: "撤销",
    closeWarning: "撤销后，{name}不再接收党员、账号、组织关系和下属组织，也不能再改名或恢复；已有的记录保留。",
    confirmClose: "确认撤销",
    cancel: "取消",
  },
  en: {
    title: "Organizations",
    tree: "Structure",
    members: "{count} members",
    add: "Add a general branch or branch",
    parent: "Parent organization",
    kind: "Kind",
    GENERAL_BRANCH: "general branch",
    BRANCH: "branch",
    COMMITTEE: "committee",
    name: "Name",
    submit: "Send to the chain",
    submitting: "Sending…",
    missing: "Fill in this field",
    requests: "Changes sent to the chain",
    action: "Change",
    REGISTER: "add",
    RENAME: "rename",
    CLOSE: "close",
    pending: "waiting for the chain",
    confirmed: "in effect",
    mirroring: "on chain, being mirrored",
    refused: "The chain refused this change",
    noRequests: "No changes yet.",
    requestedAt: "Requested",
    state: "State",
    closed: "closed",
    rename: "Rename",
    newName: "New name",
    close: "Close",
    closeWarning:
      "Once closed, {name} receives no member, account, transfer or organization, and can be neither renamed nor reopened; its records stay.",
    confirmClose: "Close for good",
    cancel: "Cancel",
  },
});

/** A refusal under the field it names, else above the form; the API words it in the reader's language. */
function refusalHandler(fields, setErrors, setFailure) {
  return (error) => {
    if (error.field && fields.includes(error.field)) setErrors({ [error.field]: error.message });
    else setFailure(error);
  };
}

/** Renaming or closing one branch in place, sent to the chain; `mode` is "rename" or "close". */
function ChangeForm({ node, mode, onDone, onCancel }) {
  const [name, setName] = useState(node.name);
  const [errors, setErrors] = useState(/** @type {Record<string, unknown>} */ ({}));
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const refused = refusalHandler(["name"], setErrors, setFailure);
  const submit = async (event) => {
    event.preventDefault();
    setFailure(null);
    if (mode === "rename" && !name.trim()) return setErrors({ name: t("missing") });
    setErrors({});
    setBusy(true);
    try {
      if (mode === "rename") await api(`/api/organizations/${node.id}`, { method: "PATCH", body: { name: name.trim() } });
      else await api(`/api/organizations/${node.id}/close`, { method: "POST" });
      onDone();
    } catch (error) {
      refused(error);
    } finally {
      setBusy(false);
    }
  };
  const id = `${mode}-${node.id}`;
  return html`
    <form class="org-change" onSubmit=${submit} noValidate aria-label=${`${t(mode)} ${node.name}`}>
      <${ErrorMessage} error=${failure} />
      ${
        mode === "rename"
          ? html`<${Field} id=${id} label=${t("newName")} error=${errors.name} required>
            ${(attributes) => html`<input ...${attributes} value=${name} onInput=${(event) => setName(event.currentTarget.value)} />`}
          <//>`
          : html`<p>${t("closeWarning", { name: node.name })}</p>`
      }
      <div class="actions">
        <button type="submit" class=${mode === "close" ? "secondary" : ""} disabled=${busy}>${busy ? t("submitting") : mode === "rename" ? t("submit") : t("confirmClose")}</button>
        <button type="button" class="link-button" onClick=${onCancel}>${t("cancel")}</button>
      </div>
    </form>
  `;
}

/** Whether the signed-in admin may rename or close `node`: an open branch below its own organization. */
function changeable(node, nodes, ownOrgId) {
  if (node.closed || (node.kind !== "GENERAL_BRANCH" && node.kind !== "BRANCH") || node.id === ownOrgId) return false;
  for (
    let parent = nodes.find((other) => other.id === node.parentId);
    parent;
    parent = nodes.find((other) => other.id === parent.parentId)
  ) {
    if (parent.id === ownOrgId) return true;
  }
  return false;
}

function Tree({ nodes, parentId, editing, setEditing, onChanged }) {
  const children = nodes.filter((node) => node.parentId === parentId);
  if (children.length === 0) return null;
  const ownOrgId = session()?.account.orgId;
  return html`
    <ul class="org-tree">
      ${children.map(
        (node) => html`<li data-org=${node.name}>
          <strong>${node.name}</strong> <${Badge}>${t(node.kind)}<//>
          ${node.closed ? html` <${Badge} tone="warn">${t("closed")}<//>` : html` <span class="hint">${t("members", { count: node.members })}</span>`}
          ${
            changeable(node, nodes, ownOrgId) && editing?.id !== node.id
              ? html` <span class="org-actions">
                <button type="button" class="link-button" onClick=${() => setEditing({ id: node.id, mode: "rename" })}>${t("rename")}<span class="visually-hidden"> ${node.name}</span></button>
                <button type="button" class="link-button" onClick=${() => setEditing({ id: node.id, mode: "close" })}>${t("close")}<span class="visually-hidden"> ${node.name}</span></button>
              </span>`
              : null
          }
          ${
            editing?.id === node.id
              ? html`<${ChangeForm} node=${node} mode=${editing.mode} onCancel=${() => setEditing(null)} onDone=${() => {
                  setEditing(null);
                  onChanged();
                }} />`
              : null
          }
          <${Tree} nodes=${nodes} parentId=${node.id} editing=${editing} setEditing=${setEditing} onChanged=${onChanged} />
        </li>`,
      )}
    </ul>
  `;
}

function requestState(request) {
  if (request.state === "FAILED")
    return html`<${Badge} tone="bad">${t("refused")}<//><p class="step-record-error">${request.error?.message}</p>`;
  if (request.applied) return html`<${Badge} tone="ok">${t("confirmed")}<//>`;
  if (request.state === "FINAL") return html`<span class="org-pending">${t("mirroring")}</span>`;
  return html`<span class="org-pending">${t("pending")}</span>`;
}

function AddForm({ nodes, onSent }) {
  const parents = nodes.filter((node) => !node.closed && (node.kind === "COMMITTEE" || node.kind === "GENERAL_BRANCH"));
  const [values, setValues] = useState({ parentId: String(parents[0]?.id ?? ""), kind: "BRANCH", name: "" });
  const [errors, setErrors] = useState(/** @type {Record<string, unknown>} */ ({}));
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const update = (name) => (event) => setValues({ ...values, [name]: event.currentTarget.value });
  const refused = refusalHandler(Object.keys(values), setErrors, setFailure);
  const submit = async (event) => {
    event.preventDefault();
    setFailure(null);
    if (!values.name.trim()) return setErrors({ name: t("missing") });
    setErrors({});
    setBusy(true);
    try {
      await api("/api/organizations", {
        method: "POST",
        body: { parentId: Number(values.parentId), kind: values.kind, name: values.name.trim() },
      });
      setValues({ ...values, name: "" });
      onSent();
    } catch (error) {
      refused(error);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <form class="panel" onSubmit=${submit} noValidate aria-labelledby="add-title">
      <h2 id="add-title">${t("add")}</h2>
      <${ErrorMessage} error=${failure} />
      <${Field} id="parentId" label=${t("parent")} error=${errors.parentId} required>
        ${(attributes) => html`<select ...${attributes} value=${values.parentId} onChange=${update("parentId")}>
          ${parents.map((node) => html`<option value=${String(node.id)}>${node.name}</option>`)}
        </select>`}
      <//>
      <${Field} id="kind" label=${t("kind")} error=${errors.kind} required>
        ${(attributes) => html`<select ...${attributes} value=${values.kind} onChange=${update("kind")}>
          <option value="BRANCH">${t("BRANCH")}</option>
          <option value="GENERAL_BRANCH">${t("GENERAL_BRANCH")}</option>
        </select>`}
      <//>
      <${Field} id="name" label=${t("name")} error=${errors.name} required>
        ${(attributes) => html`<input ...${attributes} value=${values.name} onInput=${update("name")} />`}
      <//>
      <div class="actions"><button type="submit" disabled=${busy}>${busy ? t("submitting") : t("submit")}</button></div>
    </form>
  `;
}

export default function OrganizationsPage() {
  const tree = useAsync(() => api("/api/organizations/tree"), []);
  const requests = useAsync(() => api("/api/organizations/requests"), []);
  const [editing, setEditing] = useState(null);
  const waiting = (requests.data?.items ?? []).some((request) => request.state !== "FAILED" && !request.applied);
  // While a change is on its way, look again every two seconds; the tree follows once it is in effect.
  useEffect(() => {
    if (!waiting) return undefined;
    const timer = setTimeout(requests.reload, 2000);
    return () => clearTimeout(timer);
  }, [waiting, requests.data]);
  // Read after the requests, the tree is never behind them: a change shown in effect is in the tree too.
  useEffect(() => {
    if (requests.data) tree.reload();
  }, [requests.data]);

  return html`
    <${PageHeading} title=${t("title")} />
    <${ErrorMessage} error=${tree.error ?? requests.error} />
    ${
      tree.data
        ? html`<div class="grid">
          <section class="panel" aria-labelledby="tree-title">
            <h2 id="tree-title">${t("tree")}</h2>
            <${Tree}
              nodes=${tree.data.items}
              parentId=${tree.data.items.find((node) => !tree.data.items.some((other) => other.id === node.parentId))?.parentId ?? null}
              editing=${editing}
              setEditing=${setEditing}
              onChanged=${requests.reload}
            />
          </section>
          <${AddForm} nodes=${tree.data.items} onSent=${requests.reload} />
        </div>`
        : html`<${Loading} />`
    }
    <section class="panel" aria-labelledby="requests-title">
      <h2 id="requests-title">${t("requests")}</h2>
      ${
        requests.data
          ? requests.data.items.length === 0
            ? html`<p>${t("noRequests")}</p>`
            : html`<div class="table-scroll"><table>
              <thead><tr><th scope="col">${t("action")}</th><th scope="col">${t("name")}</th><th scope="col">${t("kind")}</th><th scope="col">${t("requestedAt")}</th><th scope="col">${t("state")}</th></tr></thead>
              <tbody>
                ${requests.data.items.map(
                  (request) => html`<tr data-request=${request.name} data-action=${request.action}>
                    <td>${t(request.action)}</td><td>${request.name}</td><td>${t(request.kind)}</td><td>${formatDateTime(request.requestedAt)}</td><td>${requestState(request)}</td>
                  </tr>`,
                )}
              </tbody>
            </table></div>`
          : html`<${Loading} />`
      }
    </section>
  `;
}
