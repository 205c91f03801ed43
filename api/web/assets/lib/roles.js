// The roles' display names, in the one place every page takes them from. In Chinese they are the titles a university's
// Party organizations use for the people doing each job (see docs/使用指南.md): a branch's 组织委员 records the steps of
// a member's development, the committee's 审批人 records its decisions and issues letters, a 党组织管理员 keeps the
// accounts and organizations, an 审计员 checks the records against the chain.
import { messages } from "./i18n.js";

export const roleName = messages({
  "zh-CN": {
    ORG_ADMIN: "党组织管理员",
    CLERK: "组织委员",
    APPROVER: "党委审批人",
    AUDITOR: "审计员",
  },
  en: {
    ORG_ADMIN: "organization admin",
    CLERK: "clerk",
    APPROVER: "committee approver",
    AUDITOR: "auditor",
  },
});
