// The service's code lists (GET /api/vocabulary: roles, reasons, file limits), loaded once per page
// load: the forms offer what the API defines, with no copy here to drift from it.
import { loadOnce } from "./api.js";
import { useAsync } from "./ui.js";

/** The vocabulary; the same promise for every caller. */
export const loadVocabulary = loadOnce("/api/vocabulary");

/** { data, error, loading } of the vocabulary, for a component. */
export function useVocabulary() {
  return useAsync(loadVocabulary, []);
}
