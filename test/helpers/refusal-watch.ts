// Every refusal a Chinese page shows (an element with role="alert") is gathered as it appears, on every page a portal
// test opens, and checked for English when the portal closes: a clerk must be able to read every refusal the tests
// trigger, and one checked only where a test remembered to look would leave the others unseen.
import type { BrowserContext } from "playwright-core";
import { latinWordsOutside } from "./latin";

export interface RefusalShown {
  /** The page's path when the refusal appeared. */
  readonly path: string;
  readonly text: string;
}

/** What a refusal may say in Latin letters: the formats and size units of a file and the names of the files chosen. */
const FILE_WORDS = [/[\w.-]+\.(png|pdf|txt|csv|xlsx)\b/gi, /\b(pdf|png|jpe?g|csv|xlsx|gbk|utf|kb|mb|mib)\b/gi];

const BINDING = "__cunzhengRefusalShown";

// Runs in the page before its own scripts. Only a page in Chinese is watched: the English interface speaks English.
const WATCH = `(() => {
  const reported = new WeakMap();
  const report = () => {
    if (!document.documentElement.lang.startsWith("zh")) return;
    for (const alert of document.querySelectorAll('[role="alert"]')) {
      const text = alert.textContent.replace(/\\s+/g, " ").trim();
      if (text === "" || reported.get(alert) === text) continue;
      reported.set(alert, text);
      window.${BINDING}(location.pathname, text);
    }
  };
  new MutationObserver(report).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

/** Records into `shown` each refusal the context's pages show in Chinese. */
export async function watchRefusals(context: BrowserContext, shown: RefusalShown[]): Promise<void> {
  await context.exposeBinding(BINDING, (_source, path: string, text: string) => {
    shown.push({ path, text });
  });
  await context.addInitScript(WATCH);
}

/** The refusals among `shown` that say more in Latin letters than codes, numbers and file names. */
export function refusalsWithEnglish(shown: readonly RefusalShown[]): (RefusalShown & { words: string[] })[] {
  return shown
    .map((refusal) => ({ ...refusal, words: latinWordsOutside(refusal.text, FILE_WORDS) }))
    .filter((refusal) => refusal.words.length > 0);
}
