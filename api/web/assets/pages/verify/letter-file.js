// Reads the letter's skeleton back out of a transfer letter PDF, in the browser: the issuer put it in the PDF's Info
// dictionary under CunzhengLetter as a literal string, either in place or as an indirect object ("17 0 R").
const INFO_KEY = "/CunzhengLetter";
const ESCAPES = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", "(": "(", ")": ")", "\\": "\\" };

/** The letter skeleton ({ version, transferId, … }) the PDF carries, or null when it carries none. */
export async function readLetterFromPdf(file) {
  const text = latin1(new Uint8Array(await file.arrayBuffer()));
  const at = text.indexOf(INFO_KEY);
  if (at < 0) return null;
  const value = literalAt(text, skipSpace(text, at + INFO_KEY.length)) ?? referencedLiteral(text, at + INFO_KEY.length);
  if (value === null) return null;
  try {
    const letter = JSON.parse(decodeTextString(value));
    return typeof letter === "object" && letter !== null && !Array.isArray(letter) ? letter : null;
  } catch {
    return null;
  }
}

function latin1(bytes) {
  let text = "";
  for (let start = 0; start < bytes.length; start += 0x8000) text += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  return text;
}

function skipSpace(text, index) {
  while (index < text.length && /\s/.test(text[index])) index += 1;
  return index;
}

// "/CunzhengLetter 17 0 R" points at "17 0 obj (…) endobj".
function referencedLiteral(text, from) {
  const reference = /^\s*(\d+)\s+(\d+)\s+R/.exec(text.slice(from, from + 40));
  if (!reference) return null;
  const object = new RegExp(`(?:^|\\s)${reference[1]}\\s+${reference[2]}\\s+obj\\s*`).exec(text);
  return object ? literalAt(text, object.index + object[0].length) : null;
}

/** The PDF literal string starting at `index` ("(" … ")", balanced parentheses, backslash escapes), unescaped. */
function literalAt(text, index) {
  if (text[index] !== "(") return null;
  let depth = 0;
  let value = "";
  for (let i = index; i < text.length; i += 1) {
    const char = text[i];
    if (char === "\\") {
      const next = text[i + 1];
      const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
      if (octal) {
        value += String.fromCharCode(parseInt(octal[0], 8) & 0xff);
        i += octal[0].length;
      } else if (next === "\r" || next === "\n") {
        // A backslash at the end of a line continues the string on the next line.
        i += next === "\r" && text[i + 2] === "\n" ? 2 : 1;
      } else {
        value += ESCAPES[next] ?? next;
        i += 1;
      }
      continue;
    }
    if (char === "(") {
      depth += 1;
      if (depth === 1) continue;
    } else if (char === ")") {
      depth -= 1;
      if (depth === 0) return value;
    }
    value += char;
  }
  return null;
}

// A PDF text string is PDFDocEncoding (ASCII here) or UTF-16BE behind a byte order mark.
function decodeTextString(bytes) {
  if (!bytes.startsWith("\xfe\xff")) return bytes;
  let text = "";
  for (let i = 2; i + 1 < bytes.length; i += 2) text += String.fromCharCode((bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1));
  return text;
}
