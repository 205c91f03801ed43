import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { AccountEntity } from "../entities";
import { DuplicateError } from "../errors";
import type { Account, AccountRole } from "../types";
import { toPlain, violatedUniqueConstraint } from "./shared";

export interface NewAccount {
  username: string;
  passwordHash: string;
  role: AccountRole;
  orgId: number;
  canReadPersonalData?: boolean;
  chainAddress?: string | null;
}

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
      });
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint) throw new DuplicateError(constraint);
      throw error;
    }
    return (await this.get(id))!;
  }

  async get(id: string): Promise<Account | null> {
    const entity = await this.manager.findOneBy(AccountEntity, { id });
    return entity && toPlain(entity);
  }

  async findByUsername(username: string): Promise<Account | null> {
    const entity = await this.manager.findOneBy(AccountEntity, { username });
    return entity && toPlain(entity);
  }
}
