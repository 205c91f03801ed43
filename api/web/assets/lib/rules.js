// The rule set in force (GET /api/rules), loaded once per session: official stage and step names in both languages,
// and the field definitions the step forms are generated from.
import { loadOnce } from "./api.js";
import { localized } from "./i18n.js";

const STAGE_CODES = { APPLICANT: "I", ACTIVIST: "II", CANDIDATE: "III", PROBATIONARY: "IV", FULL: "V" };
const CANCELLED = { zh: "已取消预备党员资格", en: "Probation cancelled" };

/** The rule set ({ version, hash, definition }); the same promise for every caller. */
export const loadRules = loadOnce("/api/rules");

/** A member stage (APPLICANT … FULL, CANCELLED) by its official name. */
export function stageName(rules, stage) {
  if (stage === "CANCELLED") return localized(CANCELLED);
  const definition = rules?.definition.stages.find((entry) => entry.code === STAGE_CODES[stage]);
  return definition ? localized(definition.name) : stage;
}

export function stepDefinition(rules, code) {
  return rules?.definition.steps.find((step) => step.code === code) ?? null;
}

/** "S5 指定培养联系人" */
export function stepName(rules, code) {
  const step = stepDefinition(rules, code);
  return step ? `${code} ${localized(step.name)}` : code;
}

export const DEVELOPMENT_STAGES = Object.keys(STAGE_CODES);
