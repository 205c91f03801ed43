// "Record the next step": the steps due that the caller's role records, and a form generated from the chosen step's
// field definitions. A hard rule's refusal appears under the field it names; soft findings come back with the success.
import { html, useEffect, useRef, useState } from "/portal/vendor/preact-htm.js";
import { api, may } from "../../lib/api.js";
import { messages } from "../../lib/i18n.js";
import { roleName } from "../../lib/roles.js";
import { stepDefinition, stepName } from "../../lib/rules.js";
import { ErrorMessage, Field } from "../../lib/ui.js";
import { EvidencePicker, useEvidenceUploads } from "./evidence-picker.js";
import { placeRefusal, RefusalText } from "./refusals.js";
import { initialFieldValues, readStepFields, StepFields, todayInChina, useFullMembers } from "./step-fields.js";
import { dueText } from "./timeline.js";

const t = messages({
  "zh-CN": {
    step: "步骤",
    overdue: "（已逾期）",
    effectiveDate: "生效日期",
    effectiveDateHint: "该步骤实际发生的日期，不能晚于今天。",
    missingDate: "请填写生效日期",
    submit: "记录",
    submitting: "正在记录…",
    waitForUploads: "请等附件上传完成",
    recorded: "已记录 {step}（记录 #{id}），正在上链。",
    findings: "请注意以下提醒（已随记录保存）：",
    nothingDue: "目前没有可以记录的步骤。",
    othersRecord: "待{role}记录：{steps}。",
    separator: "、",
  },
  en: {
    step: "Step",
    overdue: " (overdue)",
    effectiveDate: "Effective date",
    effectiveDateHint: "The day the step took place; not later than today.",
    missingDate: "Enter the effective date",
    submit: "Record",
    submitting: "Recording…",
    waitForUploads: "Wait for the evidence to finish uploading",
    recorded: "{step} recorded (record #{id}); it is on its way to the chain.",
    findings: "Please note (saved with the record):",
    nothingDue: "No step can be recorded now.",
    othersRecord: "Waiting for the {role}: {steps}.",
    separator: ", ",
  },
});

/** The API's permission to record a step of each recordedBy of the rule set. */
const RECORDING_ACTIONS = { CLERK: "recordClerkSteps", APPROVER: "approve" };

/** Whether the account records the step (a correction of it too): the API's rule, to offer only what it accepts. */
export function mayRecord(definition) {
  const action = RECORDING_ACTIONS[definition?.recordedBy];
  return action !== undefined && may(action);
}

/** The form's own key for a field path of the API: "effectiveDate", "step", "fields.<name>" (also a bare "<name>"). */
function formKeyOf(path, definition) {
  if (path === "effectiveDate" || path === "step") return path;
  const name = (path.startsWith("fields.") ? path.slice("fields.".length) : path).split(".")[0];
  return definition?.fields.some((field) => field.name === name) ? `fields.${name}` : null;
}

function Recorded({ rules, result }) {
  return html`
    <p>${t("recorded", { step: stepName(rules, result.record.step), id: result.record.id })}</p>
    ${
      result.findings.length > 0
        ? html`
          <p>${t("findings")}</p>
          <ul>${result.findings.map((finding) => html`<li><${RefusalText} rules=${rules} refusal=${finding} /></li>`)}</ul>
        `
        : null
    }
  `;
}

/** The steps due that another role records, so the clerk knows whom the file waits for. */
function OthersRecord({ rules, nextSteps }) {
  const byRole = new Map();
  for (const next of nextSteps) {
    const role = stepDefinition(rules, next.step)?.recordedBy;
    byRole.set(role, [...(byRole.get(role) ?? []), stepName(rules, next.step)]);
  }
  return [...byRole].map(
    ([role, steps]) => html`<p class="hint">${t("othersRecord", { steps: steps.join(t("separator")), role: roleName(role) })}</p>`,
  );
}

export function RecordStepForm({ rules, member, onRecorded }) {
  const allowed = member.nextSteps.filter((next) => mayRecord(stepDefinition(rules, next.step)));
  const [chosen, setChosen] = useState(null);
  const selected = allowed.find((next) => next.step === chosen) ?? allowed[0] ?? null;
  const definition = selected ? stepDefinition(rules, selected.step) : null;
  const [draft, setDraft] = useState({ step: null, values: {} });
  const values = draft.step === selected?.step ? draft.values : initialFieldValues(definition);
  const [effectiveDate, setEffectiveDate] = useState(todayInChina);
  const [errors, setErrors] = useState(/** @type {Record<string, unknown>} */ ({}));
  const [formError, setFormError] = useState(null);
  const [result, setResult] = useState(null);
  const [busy, setBusy] = useState(false);
  const form = useRef(null);
  const evidence = useEvidenceUploads();
  const fullMembers = useFullMembers(definition?.fields.some((field) => field.type === "memberRefs") ?? false, member.id);

  // A refused form takes the keyboard to its first refused field.
  useEffect(() => {
    form.current?.querySelector('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const status = html`<div role="status" class=${result ? "success-message" : undefined}>${result ? html`<${Recorded} rules=${rules} result=${result} />` : null}</div>`;
  const othersDue = html`<${OthersRecord} rules=${rules} nextSteps=${member.nextSteps.filter((next) => !allowed.includes(next))} />`;
  if (!selected) return html`${status}${member.nextSteps.length === 0 ? html`<p class="hint">${t("nothingDue")}</p>` : othersDue}`;

  const setField = (name, value) => setDraft({ step: selected.step, values: { ...values, [name]: value } });

  const submit = async (event) => {
    event.preventDefault();
    const { fields, problems } = readStepFields(definition, values, "fields.");
    if (!effectiveDate) problems.effectiveDate = t("missingDate");
    setFormError(null);
    setResult(null);
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      const recorded = await api(`/api/members/${encodeURIComponent(member.id)}/records`, {
        method: "POST",
        body: { step: selected.step, effectiveDate, fields, evidence: evidence.hashes },
      });
      evidence.clear();
      setResult(recorded);
      setDraft({ step: null, values: {} });
      setChosen(null);
      setEffectiveDate(todayInChina());
      onRecorded();
    } catch (error) {
      const placed = placeRefusal(error, rules, (path) => formKeyOf(path, definition));
      setErrors(placed.fieldErrors);
      setFormError(placed.formError);
    } finally {
      setBusy(false);
    }
  };

  return html`
    ${status}
    ${othersDue}
    <form ref=${form} onSubmit=${submit} noValidate>
      <${ErrorMessage} error=${formError} />
      <${Field} id="record-step" label=${t("step")} hint=${dueText(selected)} error=${errors.step} required>
        ${(attributes) => html`
          <select ...${attributes} value=${selected.step} onChange=${(event) => {
            setChosen(event.currentTarget.value);
            setErrors({});
          }}>
            ${allowed.map((next) => html`<option value=${next.step}>${stepName(rules, next.step)}${next.overdue ? t("overdue") : ""}</option>`)}
          </select>
        `}
      <//>
      <${Field} id="record-effectiveDate" label=${t("effectiveDate")} hint=${t("effectiveDateHint")} error=${errors.effectiveDate} required>
        ${(attributes) => html`<input ...${attributes} type="date" value=${effectiveDate} onInput=${(event) => setEffectiveDate(event.currentTarget.value)} />`}
      <//>
      <${StepFields} step=${definition} values=${values} onChange=${setField} errors=${errors} idPrefix="record-field" errorPrefix="fields." fullMembers=${fullMembers} />
      <${EvidencePicker} id="record-evidence" uploads=${evidence} />
      <div class="actions">
        <button type="submit" disabled=${busy || evidence.uploading}>${busy ? t("submitting") : t("submit")}</button>
        ${evidence.uploading ? html`<span class="hint">${t("waitForUploads")}</span>` : null}
      </div>
    </form>
  `;
}
