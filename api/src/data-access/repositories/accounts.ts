import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { AccountEntity } from "../entities";
import { DuplicateError } from "../errors";
import type { Account } from "../types";
import { subtreeIdsSql, toPlain, violatedUniqueConstraint } from "./shared";
import type { AccountRole } from "../../domain/vocabulary";

export interface NewAccount {
  username: string;
  passwordHash: string;
  role: AccountRole;
  orgId: number;
  canReadPersonalData?: boolean;
  chainAddress?: string | null;
  displayName?: string;
  mustChangePassword?: boolean;
}

/** What an administrator or the account itself may change after creation. */
export type AccountChanges = Partial<
  Pick<Account, "displayName" | "role" | "orgId" | "canReadPersonalData" | "disabled" | "passwordHash" | "mustChangePassword">
>;

export class AccountsRepository {
  constructor(private readonly manager: EntityManager) {}

  /** @throws DuplicateError when the username is taken. */
  async create(account: NewAccount): Promise<Account> {
    const id = randomUUID();
    try {
      await this.manager.insert(AccountEntity, {
        id,
        username: account.username,
        passwordHash: account.passwordHash,
        role: account.role,
        orgId: account.orgId,
        canReadPersonalData: account.canReadPersonalData ?? false,
        chainAddress: account.chainAddress ?? null,
        displayName: account.displayName ?? "",
        mustChangePassword: account.mustChangePassword ?? false,
      });
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint) throw new DuplicateError(constraint);
      throw error;
    }
    return (await this.get(id))!;
  }

  /** Applies `changes` and returns the account as it now stands; null when there is no such account. */
  async update(id: string, changes: AccountChanges): Promise<Account | null> {
    if (Object.keys(changes).length > 0) await this.manager.update(AccountEntity, { id }, changes);
    return this.get(id);
  }

  async get(id: string): Promise<Account | null> {
    const entity = await this.manager.findOneBy(AccountEntity, { id });
    return entity && toPlain(entity);
  }

  async findByUsername(username: string): Promise<Account | null> {
    const entity = await this.manager.findOneBy(AccountEntity, { username });
    return entity && toPlain(entity);
  }

  /** Accounts of the organization and everything below it, by username. */
  async listInSubtree(rootOrgId: number): Promise<Account[]> {
    const entities = await this.manager
      .createQueryBuilder(AccountEntity, "account")
      .where(`account.orgId IN (${subtreeIdsSql(":rootOrgId")})`, { rootOrgId })
      .orderBy("account.username", "ASC")
      .getMany();
    return entities.map(toPlain);
  }

  /** Enabled accounts of `role` in exactly this organization (not below it). */
  async countEnabled(orgId: number, role: AccountRole): Promise<number> {
    return this.manager.countBy(AccountEntity, { orgId, role, disabled: false });
  }
}
