import type { Request } from "express";

const MATCHED_ROUTE = Symbol("matchedRoute");

type TrackedRequest = Request & { [MATCHED_ROUTE]?: string };

/**
 * Records the full pattern ('/api/members/:memberKey') of the route a request matches. Express sets
 * req.route when it dispatches to a route, but resets req.baseUrl when an error leaves a nested
 * router, so reading both once the response has finished would lose the prefix of failed requests.
 */
export function trackMatchedRoute(req: Request): void {
  let route: { path: unknown } | undefined;
  Object.defineProperty(req, "route", {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: { path: unknown }) => {
      route = value;
      (req as TrackedRequest)[MATCHED_ROUTE] = `${req.baseUrl}${String(value.path)}`;
    },
  });
}

/** The matched route pattern, never the raw path, so labels carry no identifier and stay few. */
export function routeLabel(req: Request): string {
  return (req as TrackedRequest)[MATCHED_ROUTE] ?? "(unmatched)";
}
