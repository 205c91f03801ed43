// Staff accounts, managed by the ORG_ADMINs of an organization department, and each user's own password.
import { z } from "zod";
import {
  accountHistory,
  changeOwnPassword,
  createAccount,
  getAccount,
  listAccounts,
  resetPassword,
  setDisabled,
  updateAccount,
} from "../../domain/accounts";
import type { Institution } from "../../domain/institution";
import { roleSchema } from "../auth/roles";
import type { RouteModule } from "../deps";
import { describe } from "./describe";
import { handle } from "./handle";

const accountParams = z.object({ accountId: z.uuid() });
const username = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "lower-case letters, digits, '.', '_' and '-', starting with a letter or digit");
const displayName = z.string().trim().min(1).max(64);
const orgId = z.number().int().positive();

export const createAccountSchema = z
  .strictObject({ username, displayName, role: roleSchema, orgId, canReadPersonalData: z.boolean() })
  .meta({ id: "NewAccount" });
export const updateAccountSchema = z
  .strictObject({
    displayName: displayName.optional(),
    role: roleSchema.optional(),
    orgId: orgId.optional(),
    canReadPersonalData: z.boolean().optional(),
  })
  .meta({ id: "AccountChanges" });
export const changePasswordSchema = z
  .strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) })
  .meta({ id: "PasswordChange" });

export function accountRoutes(institution: Institution): RouteModule {
  return ({ router, openapi, authenticate, authenticateForPasswordChange, requireRole }) => {
    const admin = [authenticate, requireRole("administerAccounts")];

    describe(openapi, {
      method: "get",
      path: "/api/accounts",
      summary: "The accounts of your organization subtree",
      tag: "accounts",
      errors: [403],
    });
    router.get(
      "/accounts",
      ...admin,
      handle({}, async ({ actor }) => ({ items: await listAccounts(institution, actor) })),
    );

    describe(openapi, {
      method: "post",
      path: "/api/accounts",
      summary: "Create an account; its one-time password is in the answer, once",
      tag: "accounts",
      body: createAccountSchema,
      status: 201,
      errors: [400, 403, 409, 422],
    });
    router.post(
      "/accounts",
      ...admin,
      handle({ body: createAccountSchema, status: 201 }, ({ actor, body }) => createAccount(institution, actor, body)),
    );

    describe(openapi, {
      method: "get",
      path: "/api/accounts/{accountId}",
      summary: "One account",
      tag: "accounts",
      params: accountParams,
      errors: [400, 403, 404],
    });
    router.get(
      "/accounts/:accountId",
      ...admin,
      handle({ params: accountParams }, ({ actor, params }) => getAccount(institution, actor, params.accountId)),
    );

    describe(openapi, {
      method: "patch",
      path: "/api/accounts/{accountId}",
      summary: "Change an account's display name, role, organization or personal-data grant",
      tag: "accounts",
      params: accountParams,
      body: updateAccountSchema,
      errors: [400, 403, 404, 422],
    });
    router.patch(
      "/accounts/:accountId",
      ...admin,
      handle({ params: accountParams, body: updateAccountSchema }, ({ actor, params, body }) =>
        updateAccount(institution, actor, params.accountId, body),
      ),
    );

    for (const [path, disabled] of [
      ["disable", true],
      ["enable", false],
    ] as const) {
      describe(openapi, {
        method: "post",
        path: `/api/accounts/{accountId}/${path}`,
        summary: `${disabled ? "Disable" : "Re-enable"} an account (from its next request on)`,
        tag: "accounts",
        params: accountParams,
        errors: [400, 403, 404, 422],
      });
      router.post(
        `/accounts/:accountId/${path}`,
        ...admin,
        handle({ params: accountParams }, ({ actor, params }) => setDisabled(institution, actor, params.accountId, disabled)),
      );
    }

    describe(openapi, {
      method: "post",
      path: "/api/accounts/{accountId}/reset-password",
      summary: "A new one-time password for the account, shown once; its sessions end",
      tag: "accounts",
      params: accountParams,
      errors: [400, 403, 404],
    });
    router.post(
      "/accounts/:accountId/reset-password",
      ...admin,
      handle({ params: accountParams }, ({ actor, params }) => resetPassword(institution, actor, params.accountId)),
    );

    describe(openapi, {
      method: "get",
      path: "/api/accounts/{accountId}/history",
      summary: "Every change of the account: what, when, by whom",
      tag: "accounts",
      params: accountParams,
      errors: [400, 403, 404],
    });
    router.get(
      "/accounts/:accountId/history",
      ...admin,
      handle({ params: accountParams }, async ({ actor, params }) => ({
        items: await accountHistory(institution, actor, params.accountId),
      })),
    );

    describe(openapi, {
      method: "post",
      path: "/api/auth/password",
      summary: "Choose your own password (required after a one-time password)",
      tag: "auth",
      body: changePasswordSchema,
      errors: [400, 422],
    });
    router.post(
      "/auth/password",
      authenticateForPasswordChange,
      handle({ body: changePasswordSchema }, async ({ actor, body }) => ({
        account: await changeOwnPassword(institution, actor, body.currentPassword, body.newPassword),
      })),
    );
  };
}
