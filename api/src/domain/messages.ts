// The one catalogue of what the service says when it refuses: every rule id a refusal names in code, and every error
// code, each in Chinese (zh-CN) and English. The rules of the rule set carry their own two texts (rules/<version>/
// rules.json, description.zh/en); this catalogue holds the rest. The API answers in the language the request's
// Accept-Language prefers (English by default, with the detailed message the code wrote); the portal asks for the
// reader's. Adding a refusal is one line in RULES (refusals.ts) and one in REFUSALS here;
// the type checker refuses a rule without its texts, and test/api/lib/messages.test.ts checks that both are written.
import type { ErrorBody } from "./errors";
import { RULES, type RuleId } from "./refusals";

export interface MessageText {
  zh: string;
  en: string;
}

export type Language = "zh-CN" | "en";

/** Refusals named by a rule id in code (not in the rule set), in plain words; one line each. */
export const REFUSALS: Record<RuleId, MessageText> = {
  [RULES.authRole]: { zh: "您的账号角色不能办理这项业务。", en: "Your account's role does not allow this." },
  [RULES.scopeOrgSubtree]: { zh: "这个党组织不在您的账号管辖范围内。", en: "This organization is outside your account's organizations." },
  [RULES.scopeApprovingCommittee]: {
    zh: "只有有审批权的党委可以办理这项审批。",
    en: "Only a committee with approval power may approve this.",
  },
  [RULES.personalDataNotGranted]: { zh: "您的账号无权查看党员个人信息。", en: "Your account may not read members' personal data." },
  [RULES.personalDataUnchanged]: { zh: "个人信息没有改动，无需更正。", en: "Nothing in the personal data was changed." },
  [RULES.memberUniqueIdNumber]: { zh: "已有一名使用这个公民身份号码的党员档案。", en: "A member with this ID number is already on file." },
  [RULES.memberTransferredOut]: {
    zh: "这名党员的组织关系已转出，档案只能查看，不能修改。",
    en: "The member was transferred out; the file is read-only.",
  },
  [RULES.recordSupersedeOnce]: {
    zh: "这条记录已经更正过一次，请更正最新的那条记录。",
    en: "This record was already corrected; correct the latest one.",
  },
  [RULES.recordChainMoved]: {
    zh: "记录时这名党员的档案有了新的记录，请刷新后重试。",
    en: "The member's records changed meanwhile; reload and retry.",
  },
  // A step recorded out of order (the rules engine names them S<n>.stage, S<n>.repeat, S<n>.prerequisites).
  [RULES.stepStage]: { zh: "党员目前所处的阶段不能记录这个步骤。", en: "The member's stage does not allow this step." },
  [RULES.stepRepeat]: { zh: "这个步骤已经记录过，不能再次记录。", en: "This step was already recorded." },
  [RULES.stepPrerequisites]: { zh: "须先记录前面的步骤。", en: "Earlier steps must be recorded first." },
  [RULES.generalKnownStep]: { zh: "发展党员工作细则中没有这个步骤。", en: "The rules have no such step." },
  [RULES.generalDateFormat]: { zh: "日期应写成“年-月-日”，例如 2024-03-01。", en: "A date is written YYYY-MM-DD, e.g. 2024-03-01." },
  [RULES.evidenceMatchesItsHash]: {
    zh: "附件文件的内容与登记的指纹不一致，可能已被改动。",
    en: "The evidence file does not match its recorded hash.",
  },
  [RULES.memberPersonalDataSealedToOrganization]: {
    zh: "这名党员的个人信息与其所在党组织对不上，可能在系统之外被改动过，审计会列出。",
    en: "The member's personal data is not sealed to their organization: it was changed outside the service.",
  },
  [RULES.outboxOnlyFailed]: { zh: "只有上链失败的业务可以重新提交。", en: "Only a write that failed on chain can be retried." },
  [RULES.proofNoChain]: { zh: "本系统没有连接联盟链，无法出具或核验存证。", en: "This instance has no chain configured: no proofs." },
  [RULES.proofNotFinal]: {
    zh: "这条记录还没有最终上链确认，确认后才能导出存证。",
    en: "The record is not final on chain yet; its proof exists once it is.",
  },
  [RULES.transferKindFitsStage]: {
    zh: "被取消预备党员资格的人员没有可转接的组织关系。",
    en: "A cancelled probationary member has nothing to transfer.",
  },
  [RULES.transferOneOpen]: { zh: "这名党员已有一封尚未办结的介绍信。", en: "The member already has an open transfer." },
  [RULES.transferNotOpen]: { zh: "这封介绍信已办结（已接收、退回、撤销或过期），不能再办理。", en: "The transfer is no longer open." },
  [RULES.transferAccepting]: {
    zh: "这封介绍信已办理接收，正在等待联盟链确认。",
    en: "The transfer was accepted and waits for the chain to confirm it.",
  },
  [RULES.requestBodyLimit]: { zh: "上传的内容太大。", en: "The request body is too large." },
  [RULES.transferExpired]: { zh: "这封介绍信已过有效期。", en: "The transfer has expired." },
  [RULES.transferExportOnly]: {
    zh: "只有转往联盟以外党组织的介绍信，才由开出方凭对方回执办结。",
    en: "Only an exported transfer is closed with an outside receipt.",
  },
  [RULES.transferReissueAccepted]: { zh: "这封介绍信已被接收，无需补开。", en: "The transfer was accepted; there is nothing to reissue." },
  [RULES.transferReissueOnce]: { zh: "这封介绍信已经补开过一次。", en: "The transfer was already reissued." },
  [RULES.transferReissueSource]: {
    zh: "只有党员现在所在的党组织可以补开介绍信。",
    en: "Only the organization still holding the member reissues its transfer.",
  },
  [RULES.transferFileMissing]: { zh: "对方的党员档案还没有收到，收到并核验后才能接收。", en: "The member's file has not arrived yet." },
  [RULES.transferReviewFailed]: {
    zh: "对方的党员档案没有通过核验，不能接收。请查看核验结果。",
    en: "The member's file does not verify; see the review.",
  },
  [RULES.letterIssuedHere]: {
    zh: "只有开出介绍信的单位可以打印它。",
    en: "Only the institution that issued a transfer prints its letter.",
  },
  [RULES.letterNoNumber]: {
    zh: "这封介绍信开具时还没有编号，请补开一封后再打印。",
    en: "This letter was issued before letters had numbers; reissue it to print.",
  },
  [RULES.federationSignature]: { zh: "对方请求的签名无法核实。", en: "The request's signature does not verify." },
  [RULES.federationRequestExpired]: { zh: "对方的请求已超时，请重新发起。", en: "The request is too old or too new; send it again." },
  [RULES.federationNotDestination]: { zh: "请求方不是这封介绍信的接收党委。", en: "The requester is not the transfer's destination." },
  [RULES.federationNotDestinationAttester]: {
    zh: "请求方的密钥不是接收党委的存证密钥。",
    en: "The requesting key is not an attester of the destination.",
  },
  [RULES.federationTransferNotOpen]: {
    zh: "这封介绍信已办结，不再提供党员档案。",
    en: "The transfer is no longer open: the file is not served.",
  },
  [RULES.federationReplayed]: { zh: "这个请求已经处理过，不能重复提交。", en: "This request was already served; it cannot be replayed." },
  [RULES.federationRequestFromFuture]: {
    zh: "对方请求的时间晚于本机时间，请核对双方服务器的时钟。",
    en: "The request is dated in the future; check both servers' clocks.",
  },
  [RULES.federationNoChain]: {
    zh: "本系统没有连接联盟链，无法与其他高校交换档案。",
    en: "This instance has no chain configured: no exchange with others.",
  },
  [RULES.federationFetch]: {
    zh: "暂时无法从对方高校取得党员档案，系统会自动重试。",
    en: "The member's file could not be fetched; it is retried.",
  },
  [RULES.accountsFirstAdminAtCommittee]: {
    zh: "第一个管理员账号只能设在高校党委。",
    en: "The first administrator belongs to a university committee.",
  },
  [RULES.accountsConsortiumFirstAdminOnly]: {
    zh: "联盟运维账号只能为尚无管理员的党委创建第一个党组织管理员。",
    en: "The consortium operator only creates a committee's first admin.",
  },
  [RULES.accountsNotSelf]: { zh: "不能停用自己的账号。", en: "You cannot disable your own account." },
  [RULES.accountsLastOrgAdmin]: {
    zh: "这是该党组织最后一个管理员账号，不能停用或降级。",
    en: "This is the organization's last administrator account.",
  },
  [RULES.accountsRoleNotAllowed]: {
    zh: "审批人账号只能设在有审批权的党委。",
    en: "An approver belongs to a committee with approval power.",
  },
  [RULES.accountsUnknownOrganization]: { zh: "没有这个党组织。", en: "There is no such organization." },
  [RULES.accountsUsernameTaken]: { zh: "这个用户名已被使用。", en: "The username is taken." },
  [RULES.organizationsCommitteeAdminOnly]: {
    zh: "只有党委的管理员可以增设、重命名或撤销下属党组织。",
    en: "Only a committee's administrator manages its branches.",
  },
  [RULES.organizationsBranchOnly]: {
    zh: "这里只能重命名或撤销党总支和党支部；党委的名称由联盟管理。",
    en: "Only general branches and branches are renamed or closed here.",
  },
  [RULES.organizationsFromAbove]: {
    zh: "不能重命名或撤销自己所在的党组织，请由上级党组织的管理员办理。",
    en: "An administrator above your own organization renames or closes it.",
  },
  [RULES.organizationsClosed]: {
    zh: "这个党组织已撤销，不能再接收党员、账号、组织关系或下属组织，也不能再改名。",
    en: "The organization is closed: it receives nothing new.",
  },
  [RULES.organizationsRequestPending]: {
    zh: "这个党组织还有一项变更正在等待区块链确认，请确认后再办理。",
    en: "A change of this organization is still on its way to the chain.",
  },
  [RULES.organizationsNameUnchanged]: { zh: "新名称与现在的名称相同。", en: "That is already the organization's name." },
  [RULES.organizationsOpenChildren]: {
    zh: "这个党组织下还有未撤销的党组织，请先撤销它们。",
    en: "Organizations under it are still open: close them first.",
  },
  [RULES.organizationsHasMembers]: {
    zh: "这个党组织还有党员（含发展对象等），请先将他们的组织关系转出，再撤销。",
    en: "It still has active members: transfer them first.",
  },
  [RULES.organizationsOpenTransfers]: {
    zh: "还有转入这个党组织的介绍信尚未办结，请办结后再撤销。",
    en: "Transfers into it are still open.",
  },
  [RULES.organizationsHasAccounts]: {
    zh: "这个党组织还有启用的账号，请先将账号调到其他党组织或停用。",
    en: "It still has enabled accounts: move or disable them first.",
  },
  [RULES.organizationsInvalidParent]: {
    zh: "这类党组织不能设在所选的上级党组织下。",
    en: "This kind of organization cannot be placed there.",
  },
  [RULES.organizationsNameTaken]: { zh: "上级党组织下已有同名的党组织。", en: "The parent already has an organization of that name." },
  [RULES.organizationsUnknownParent]: { zh: "没有这个上级党组织。", en: "There is no such parent organization." },
  [RULES.passwordCurrentWrong]: { zh: "当前密码不正确。", en: "The current password is not right." },
  [RULES.passwordTooShort]: { zh: "密码至少需要 10 个字符。", en: "A password has at least 10 characters." },
  [RULES.passwordTooLong]: { zh: "密码最多 128 个字符。", en: "A password has at most 128 characters." },
  [RULES.passwordContainsUsername]: { zh: "密码不能包含用户名。", en: "A password must not contain your username." },
  [RULES.passwordCommon]: {
    zh: "这个密码太常见，很容易被猜到，请换一个。",
    en: "This password is too common and easily guessed; choose another.",
  },
  [RULES.passwordUnchanged]: { zh: "新密码不能与当前密码相同。", en: "Choose a password different from the current one." },
  // A roster import's row refusals (api/src/domain/roster): the report names the row and column beside each.
  [RULES.exportsPeriodOrder]: { zh: "截止日期不能早于起始日期。", en: "The period ends before it begins." },
  [RULES.rosterMissingColumn]: { zh: "文件缺少必需的列，请在列对应关系中指定。", en: "The file lacks a required column; map one to it." },
  [RULES.rosterRequired]: { zh: "这一项不能为空。", en: "This column may not be empty." },
  [RULES.rosterNameTooLong]: { zh: "姓名不能超过 64 个字。", en: "A name has at most 64 characters." },
  [RULES.rosterDateFormat]: {
    zh: "无法识别的日期，请写成“年-月-日”，例如 2024-03-01。",
    en: "Not a date; write YYYY-MM-DD, e.g. 2024-03-01.",
  },
  [RULES.rosterIdNumberFormat]: {
    zh: "公民身份号码应为 18 位：17 位数字加 1 位数字或 X。",
    en: "An ID number is 17 digits and a digit or X.",
  },
  [RULES.rosterIdNumberCheckDigit]: {
    zh: "公民身份号码的校验码不对，请核对是否抄错。",
    en: "The ID number's check character is wrong (GB 11643).",
  },
  [RULES.rosterIdNumberBirthDate]: {
    zh: "公民身份号码中的出生日期不是有效日期。",
    en: "The ID number's birth date is not a calendar date.",
  },
  [RULES.rosterBirthDateMismatch]: {
    zh: "出生日期与公民身份号码中的出生日期不一致。",
    en: "The birth date differs from the one in the ID number.",
  },
  [RULES.rosterNotAMilestone]: {
    zh: "标为名册导入的记录，其步骤须是名册所载的节点（申请入党、确定积极分子、确定发展对象、接收预备党员、转正）。",
    en: "A record marked as entered from a roster is one of the milestones a roster gives (application, activist, candidate, branch meeting, conversion).",
  },
  [RULES.rosterSex]: { zh: "性别应填“男”或“女”。", en: "Sex is 男 (M) or 女 (F)." },
  [RULES.rosterSexMismatch]: {
    zh: "性别与公民身份号码不一致（第 17 位奇数为男，偶数为女）。",
    en: "The sex differs from the ID number's (odd 17th digit: male).",
  },
  [RULES.rosterUnknownBranch]: { zh: "在您管辖的党组织中找不到这个名称的党支部。", en: "No organization of yours has this name." },
  [RULES.rosterAmbiguousBranch]: {
    zh: "您管辖的党组织中有多个同名党组织，请改用唯一的名称。",
    en: "Several of your organizations have this name.",
  },
  [RULES.rosterNoMilestone]: {
    zh: "至少要有一个发展日期（如申请入党日期），才能确定所处阶段。",
    en: "At least one development date is needed to know the stage.",
  },
  [RULES.rosterDuplicateInFile]: {
    zh: "同一公民身份号码在文件中出现了不止一次。",
    en: "This ID number appears more than once in the file.",
  },
  [RULES.rosterOnFile]: {
    zh: "已有使用这个公民身份号码的党员档案，本行不再导入。",
    en: "A member with this ID number is on file; the row is skipped.",
  },
  [RULES.rosterUnreadable]: {
    zh: "无法读取这个文件，请上传电子表格文件或逗号分隔的文本文件（国标或万国码编码均可）。",
    en: "The file cannot be read; upload .xlsx or .csv (UTF-8 or GBK).",
  },
  [RULES.rosterTooManyRows]: {
    zh: "文件的行数超过了一次导入的上限，请分成几个文件。",
    en: "The file has more rows than one import takes; split it.",
  },
  [RULES.auditOneAtATime]: { zh: "已有一次审计正在进行，请查看它的进度。", en: "An audit sweep is already running; follow it instead." },
  [RULES.auditNotDone]: { zh: "这次审计还没有完成，暂无报告。", en: "The audit has not finished: it has no report yet." },
};

/** REFUSALS looked up by an id that came from outside the code (an error body, the rule engine). */
const BY_RULE_ID: Readonly<Partial<Record<string, MessageText>>> = REFUSALS;

/** Refusals without a rule id, by error code. */
export const ERRORS: Record<string, MessageText> = {
  VALIDATION_ERROR: { zh: "填写的内容不符合要求，请检查标出的项目。", en: "A field is missing or not valid." },
  RULE_VIOLATION: { zh: "不符合发展党员工作细则的规定。", en: "A rule refuses this." },
  NOT_FOUND: { zh: "没有找到要查看的内容，可能已被删除或地址有误。", en: "Not found." },
  UNAUTHORIZED: { zh: "请先登录，或登录已过期。", en: "Please log in, or log in again." },
  FORBIDDEN: { zh: "您的账号无权办理这项业务。", en: "Your account may not do this." },
  CONFLICT: { zh: "当前状态下不能办理这项业务，请刷新后查看。", en: "This cannot be done in the current state; reload." },
  CHAIN_UNAVAILABLE: {
    zh: "暂时连不上联盟链，请稍后再试；已办理的业务会在恢复后自动上链。",
    en: "The chain is unavailable; try again later.",
  },
  DATABASE_UNAVAILABLE: { zh: "数据库暂时无法访问，请求未能完成，请稍后重试。", en: "The database is unavailable; try again shortly." },
  SHUTTING_DOWN: { zh: "服务正在停止，本请求未被处理，请稍后重试。", en: "The service is shutting down; try again shortly." },
  TOO_MANY_REQUESTS: { zh: "登录失败次数过多，请稍后再试", en: "Too many failed login attempts; try again later" },
  MALFORMED_JSON: { zh: "请求的格式有误。", en: "The request body is not valid JSON." },
  PAYLOAD_TOO_LARGE: { zh: "上传的内容太大。", en: "The request body is too large." },
  BAD_REQUEST: { zh: "无法读取请求的内容。", en: "The request body cannot be read." },
  INTERNAL_ERROR: { zh: "系统出错了，请稍后再试；问题仍在时请联系管理员。", en: "Internal server error." },
};

/**
 * What the chain's refusals of an organization change mean, by the contract's custom error name: the instance checks
 * first, so the chain refuses only what the instance could not see (its key's role, a change made elsewhere).
 */
export const CHAIN_REFUSALS: Record<string, MessageText> = {
  OrgRegistryNotAdmin: {
    zh: "本系统的区块链密钥还没有该党委的组织管理权限，请联系运维人员授权（见运维文档）。",
    en: "This instance's chain key is not an admin of the committee: ask your operator to grant it (see the operations guide).",
  },
  OrgRegistryInvalidParent: {
    zh: "区块链不允许把这类党组织设在所选的上级党组织下。",
    en: "The chain does not allow this kind of organization under that parent.",
  },
  OrgRegistryEmptyName: { zh: "名称不能为空。", en: "The name must not be empty." },
  OrgRegistryNotBranch: {
    zh: "区块链上只有党总支和党支部可以重命名或撤销。",
    en: "On chain only general branches and branches are renamed or closed.",
  },
  OrgRegistryOrganizationClosed: { zh: "区块链上这个党组织已经撤销。", en: "The organization is already closed on chain." },
  OrgRegistryOpenChildren: {
    zh: "区块链上这个党组织下还有未撤销的党组织，请先撤销它们。",
    en: "Organizations under it are still open on chain: close them first.",
  },
  OrgRegistryUnknownOrganization: { zh: "区块链上没有这个党组织。", en: "The chain knows no such organization." },
};

/** A chain refusal in plain words, in the reader's language; the contract's own text when the catalogue lacks it. */
export function chainRefusalText(refusal: { name: string; message: string }, language: Language): string {
  const text = CHAIN_REFUSALS[refusal.name];
  if (!text) return language === "zh-CN" ? `区块链拒绝了这项操作（${refusal.name}）。` : refusal.message;
  return language === "zh-CN" ? text.zh : text.en;
}

/** The language an Accept-Language header prefers among those the service speaks; English when it names neither. */
export function preferredLanguage(acceptLanguage: string | undefined): Language {
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag, ...parameters] = part.trim().toLowerCase().split(";");
      const quality = parameters.map((parameter) => /^\s*q=([0-9.]+)\s*$/.exec(parameter)?.[1]).find(Boolean);
      return { tag, quality: quality === undefined ? 1 : Number(quality) };
    })
    .filter(({ tag, quality }) => tag && quality > 0)
    .sort((a, b) => b.quality - a.quality);
  const first = ranked.find(({ tag }) => tag === "zh" || tag.startsWith("zh-") || tag === "en" || tag.startsWith("en-"));
  return first?.tag.startsWith("zh") ? "zh-CN" : "en";
}

/** The catalogue entry of a rule id: S7.prerequisites is step.prerequisites. */
export function refusalText(rule: string): MessageText | undefined {
  return BY_RULE_ID[rule] ?? BY_RULE_ID[rule.replace(/^S[0-9]+\./, "step.")];
}

/**
 * An error body in the caller's language. In English the code's own message stays (it names the values compared).
 * In Chinese: a rule of the rule set keeps the engine's message, which is the rule's Chinese description and the
 * dates compared, without the rule id in front; any other rule reads the catalogue's text, else the error code's.
 */
export function localizedError(body: ErrorBody, language: Language): ErrorBody {
  if (language === "en") return body;
  const prefix = body.rule ? `${body.rule}: ` : null;
  if (body.code === "RULE_VIOLATION" && prefix && body.message.startsWith(prefix) && !BY_RULE_ID[body.rule!]) {
    return { ...body, message: body.message.slice(prefix.length) };
  }
  const text = (body.rule && refusalText(body.rule)) || ERRORS[body.code] || ERRORS.INTERNAL_ERROR;
  return { ...body, message: text.zh };
}
