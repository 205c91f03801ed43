// Every rule id a refusal names in code, once: code writes RULES.transferNotOpen, never the id itself, so a rule id
// cannot be misspelt at one refusal and its text missed. The rules of a rule set (rules/<version>/rules.json) name their
// own ids; these are the rest. Each has its Chinese and English text in messages.ts (REFUSALS), which the type checker
// holds to this list; test/api/lib/vocabulary.test.ts fails when an id is written as a string anywhere else in api/src.
// The HTTP status and field travel with the error class a refusal throws (errors.ts): Forbidden is 403, RuleViolation
// 422 with its field, Conflict 409.

export const RULES = {
  authRole: "auth.role",

  scopeOrgSubtree: "scope.orgSubtree",
  scopeApprovingCommittee: "scope.approvingCommittee",

  personalDataNotGranted: "personalData.notGranted",
  personalDataUnchanged: "personalData.unchanged",

  memberUniqueIdNumber: "member.uniqueIdNumber",
  memberTransferredOut: "member.transferredOut",

  recordSupersedeOnce: "record.supersedeOnce",
  recordChainMoved: "record.chainMoved",

  stepStage: "step.stage",
  stepRepeat: "step.repeat",
  stepPrerequisites: "step.prerequisites",

  generalKnownStep: "general.knownStep",
  generalDateFormat: "general.dateFormat",

  evidenceMatchesItsHash: "evidence.matchesItsHash",

  memberPersonalDataSealedToOrganization: "member.personalDataSealedToOrganization",

  outboxOnlyFailed: "outbox.onlyFailed",

  proofNoChain: "proof.noChain",
  proofNotFinal: "proof.notFinal",

  transferKindFitsStage: "transfer.kindFitsStage",
  transferOneOpen: "transfer.oneOpen",
  transferNotOpen: "transfer.notOpen",
  transferAccepting: "transfer.accepting",

  requestBodyLimit: "request.bodyLimit",

  transferExpired: "transfer.expired",
  transferExportOnly: "transfer.exportOnly",
  transferReissueAccepted: "transfer.reissueAccepted",
  transferReissueOnce: "transfer.reissueOnce",
  transferReissueSource: "transfer.reissueSource",
  transferFileMissing: "transfer.fileMissing",
  transferReviewFailed: "transfer.reviewFailed",

  letterIssuedHere: "letter.issuedHere",
  letterNoNumber: "letter.noNumber",

  federationSignature: "federation.signature",
  federationRequestExpired: "federation.requestExpired",
  federationNotDestination: "federation.notDestination",
  federationNotDestinationAttester: "federation.notDestinationAttester",
  federationTransferNotOpen: "federation.transferNotOpen",
  federationReplayed: "federation.replayed",
  federationRequestFromFuture: "federation.requestFromFuture",
  federationNoChain: "federation.noChain",
  federationFetch: "federation.fetch",

  accountsFirstAdminAtCommittee: "accounts.firstAdminAtCommittee",
  accountsConsortiumFirstAdminOnly: "accounts.consortiumFirstAdminOnly",
  accountsNotSelf: "accounts.notSelf",
  accountsLastOrgAdmin: "accounts.lastOrgAdmin",
  accountsRoleNotAllowed: "accounts.roleNotAllowed",
  accountsUnknownOrganization: "accounts.unknownOrganization",
  accountsUsernameTaken: "accounts.usernameTaken",

  organizationsCommitteeAdminOnly: "organizations.committeeAdminOnly",
  organizationsBranchOnly: "organizations.branchOnly",
  organizationsFromAbove: "organizations.fromAbove",
  organizationsClosed: "organizations.closed",
  organizationsRequestPending: "organizations.requestPending",
  organizationsNameUnchanged: "organizations.nameUnchanged",
  organizationsOpenChildren: "organizations.openChildren",
  organizationsHasMembers: "organizations.hasMembers",
  organizationsOpenTransfers: "organizations.openTransfers",
  organizationsHasAccounts: "organizations.hasAccounts",
  organizationsInvalidParent: "organizations.invalidParent",
  organizationsNameTaken: "organizations.nameTaken",
  organizationsUnknownParent: "organizations.unknownParent",

  passwordCurrentWrong: "password.currentWrong",
  passwordUnchanged: "password.unchanged",
  passwordTooShort: "password.tooShort",
  passwordTooLong: "password.tooLong",
  passwordContainsUsername: "password.containsUsername",
  passwordCommon: "password.common",

  exportsPeriodOrder: "exports.periodOrder",

  rosterMissingColumn: "roster.missingColumn",
  rosterRequired: "roster.required",
  rosterNameTooLong: "roster.nameTooLong",
  rosterDateFormat: "roster.dateFormat",
  rosterIdNumberFormat: "roster.idNumber.format",
  rosterIdNumberCheckDigit: "roster.idNumber.checkDigit",
  rosterIdNumberBirthDate: "roster.idNumber.birthDate",
  rosterBirthDateMismatch: "roster.birthDateMismatch",
  rosterSex: "roster.sex",
  rosterSexMismatch: "roster.sexMismatch",
  rosterUnknownBranch: "roster.unknownBranch",
  rosterAmbiguousBranch: "roster.ambiguousBranch",
  rosterNoMilestone: "roster.noMilestone",
  rosterNotAMilestone: "roster.notAMilestone",
  rosterDuplicateInFile: "roster.duplicateInFile",
  rosterOnFile: "roster.onFile",
  rosterUnreadable: "roster.unreadable",
  rosterTooManyRows: "roster.tooManyRows",

  auditOneAtATime: "audit.oneAtATime",
  auditNotDone: "audit.notDone",
} as const;

export type RuleId = (typeof RULES)[keyof typeof RULES];
