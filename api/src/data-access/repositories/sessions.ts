import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { IsNull } from "typeorm";
import { SessionEntity } from "../entities";
import type { Session } from "../types";
import { toPlain } from "./shared";

/** Login sessions: a token names one, and it is honoured only while it is open here. */
export class SessionsRepository {
  constructor(private readonly manager: EntityManager) {}

  async open(accountId: string, at: Date): Promise<Session> {
    const id = randomUUID();
    await this.manager.insert(SessionEntity, { id, accountId, createdAt: at, lastSeenAt: at, endedAt: null });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<Session | null> {
    const entity = await this.manager.findOneBy(SessionEntity, { id });
    return entity && toPlain(entity);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.manager.update(SessionEntity, { id, endedAt: IsNull() }, { lastSeenAt: at });
  }

  async end(id: string, at: Date): Promise<void> {
    await this.manager.update(SessionEntity, { id, endedAt: IsNull() }, { endedAt: at });
  }

  /** Ends every open session of the account: after a password reset nobody keeps the old one's sessions. */
  async endAllOf(accountId: string, at: Date): Promise<void> {
    await this.manager.update(SessionEntity, { accountId, endedAt: IsNull() }, { endedAt: at });
  }
}
