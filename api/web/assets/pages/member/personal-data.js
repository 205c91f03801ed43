// A member's personal data for accounts granted it: the data as it is now, its correction (checked by the API against
// GB 11643, refusals under the field they name) and the history of what corrections replaced, with who, when and why.
import { html, useEffect, useRef, useState } from "/portal/vendor/preact-htm.js";
import { api, may } from "../../lib/api.js";
import { formatDateTime, messages } from "../../lib/i18n.js";
import { ErrorMessage, Field, useAsync } from "../../lib/ui.js";
import { useVocabulary } from "../../lib/vocabulary.js";
import { placeRefusal } from "./refusals.js";

const t = messages({
  "zh-CN": {
    title: "个人信息",
    hint: "个人信息加密保存在本校，不会上链。",
    name: "姓名",
    gender: "性别",
    birthDate: "出生日期",
    idNumber: "公民身份号码",
    ethnicity: "民族",
    staffNumber: "学号/工号",
    unit: "所在单位",
    phone: "联系电话",
    M: "男",
    F: "女",
    notGiven: "未填写",
    correct: "更正个人信息",
    reason: "更正原因",
    reasonHint: "原来的个人信息会加密保留在更正历史中。",
    choose: "请选择",
    missing: "请填写“{label}”",
    missingReason: "请选择更正原因",
    submit: "保存更正",
    submitting: "正在保存…",
    cancel: "取消",
    saved: "个人信息已更正。",
    history: "更正历史",
    noHistory: "个人信息没有更正过。",
    change: "{when}，{who}更正（{reason}）：",
    changedField: "{label}由“{before}”改为“{after}”",
    TYPING_MISTAKE: "登记时填写有误",
    DOCUMENT_CHANGED: "证件信息变更",
    MEMBER_REQUEST: "本人申请更正",
    OTHER: "其他原因",
  },
  en: {
    title: "Personal data",
    hint: "Personal data stays encrypted at this university and never goes on chain.",
    name: "Name",
    gender: "Gender",
    birthDate: "Date of birth",
    idNumber: "Resident ID number",
    ethnicity: "Ethnicity",
    staffNumber: "Student or staff number",
    unit: "Unit",
    phone: "Phone",
    M: "Male",
    F: "Female",
    notGiven: "Not given",
    correct: "Correct the personal data",
    reason: "Reason for the correction",
    reasonHint: "The data it replaces stays, encrypted, in the history of corrections.",
    choose: "Choose…",
    missing: "Fill in “{label}”",
    missingReason: "Choose the reason for the correction",
    submit: "Save the correction",
    submitting: "Saving…",
    cancel: "Cancel",
    saved: "The personal data was corrected.",
    history: "Corrections",
    noHistory: "The personal data was never corrected.",
    change: "{when}, {who} corrected it ({reason}):",
    changedField: "{label} from “{before}” to “{after}”",
    TYPING_MISTAKE: "Entered wrongly",
    DOCUMENT_CHANGED: "The identity document changed",
    MEMBER_REQUEST: "At the member's request",
    OTHER: "Other reason",
  },
});

const FIELDS = ["name", "gender", "birthDate", "idNumber", "ethnicity", "staffNumber", "unit", "phone"];
const REQUIRED = ["name", "idNumber", "birthDate"];

function shown(name, value) {
  if (value === undefined || value === "") return t("notGiven");
  return name === "gender" ? t(value) : value;
}

function Facts({ personal }) {
  return html`<dl class="facts">${FIELDS.map((name) => html`<dt>${t(name)}</dt><dd class=${name === "idNumber" ? "mono" : undefined}>${shown(name, personal[name])}</dd>`)}</dl>`;
}

function CorrectionForm({ member, onSaved, onCancel }) {
  const [values, setValues] = useState(() => Object.fromEntries(FIELDS.map((name) => [name, member.personal[name] ?? ""])));
  const [reasonCode, setReasonCode] = useState("");
  const vocabulary = useVocabulary();
  const [errors, setErrors] = useState(/** @type {Record<string, unknown>} */ ({}));
  const [formError, setFormError] = useState(null);
  const [busy, setBusy] = useState(false);
  const form = useRef(null);
  useEffect(() => {
    (form.current?.querySelector('[aria-invalid="true"]') ?? form.current?.querySelector("input"))?.focus();
  }, [errors]);

  const submit = async (event) => {
    event.preventDefault();
    /** @type {Record<string, unknown>} */
    const problems = {};
    for (const name of REQUIRED) if (!values[name].trim()) problems[`personal.${name}`] = t("missing", { label: t(name) });
    if (!reasonCode) problems.reasonCode = t("missingReason");
    setErrors(problems);
    setFormError(null);
    if (Object.keys(problems).length > 0) return;
    const personal = Object.fromEntries(FIELDS.filter((name) => values[name].trim() !== "").map((name) => [name, values[name].trim()]));
    setBusy(true);
    try {
      await api(`/api/members/${encodeURIComponent(member.id)}/personal-data`, { method: "PATCH", body: { personal, reasonCode } });
      onSaved();
    } catch (error) {
      const placed = placeRefusal(error, null, (path) =>
        path === "reasonCode" ? path : FIELDS.includes(path.split(".")[1]) ? `personal.${path.split(".")[1]}` : null,
      );
      setErrors(placed.fieldErrors);
      setFormError(placed.formError);
      setBusy(false);
    }
  };

  const input = (name) => (attributes) =>
    name === "gender"
      ? html`<select ...${attributes} value=${values.gender} onChange=${(event) => setValues({ ...values, gender: event.currentTarget.value })}>
          <option value="">${t("notGiven")}</option><option value="M">${t("M")}</option><option value="F">${t("F")}</option>
        </select>`
      : html`<input ...${attributes} type=${name === "birthDate" ? "date" : "text"} autocomplete="off" value=${values[name]}
          onInput=${(event) => setValues({ ...values, [name]: event.currentTarget.value })} />`;

  return html`
    <form ref=${form} onSubmit=${submit} noValidate>
      <${ErrorMessage} error=${formError ?? vocabulary.error} />
      ${FIELDS.map(
        (name) =>
          html`<${Field} key=${name} id=${`personal-${name}`} label=${t(name)} error=${errors[`personal.${name}`]} required=${REQUIRED.includes(name)}>${input(name)}<//>`,
      )}
      <${Field} id="personal-reason" label=${t("reason")} hint=${t("reasonHint")} error=${errors.reasonCode} required>
        ${(attributes) => html`
          <select ...${attributes} value=${reasonCode} onChange=${(event) => setReasonCode(event.currentTarget.value)}>
            <option value="">${t("choose")}</option>
            ${(vocabulary.data?.personalDataReasons ?? []).map((code) => html`<option value=${code}>${t(code)}</option>`)}
          </select>
        `}
      <//>
      <div class="actions">
        <button type="submit" disabled=${busy}>${busy ? t("submitting") : t("submit")}</button>
        <button type="button" class="secondary" onClick=${onCancel}>${t("cancel")}</button>
      </div>
    </form>
  `;
}

/** Each correction with the fields it changed, from the version it replaced to the one after it. */
function History({ member, round }) {
  const history = useAsync(() => api(`/api/members/${encodeURIComponent(member.id)}/personal-data/history`), [member.id, round]);
  if (history.error) return html`<${ErrorMessage} error=${history.error} onRetry=${history.reload} />`;
  if (!history.data) return null;
  const versions = [...history.data.items.map((item) => item.personal ?? {}), member.personal];
  return html`
    <h3>${t("history")}</h3>
    ${
      history.data.items.length === 0
        ? html`<p class="hint">${t("noHistory")}</p>`
        : html`<ul class="personal-history">
          ${history.data.items.map((item, index) => {
            const [before, after] = [versions[index], versions[index + 1]];
            const changed = FIELDS.filter((name) => before[name] !== after[name]);
            return html`<li>
              ${t("change", { when: formatDateTime(item.replacedAt), who: item.replacedBy.username ?? "", reason: t(item.reasonCode) })}
              ${changed.map((name) => t("changedField", { label: t(name), before: shown(name, before[name]), after: shown(name, after[name]) })).join("；")}
            </li>`;
          })}
        </ul>`
    }
  `;
}

export function PersonalData({ member, onCorrected }) {
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [round, setRound] = useState(0);
  if (!member.personal) return null;
  const mayCorrect = may("correctPersonalData") && member.status === "ACTIVE";
  const onSaved = () => {
    setEditing(false);
    setSaved(true);
    setRound(round + 1);
    onCorrected();
  };
  return html`
    <section class="panel" aria-labelledby="member-personal">
      <h2 id="member-personal">${t("title")}</h2>
      <p class="hint">${t("hint")}</p>
      <div role="status" class=${saved ? "success-message" : undefined}>${saved ? t("saved") : null}</div>
      ${editing ? html`<${CorrectionForm} member=${member} onSaved=${onSaved} onCancel=${() => setEditing(false)} />` : html`<${Facts} personal=${member.personal} />`}
      ${
        mayCorrect && !editing
          ? html`<div class="actions"><button type="button" class="secondary" onClick=${() => {
              setSaved(false);
              setEditing(true);
            }}>${t("correct")}</button></div>`
          : null
      }
      <${History} member=${member} round=${round} />
    </section>
  `;
}
