import { z } from "zod";

import { ACCOUNT_ROLES, type Role } from "../../domain/vocabulary";

export const roleSchema = z.enum(ACCOUNT_ROLES);

/** Who is calling, as established by a valid token. */
export interface AuthContext {
  accountId: string;
  orgId: number;
  role: Role;
  canReadPersonalData: boolean;
}
