// The member's records, fetched again every two seconds while one of them is still on its way to the chain, so a
// clerk sees each record turn final without reloading the page. Polling stops when the page goes away.
import { useEffect, useState } from "/portal/vendor/preact-htm.js";
import { api } from "../../lib/api.js";

const POLL_MS = 2000;

/** Pending and anchored records become final on their own; a failed one waits for an operator. */
export function isSettling(record) {
  return record.anchoring.state === "PENDING" || record.anchoring.state === "ANCHORED";
}

/** { records, error, reload }: `reload` fetches at once and resumes polling. */
export function usePolledRecords(memberId) {
  const [state, setState] = useState({ records: null, error: null });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    let timer = null;
    const load = async () => {
      try {
        const { items } = await api(`/api/members/${encodeURIComponent(memberId)}/records`);
        if (!live) return;
        setState({ records: items, error: null });
        if (items.some(isSettling)) timer = setTimeout(load, POLL_MS);
      } catch (error) {
        if (live) setState((previous) => ({ records: previous.records, error }));
      }
    };
    load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [memberId, round]);
  return { ...state, reload: () => setRound((previous) => previous + 1) };
}
