// "Enter a new applicant": the person's data, the organization that holds the file, and the application (S1) with
// its fields from the rule set, sent in one request. Refusals appear under the field they name.
import { html, useEffect, useRef, useState } from "/portal/vendor/preact-htm.js";
import { api, session } from "../../lib/api.js";
import { localized, messages } from "../../lib/i18n.js";
import { OrganizationSelect, useOrganizations } from "../../lib/organizations.js";
import { navigate } from "../../lib/router.js";
import { stepDefinition } from "../../lib/rules.js";
import { ErrorMessage, Field } from "../../lib/ui.js";
import { EvidencePicker, useEvidenceUploads } from "./evidence-picker.js";
import { placeRefusal } from "./refusals.js";
import { initialFieldValues, readStepFields, StepFields, todayInChina } from "./step-fields.js";

const t = messages({
  "zh-CN": {
    person: "个人信息",
    personHint: "个人信息加密保存在本校，不会上链。",
    name: "姓名",
    idNumber: "身份证号码",
    idNumberHint: "18 位，最后一位可以是 X。",
    badIdNumber: "身份证号码应为 18 位数字（最后一位可以是 X）",
    birthDate: "出生日期",
    gender: "性别",
    notGiven: "不填写",
    M: "男",
    F: "女",
    phone: "联系电话",
    unit: "所在单位",
    unitHint: "例如学院、班级或工作部门。",
    application: "入党申请",
    orgId: "所在党组织",
    orgIdHint: "申请人所在的党支部；默认为您所在的党组织。",
    applicationDate: "{step}的日期",
    missing: "请填写“{label}”",
    submit: "登记",
    submitting: "正在登记…",
    cancel: "取消",
  },
  en: {
    person: "Personal data",
    personHint: "Personal data stays encrypted at this university and never goes on chain.",
    name: "Name",
    idNumber: "Resident ID number",
    idNumberHint: "18 characters; the last may be X.",
    badIdNumber: "A resident ID number has 18 digits (the last may be X)",
    birthDate: "Date of birth",
    gender: "Gender",
    notGiven: "Not given",
    M: "Male",
    F: "Female",
    phone: "Phone",
    unit: "Unit",
    unitHint: "School, class or department.",
    application: "Application",
    orgId: "Organization",
    orgIdHint: "The applicant's Party branch; yours by default.",
    applicationDate: "Date of the {step}",
    missing: "Fill in “{label}”",
    submit: "Enter",
    submitting: "Entering…",
    cancel: "Cancel",
  },
});

const ID_NUMBER = /^[0-9]{17}[0-9Xx]$/;
const PERSONAL_FIELDS = ["name", "idNumber", "birthDate", "gender", "phone", "unit"];
const REQUIRED_PERSONAL = ["name", "idNumber", "birthDate"];

/** The form's key for a field path of the API; the rule engine names S1's fields without the "application." prefix. */
function formKeyOf(path, application) {
  const parts = path.split(".");
  if (parts[0] === "personal") return PERSONAL_FIELDS.includes(parts[1]) ? `personal.${parts[1]}` : null;
  if (parts[0] === "orgId") return "orgId";
  const inApplication = parts[0] === "application" ? parts.slice(1) : parts;
  if (inApplication[0] === "effectiveDate") return "application.effectiveDate";
  const name = inApplication[0] === "fields" ? inApplication[1] : inApplication[0];
  return application.fields.some((field) => field.name === name) ? `application.fields.${name}` : null;
}

function readPersonal(values) {
  /** @type {Record<string, string>} */
  const personal = {};
  /** @type {Record<string, unknown>} */
  const problems = {};
  for (const name of PERSONAL_FIELDS) {
    const value = values[name].trim();
    if (value) personal[name] = name === "idNumber" ? value.toUpperCase() : value;
    else if (REQUIRED_PERSONAL.includes(name)) problems[`personal.${name}`] = t("missing", { label: t(name) });
  }
  if (personal.idNumber && !ID_NUMBER.test(personal.idNumber)) problems["personal.idNumber"] = t("badIdNumber");
  return { personal, problems };
}

export function EnrollForm({ rules, onCancel }) {
  const application = stepDefinition(rules, "S1");
  const [personal, setPersonal] = useState({ name: "", idNumber: "", birthDate: "", gender: "", phone: "", unit: "" });
  const [orgId, setOrgId] = useState(String(session()?.account.orgId ?? ""));
  const organizations = useOrganizations();
  const [effectiveDate, setEffectiveDate] = useState(todayInChina);
  const [fieldValues, setFieldValues] = useState(() => initialFieldValues(application));
  const [errors, setErrors] = useState(/** @type {Record<string, unknown>} */ ({}));
  const [formError, setFormError] = useState(null);
  const [busy, setBusy] = useState(false);
  const form = useRef(null);
  const evidence = useEvidenceUploads();

  useEffect(() => {
    form.current?.querySelector("input")?.focus();
  }, []);
  // A refused form takes the keyboard to its first refused field.
  useEffect(() => {
    form.current?.querySelector('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const text = (name) => (event) => setPersonal({ ...personal, [name]: event.currentTarget.value });

  const submit = async (event) => {
    event.preventDefault();
    const read = readPersonal(personal);
    const step = readStepFields(application, fieldValues, "application.fields.");
    const problems = { ...read.problems, ...step.problems };
    if (!orgId) problems.orgId = t("missing", { label: t("orgId") });
    if (!effectiveDate)
      problems["application.effectiveDate"] = t("missing", { label: t("applicationDate", { step: localized(application.name) }) });
    setFormError(null);
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      const enrolled = await api("/api/members", {
        method: "POST",
        body: {
          orgId: Number(orgId),
          personal: read.personal,
          application: { effectiveDate, fields: step.fields, evidence: evidence.hashes },
        },
      });
      navigate(`/console/members/${encodeURIComponent(enrolled.memberId)}`);
    } catch (error) {
      const placed = placeRefusal(error, rules, (path) => formKeyOf(path, application));
      setErrors(placed.fieldErrors);
      setFormError(placed.formError);
      setBusy(false);
    }
  };

  /**
   * @param {string} name
   * @param {unknown} control
   * @param {{ required?: boolean, hint?: string }} [options]
   */
  const personalField = (name, control, { required = false, hint } = {}) => html`
    <${Field} id=${`enroll-${name}`} label=${t(name)} hint=${hint} error=${errors[`personal.${name}`]} required=${required}>
      ${control}
    <//>
  `;

  return html`
    <form ref=${form} class="enroll-form" onSubmit=${submit} noValidate>
      <${ErrorMessage} error=${formError} />
      <fieldset>
        <legend>${t("person")}</legend>
        <p class="hint">${t("personHint")}</p>
        ${personalField("name", (a) => html`<input ...${a} autocomplete="off" value=${personal.name} onInput=${text("name")} />`, { required: true })}
        ${personalField("idNumber", (a) => html`<input ...${a} class="mono" autocomplete="off" maxlength="18" value=${personal.idNumber} onInput=${text("idNumber")} />`, { required: true, hint: t("idNumberHint") })}
        ${personalField("birthDate", (a) => html`<input ...${a} type="date" value=${personal.birthDate} onInput=${text("birthDate")} />`, { required: true })}
        ${personalField(
          "gender",
          (a) => html`
          <select ...${a} value=${personal.gender} onChange=${text("gender")}>
            <option value="">${t("notGiven")}</option>
            <option value="M">${t("M")}</option>
            <option value="F">${t("F")}</option>
          </select>
        `,
        )}
        ${personalField("phone", (a) => html`<input ...${a} type="tel" autocomplete="off" value=${personal.phone} onInput=${text("phone")} />`)}
        ${personalField("unit", (a) => html`<input ...${a} value=${personal.unit} onInput=${text("unit")} />`, { hint: t("unitHint") })}
      </fieldset>
      <fieldset>
        <legend>${t("application")}</legend>
        <${Field} id="enroll-orgId" label=${t("orgId")} hint=${t("orgIdHint")} error=${errors.orgId} required>
          ${(a) => html`<${OrganizationSelect} attributes=${a} byId=${organizations.byId} rootId=${session()?.account.orgId} value=${orgId} onChange=${(event) => setOrgId(event.currentTarget.value)} />`}
        <//>
        <${Field} id="enroll-effectiveDate" label=${t("applicationDate", { step: localized(application.name) })} error=${errors["application.effectiveDate"]} required>
          ${(a) => html`<input ...${a} type="date" value=${effectiveDate} onInput=${(event) => setEffectiveDate(event.currentTarget.value)} />`}
        <//>
        <${StepFields} step=${application} values=${fieldValues} onChange=${(name, value) => setFieldValues({ ...fieldValues, [name]: value })}
          errors=${errors} idPrefix="enroll-field" errorPrefix="application.fields." />
        <${EvidencePicker} id="enroll-evidence" uploads=${evidence} />
      </fieldset>
      <div class="actions">
        <button type="submit" disabled=${busy || evidence.uploading}>${busy ? t("submitting") : t("submit")}</button>
        <button type="button" class="secondary" onClick=${onCancel}>${t("cancel")}</button>
      </div>
    </form>
  `;
}
