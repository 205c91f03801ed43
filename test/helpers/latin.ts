// The Chinese interface shows no English: what a test scans a page or a printed letter for. Codes a reader copies
// (0x… hex, addresses, ids shortened as 3f2dd1a0…12aa or 0x66e794…cb4e — shortened before the bare 0x… pattern
// takes the head and leaves the tail's letters), numbers, URLs, step codes (S1–S25) and what the caller
// allows are taken out first; any Latin word left is a leak.
const ALWAYS_ALLOWED = [
  /https?:\/\/[^\s，。）]+/g,
  /(0x)?[0-9a-fA-F]{4,}…[0-9a-fA-F]{4}/g,
  /0x[0-9a-fA-F]+/g,
  /\bS[0-9]{1,2}\b/g,
  /[0-9]+/g,
];

/** The Latin words of `text` outside the allowed patterns. */
export function latinWordsOutside(text: string, allowed: readonly (string | RegExp)[] = []): string[] {
  let rest = text;
  for (const pattern of [...ALWAYS_ALLOWED, ...allowed]) {
    rest = typeof pattern === "string" ? rest.split(pattern).join(" ") : rest.replace(pattern, " ");
  }
  return [...new Set(rest.match(/[A-Za-z]{2,}/g) ?? [])];
}
