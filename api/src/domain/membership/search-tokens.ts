// Keyed search tokens for finding members by name and by 学号/工号 while both stay sealed: HMACs under the instance's
// blind index key (lib/field-encryption.ts), never the plain value. Tokens rather than opening every member of the
// subtree per search: a token query is one indexed lookup that combines with the list's filters and keyset paging
// in SQL, whatever the subtree's size; a scan would decrypt all 10,000 members of a university on every keystroke
// and could not page. What a token leaks to someone reading the database: which members share a name prefix (the
// one-character tokens group members by surname), never the name itself without the key.
import { normalizeForIndex, searchToken } from "../../lib/field-encryption";

const NAME_PREFIX = "name-prefix";
const FULL_NAME = "name";
const STAFF_NUMBER = "staff-number";

/** A name as it is indexed and searched: normalized, without inner spaces (张 三 is 张三), split into characters. */
function nameCharacters(name: string): string[] {
  return Array.from(normalizeForIndex(name).replace(/\s+/gu, ""));
}

/** What a member's row carries to be found: the staff number's token and one token per prefix of the name. */
export function searchTokensOf(blindIndexKey: string, personal: { name: string; staffNumber?: string }) {
  const characters = nameCharacters(personal.name);
  const prefixes = characters.map((_, end) => searchToken(blindIndexKey, NAME_PREFIX, characters.slice(0, end + 1).join("")));
  return {
    staffNumberIndex: personal.staffNumber?.trim() ? staffNumberToken(blindIndexKey, personal.staffNumber) : null,
    nameTokens: [...new Set([...prefixes, searchToken(blindIndexKey, FULL_NAME, characters.join(""))])],
  };
}

/** The token a name search looks for: members whose name starts with `query`, or (exact) is `query`. */
export function nameQueryToken(blindIndexKey: string, query: string, match: "prefix" | "exact"): string {
  return searchToken(blindIndexKey, match === "exact" ? FULL_NAME : NAME_PREFIX, nameCharacters(query).join(""));
}

export function staffNumberToken(blindIndexKey: string, staffNumber: string): string {
  return searchToken(blindIndexKey, STAFF_NUMBER, staffNumber);
}
