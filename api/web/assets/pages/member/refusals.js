// How a refusal of the API reads in a form: the message in the reader's language with the rule's id beside it,
// placed under the field it names once the form has mapped the API's field path onto one of its own fields.
import { html } from "/portal/vendor/preact-htm.js";
import { language, messages } from "../../lib/i18n.js";

const t = messages({
  "zh-CN": { rule: "（规则 {rule}）" },
  en: { rule: "(rule {rule})" },
});

function ruleById(rules, id) {
  const definition = rules?.definition;
  if (!definition || !id) return null;
  return [...definition.generalRules, ...definition.steps.flatMap((step) => step.rules)].find((rule) => rule.id === id) ?? null;
}

/**
 * The API writes "S2.withinOneMonth: <Chinese description> (detail)" and "personal.idNumber: must be …"; the reader
 * sees the text without the prefix, and in English the rule set's English description where the rule set has one.
 */
export function ruleMessage(rules, { rule, field, message }) {
  const prefix = [rule, field].find((name) => name && message.startsWith(`${name}: `));
  const text = prefix ? message.slice(prefix.length + 2) : message;
  const definition = ruleById(rules, rule);
  if (!definition || language() !== "en" || !text.startsWith(definition.description.zh)) return text;
  return definition.description.en + text.slice(definition.description.zh.length);
}

// The rule's id is for the rule set's readers: shown in English, kept out of the Chinese interface (a data attribute).
export function RefusalText({ rules, refusal }) {
  const id = refusal.rule && language() === "en" ? html` <small class="refusal-rule">${t("rule", { rule: refusal.rule })}</small>` : null;
  return html`<span data-rule=${refusal.rule ?? undefined}>${ruleMessage(rules, refusal)}</span>${id}`;
}

/**
 * Splits an API error between the form's fields and its top: `keyOf` maps the API's field path ("effectiveDate",
 * "fields.summary", "personal.idNumber") to the key of one of the form's fields, or null when none shows it.
 * Returns { fieldErrors: { [key]: vnode }, formError: error | null }.
 */
export function placeRefusal(error, rules, keyOf) {
  const key = error?.field ? keyOf(error.field) : null;
  if (!key) return { fieldErrors: {}, formError: error };
  return { fieldErrors: { [key]: html`<${RefusalText} rules=${rules} refusal=${error} />` }, formError: null };
}
