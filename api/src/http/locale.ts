// The language of a message a person reads (login refusals): Chinese unless the request's Accept-Language prefers
// English. Error codes, rules and fields stay the same in every language; the portal translates by them.
import type { Request } from "express";

export type Locale = "zh-CN" | "en";

/** zh-CN when there is no Accept-Language or it prefers Chinese or nothing we speak; en when it prefers English. */
export function localeOf(req: Pick<Request, "acceptsLanguages">): Locale {
  return req.acceptsLanguages("zh-CN", "zh", "en") === "en" ? "en" : "zh-CN";
}

export type Messages = Record<Locale, string>;
