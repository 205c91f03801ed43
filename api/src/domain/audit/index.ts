export { bodyCheckerInThread, bodyCheckerInWorkers, defaultCheckerThreads, type BodyChecker } from "./body-checker";
export { runAuditSweep, type AuditDependencies, type AuditOptions } from "./sweep";
export {
  AUDIT_REPORT_FORMAT,
  AuditIncompleteError,
  FINDING_KINDS,
  type AuditPhase,
  type AuditProgress,
  type AuditReport,
  type Finding,
  type FindingKind,
} from "./report";
