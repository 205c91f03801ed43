// The types of what the portal uses from the vendored module /portal/vendor/preact-htm.js (htm's Preact standalone
// build, served from node_modules/htm by http/portal.ts), so `tsc -p api/web` can check the pages. Preact's own type
// package is not installed: the standalone build bundles Preact, and the portal needs only these.
export interface VNode {
  type: unknown;
  props: Record<string, unknown>;
}
export function html(strings: TemplateStringsArray, ...values: unknown[]): VNode;
export function render(tree: VNode, parent: Element): void;
export function useState<S>(initial: S | (() => S)): [S, (next: S | ((previous: S) => S)) => void];
export function useEffect(effect: () => void | (() => void), inputs?: readonly unknown[]): void;
export function useMemo<T>(factory: () => T, inputs: readonly unknown[] | undefined): T;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any callback: its own parameters are what the caller declares
export function useCallback<T extends (...args: any[]) => unknown>(callback: T, inputs: readonly unknown[]): T;
export function useRef<T>(initial?: T | null): { current: T | null };
