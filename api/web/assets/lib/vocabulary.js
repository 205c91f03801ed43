// The service's code lists (GET /api/vocabulary: roles, reasons, file limits), loaded once per page
// load: the forms offer what the API defines, with no copy here to drift from it.
import { api } from "./api.js";
import { useAsync } from "./ui.js";

let loading = null;

/** The vocabulary; the same promise for every caller, tried again after a failure. */
export function loadVocabulary() {
  loading ??= api("/api/vocabulary").catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** { data, error, loading } of the vocabulary, for a component. */
export function useVocabulary() {
  return useAsync(loadVocabulary, []);
}
