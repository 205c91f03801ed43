// Correcting a record: a record is never edited. The form opens filled with the record's date and fields, the clerk
// changes what was wrong and names why, and the API appends a record of the same step that supersedes the old one.
import { html, useEffect, useRef, useState } from "/portal/vendor/preact-htm.js";
import { api } from "../../lib/api.js";
import { localized, messages } from "../../lib/i18n.js";
import { stepDefinition, stepName } from "../../lib/rules.js";
import { ErrorMessage, Field } from "../../lib/ui.js";
import { useVocabulary } from "../../lib/vocabulary.js";
import { placeRefusal } from "./refusals.js";
import { initialFieldValues, readStepFields, StepFields, useFullMembers } from "./step-fields.js";

/** The names of the reasons the API takes (GET /api/vocabulary correctionReasons, which also gives their order). */
const CORRECTION_REASON_NAMES = {
  CORRECTION_DATE: { zh: "日期填写有误", en: "Wrong date" },
  CORRECTION_TYPO: { zh: "文字笔误", en: "Typing mistake" },
  CORRECTION_CONTENT: { zh: "内容有误或遗漏", en: "Wrong or missing content" },
  CORRECTION_EVIDENCE: { zh: "证明材料有误", en: "Wrong evidence" },
  CORRECTION_OTHER: { zh: "其他原因", en: "Other reason" },
};

const t = messages({
  "zh-CN": {
    step: "步骤",
    reason: "更正原因",
    reasonHint: "更正不会改动原记录：原记录保留并标为“已被更正”，新记录注明更正原因。",
    chooseReason: "请选择",
    missingReason: "请选择更正原因",
    effectiveDate: "生效日期",
    missingDate: "请填写生效日期",
    submit: "提交更正",
    submitting: "正在提交…",
    cancel: "取消更正",
  },
  en: {
    step: "Step",
    reason: "Reason for the correction",
    reasonHint: "A correction changes nothing in the record: it stays, marked superseded, and the new record names the reason.",
    chooseReason: "Choose…",
    missingReason: "Choose the reason for the correction",
    effectiveDate: "Effective date",
    missingDate: "Enter the effective date",
    submit: "Submit the correction",
    submitting: "Submitting…",
    cancel: "Cancel the correction",
  },
});

/** The reason code in the reader's language. */
export function correctionReasonName(code) {
  const reason = CORRECTION_REASON_NAMES[code];
  return reason ? localized(reason) : code;
}

/** The form state of the record's fields as it was recorded (member references as their keys, to change by hand). */
function recordedFieldValues(definition, fields) {
  const values = initialFieldValues(definition);
  for (const field of definition?.fields ?? []) {
    const value = fields?.[field.name];
    if (value === undefined || value === null) continue;
    if (field.type === "memberRefs") values[field.name] = { chosen: [], others: value.map((ref) => ref.memberKey).join(", ") };
    else values[field.name] = String(value);
  }
  return values;
}

/** The form's own key for a field path of the API. */
function formKeyOf(path, definition) {
  if (path === "effectiveDate") return path;
  if (path === "supersedes.reasonCode") return "reasonCode";
  const name = (path.startsWith("fields.") ? path.slice("fields.".length) : path).split(".")[0];
  return definition?.fields.some((field) => field.name === name) ? `fields.${name}` : null;
}

export function CorrectionForm({ rules, member, record, onCorrected, onCancel }) {
  const definition = stepDefinition(rules, record.step);
  const [values, setValues] = useState(() => recordedFieldValues(definition, record.body?.fields));
  const [effectiveDate, setEffectiveDate] = useState(record.effectiveDate);
  const [reasonCode, setReasonCode] = useState("");
  const vocabulary = useVocabulary();
  const [errors, setErrors] = useState(/** @type {Record<string, unknown>} */ ({}));
  const [formError, setFormError] = useState(null);
  const [busy, setBusy] = useState(false);
  const form = useRef(null);
  const fullMembers = useFullMembers(definition?.fields.some((field) => field.type === "memberRefs") ?? false, member.id);

  // The form opens with the keyboard on its first control; a refused form takes it to its first refused field.
  useEffect(() => {
    (form.current?.querySelector('[aria-invalid="true"]') ?? form.current?.querySelector("select"))?.focus();
  }, [errors]);

  const submit = async (event) => {
    event.preventDefault();
    const { fields, problems } = readStepFields(definition, values, "fields.");
    if (!effectiveDate) problems.effectiveDate = t("missingDate");
    if (!reasonCode) problems.reasonCode = t("missingReason");
    setFormError(null);
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      const corrected = await api(`/api/members/${encodeURIComponent(member.id)}/records`, {
        method: "POST",
        // The record's evidence files stay with its correction: the API holds them under their hashes.
        body: {
          step: record.step,
          effectiveDate,
          fields,
          evidence: (record.body?.evidence ?? []).map((file) => file.sha256),
          supersedes: { recordId: record.id, reasonCode },
        },
      });
      onCorrected(corrected);
    } catch (error) {
      const placed = placeRefusal(error, rules, (path) => formKeyOf(path, definition));
      setErrors(placed.fieldErrors);
      setFormError(placed.formError);
      setBusy(false);
    }
  };

  return html`
    <form ref=${form} onSubmit=${submit} noValidate>
      <${ErrorMessage} error=${formError ?? vocabulary.error} />
      <p><strong>${t("step")}</strong> ${stepName(rules, record.step)}</p>
      <${Field} id="correct-reason" label=${t("reason")} hint=${t("reasonHint")} error=${errors.reasonCode} required>
        ${(attributes) => html`
          <select ...${attributes} value=${reasonCode} onChange=${(event) => setReasonCode(event.currentTarget.value)}>
            <option value="">${t("chooseReason")}</option>
            ${(vocabulary.data?.correctionReasons ?? []).map((code) => html`<option value=${code}>${correctionReasonName(code)}</option>`)}
          </select>
        `}
      <//>
      <${Field} id="correct-effectiveDate" label=${t("effectiveDate")} error=${errors.effectiveDate} required>
        ${(attributes) => html`<input ...${attributes} type="date" value=${effectiveDate} onInput=${(event) => setEffectiveDate(event.currentTarget.value)} />`}
      <//>
      <${StepFields} step=${definition} values=${values} onChange=${(name, value) => setValues({ ...values, [name]: value })} errors=${errors}
        idPrefix="correct-field" errorPrefix="fields." fullMembers=${fullMembers} />
      <div class="actions">
        <button type="submit" disabled=${busy}>${busy ? t("submitting") : t("submit")}</button>
        <button type="button" class="secondary" onClick=${onCancel}>${t("cancel")}</button>
      </div>
    </form>
  `;
}
