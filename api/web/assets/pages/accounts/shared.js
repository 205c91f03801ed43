// What the account pages share: the role names, the refusals in plain words, and the organization choice by name.
import { html } from "/portal/vendor/preact-htm.js";
import { session } from "../../lib/api.js";
import { messages } from "../../lib/i18n.js";
import { OrganizationSelect } from "../../lib/organizations.js";
import { roleName } from "../../lib/roles.js";
import { useVocabulary } from "../../lib/vocabulary.js";

/** The roles an account may have (GET /api/vocabulary), for the role choices; none until they are known. */
export function useRoles() {
  return useVocabulary().data?.roles ?? [];
}

const own = messages({
  "zh-CN": {
    username: "用户名",
    usernameHint: "小写字母、数字、“.”“_”“-”，3–64 个字符，登录时使用。",
    displayName: "姓名（显示名）",
    role: "角色",
    organization: "所属组织",
    grant: "可查看党员个人信息（姓名、身份证号等）",
    disabled: "已停用",
    enabled: "正常",
    oneTimeTitle: "一次性密码（只显示这一次）",
    oneTimeHint: "请把它当面或通过安全渠道交给 {username}。首次登录后必须设置自己的密码。",
    missing: "请填写此项",
    "scope.orgSubtree": "您只能管理本单位及下级组织的账号。",
    "accounts.usernameTaken": "这个用户名已被使用，请换一个。",
    "accounts.roleNotAllowed": "这个组织不能设置该角色：党委审批人必须属于有审批权的党委。",
    "accounts.lastOrgAdmin": "这是该组织最后一个党组织管理员，请先为该组织另设一位党组织管理员。",
    "accounts.notSelf": "不能停用自己的账号。",
    "accounts.consortiumFirstAdminOnly": "联盟运维账号只能为尚无管理员的党委创建第一个党组织管理员。",
  },
  en: {
    username: "Username",
    usernameHint: "Lower-case letters, digits, '.', '_' and '-', 3–64 characters; used to log in.",
    displayName: "Name (as shown)",
    role: "Role",
    organization: "Organization",
    grant: "May read members' personal data (names, ID numbers…)",
    disabled: "Disabled",
    enabled: "Active",
    oneTimeTitle: "One-time password (shown only this once)",
    oneTimeHint: "Hand it to {username} in person or over a safe channel. They must choose their own at first login.",
    missing: "Fill in this field",
    "scope.orgSubtree": "You manage only the accounts of your organization and those below it.",
    "accounts.usernameTaken": "This username is taken; choose another.",
    "accounts.roleNotAllowed": "This organization cannot hold that role: an approver belongs to a committee with approval power.",
    "accounts.lastOrgAdmin": "This is the organization's last admin: give it another admin first.",
    "accounts.notSelf": "You cannot disable your own account.",
    "accounts.consortiumFirstAdminOnly": "The consortium operator only creates a committee's first admin.",
  },
});

/** The pages' words, the role names among them (taken from the one list of role names). */
export const t = (key, params) => {
  const role = roleName(key);
  return role === key ? own(key, params) : role;
};

/** An API refusal in the user's language when the rule is known here, else the server's words. */
export function refusalText(error) {
  return error?.rule && t(error.rule) !== error.rule ? t(error.rule) : error?.message;
}

/** The organizations the admin may choose, by name: its own subtree. */
export function AdminOrganizationSelect(props) {
  return html`<${OrganizationSelect} ...${props} rootId=${session()?.account.orgId} />`;
}

export function OneTimePassword({ username, password }) {
  return html`
    <div class="success-message" role="status">
      <p><strong>${t("oneTimeTitle")}</strong></p>
      <p><span class="one-time-password" data-testid="one-time-password">${password}</span></p>
      <p>${t("oneTimeHint", { username })}</p>
    </div>
  `;
}
