// Checking a paper letter (介绍信): type the 编号 printed on it, or open the link of its QR code (/verify?number=…&salt=…),
// or drop its PDF. To check that the paper names the person the letter was issued for, the reader also types the name,
// the ID number's last four characters and the 核验码 (the QR code fills the 核验码 in).
import { html, useEffect, useState } from "/portal/vendor/preact-htm.js";
import { messages } from "../../lib/i18n.js";
import { Field } from "../../lib/ui.js";
import { readLetterFromPdf } from "./letter-file.js";

const t = messages({
  "zh-CN": {
    letterTitle: "核验介绍信",
    letterText: "收到纸质介绍信时，填写上面印的编号（15 位数字）；扫描介绍信上的二维码会自动填好。有 PDF 文件的，也可以一并选择。",
    letterFile: "介绍信 PDF（可选）",
    letterHint: "把 PDF 拖到这里，或按此选择文件。",
    number: "编号",
    numberHint: "印在介绍信右上角的 15 位数字，空格可有可无。",
    holderTitle: "核对持信人（可选）",
    holderText: "填写介绍信上印的姓名、公民身份号码后四位和核验码，核对这封信是不是为这个人开具的。这些内容只在本机计算，不会显示给别人。",
    name: "姓名",
    idLast4: "公民身份号码后四位",
    salt: "核验码",
    saltHint: "印在介绍信下部的 12 位数字。",
    verifyLetter: "核验介绍信",
    chosen: "已选择：{name}",
    noLetterInPdf: "这个 PDF 里找不到介绍信信息：它不是本系统打印的介绍信，或已被改动。",
    missingNumber: "请填写编号。",
    badNumber: "编号应为 15 位数字。",
    badCheckDigit: "编号的校验位不对：可能有一位数字填错了，请再核对一遍。",
    badIdLast4: "应为 4 位：3 位数字加 1 位数字或 X。",
    badSalt: "核验码应为 12 位数字。",
    holderIncomplete: "核对持信人需要姓名、身份证号后四位和核验码三项都填写。",
  },
  en: {
    letterTitle: "Verify a transfer letter",
    letterText:
      "For a paper letter, type the number printed on it (15 digits); scanning its QR code fills it in. If you have the PDF, you may choose it too.",
    letterFile: "Letter PDF (optional)",
    letterHint: "Drop the PDF here, or use this to choose it.",
    number: "Letter number",
    numberHint: "The 15 digits printed at the top right of the letter; spaces are optional.",
    holderTitle: "Check the holder (optional)",
    holderText:
      "Type the name, the ID number's last four characters and the check code printed on the letter to check that it was issued for this person.",
    name: "Name",
    idLast4: "ID number, last four characters",
    salt: "Check code",
    saltHint: "The 12 digits printed in the lower part of the letter.",
    verifyLetter: "Verify the letter",
    chosen: "Chosen: {name}",
    noLetterInPdf: "This PDF carries no letter data: it is not a letter this system printed, or it was changed.",
    missingNumber: "Enter the letter number.",
    badNumber: "A letter number is 15 digits.",
    badCheckDigit: "The check digit does not match: a digit was probably mistyped.",
    badIdLast4: "Four characters: three digits and a digit or X.",
    badSalt: "A check code is 12 digits.",
    holderIncomplete: "To check the holder, fill in the name, the ID digits and the check code.",
  },
});

// Damm's check digit, as the server computes it (api/src/domain/transfers/letter/number.ts).
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];
const digitsOf = (typed) => typed.normalize("NFKC").replace(/[\s\-－]/g, "");
const dammHolds = (digits) => [...digits].reduce((interim, digit) => DAMM[interim][Number(digit)], 0) === 0;

function numberProblem(number) {
  if (number === "") return t("missingNumber");
  if (!/^[0-9]{15}$/.test(number)) return t("badNumber");
  return dammHolds(number) ? null : t("badCheckDigit");
}

function holderProblems({ name, idLast4, salt }) {
  if (!name.trim() && !idLast4.trim() && !salt.trim()) return { holder: null, problems: {} };
  /** @type {Record<string, unknown>} */
  const problems = {};
  if (!name.trim() || !idLast4.trim() || !salt.trim()) problems.holder = t("holderIncomplete");
  if (idLast4.trim() && !/^[0-9]{3}[0-9Xx]$/.test(idLast4.trim())) problems.idLast4 = t("badIdLast4");
  if (salt.trim() && !/^[0-9]{12}$/.test(digitsOf(salt))) problems.salt = t("badSalt");
  return { holder: { name: name.trim(), idLast4: idLast4.trim().toUpperCase(), salt: digitsOf(salt) }, problems };
}

function DropZone({ id, fileName, error, onFile }) {
  const take = (files) => files?.[0] && onFile(files[0]);
  return html`
    <div class="drop-zone verify-drop" onDragOver=${(event) => event.preventDefault()}
      onDrop=${(event) => {
        event.preventDefault();
        take(event.dataTransfer?.files);
      }}>
      <${Field} id=${id} label=${t("letterFile")} hint=${t("letterHint")} error=${error}>
        ${(attributes) => html`<input ...${attributes} type="file" accept="application/pdf,.pdf" onChange=${(event) => take(event.currentTarget.files)} />`}
      <//>
      ${fileName ? html`<p class="hint verify-chosen">${t("chosen", { name: fileName })}</p>` : null}
    </div>
  `;
}

function TextField({ id, label, hint, error, value, onInput, mono, required }) {
  return html`
    <${Field} id=${id} label=${label} hint=${hint} error=${error} required=${required}>
      ${(attributes) => html`<input ...${attributes} class=${mono ? "mono" : undefined} autocomplete="off" spellcheck="false" value=${value}
        onInput=${(event) => onInput(event.currentTarget.value)} />`}
    <//>
  `;
}

/** Calls onVerify(body) with the request body of POST /api/verify/letter. */
export function LetterForm({ query, busy, onVerify }) {
  const [number, setNumber] = useState("");
  const [holder, setHolder] = useState({ name: "", idLast4: "", salt: "" });
  const [pdf, setPdf] = useState({ name: null, letter: null, error: null });
  const [problems, setProblems] = useState(/** @type {Record<string, unknown>} */ ({}));
  const change = (field) => (value) => setHolder((current) => ({ ...current, [field]: value }));

  // The QR code opens /verify?number=…&salt=…: check the number at once; the 核验码 waits for the name.
  const linkedNumber = query.get("number");
  const linkedTransfer = query.get("transfer");
  useEffect(() => {
    if (linkedNumber) {
      const digits = digitsOf(linkedNumber);
      setNumber(digits);
      setHolder((current) => ({ ...current, salt: query.get("salt") ?? "" }));
      const problem = numberProblem(digits);
      setProblems({ number: problem });
      if (!problem) onVerify({ number: digits });
    } else if (linkedTransfer && /^0x[0-9a-f]{64}$/.test(linkedTransfer)) {
      onVerify({ transferId: linkedTransfer });
    }
  }, [linkedNumber, linkedTransfer]);

  const choosePdf = async (file) => {
    const letter = await readLetterFromPdf(file);
    setPdf({ name: file.name, letter, error: letter ? null : t("noLetterInPdf") });
  };

  const submit = (event) => {
    event.preventDefault();
    const digits = digitsOf(number);
    const { holder: typed, problems: holderIssues } = holderProblems(holder);
    // A PDF alone names its transfer; without one, the number is needed.
    const numberIssue = pdf.letter && digits === "" ? null : numberProblem(digits);
    const found = { number: numberIssue, ...holderIssues };
    setProblems(found);
    if (Object.values(found).some(Boolean)) return;
    const body = digits === "" ? { transferId: pdf.letter.transferId } : { number: digits };
    if (pdf.letter) body.letter = pdf.letter;
    if (typed) body.holder = typed;
    onVerify(body);
  };

  return html`
    <section class="panel" aria-labelledby="verify-letter-title">
      <h2 id="verify-letter-title">${t("letterTitle")}</h2>
      <p>${t("letterText")}</p>
      <form class="verify-letter-form" onSubmit=${submit} noValidate>
        <${TextField} id="letter-number" label=${t("number")} hint=${t("numberHint")} error=${problems.number} value=${number} onInput=${setNumber} mono required />
        <fieldset class="verify-holder">
          <legend>${t("holderTitle")}</legend>
          <p class="hint">${t("holderText")}</p>
          ${problems.holder ? html`<p class="field-error" role="alert">${problems.holder}</p>` : null}
          <${TextField} id="holder-name" label=${t("name")} value=${holder.name} onInput=${change("name")} />
          <${TextField} id="holder-id" label=${t("idLast4")} error=${problems.idLast4} value=${holder.idLast4} onInput=${change("idLast4")} mono />
          <${TextField} id="holder-salt" label=${t("salt")} hint=${t("saltHint")} error=${problems.salt} value=${holder.salt} onInput=${change("salt")} mono />
        </fieldset>
        <${DropZone} id="letter-file" fileName=${pdf.name} error=${pdf.error} onFile=${choosePdf} />
        <div class="actions"><button type="submit" disabled=${busy}>${t("verifyLetter")}</button></div>
      </form>
    </section>
  `;
}
