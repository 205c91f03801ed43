import { z } from "zod";

export const ROLES = ["ORG_ADMIN", "CLERK", "APPROVER", "AUDITOR"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = (typeof ROLES)[number];

/** Who is calling, as established by a valid token. */
export interface AuthContext {
  accountId: string;
  orgId: number;
  role: Role;
  canReadPersonalData: boolean;
}
