export * from "./admin";
export { accountState, changeAccount, type AccountAction, type AccountState, type ChangedBy } from "./change";
export { assertPasswordAllowed, PASSWORD_MIN_LENGTH } from "./password-policy";
export { resolveSession, type ResolvedSession, type SessionRefusal } from "./sessions";
