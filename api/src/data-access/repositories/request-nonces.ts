import type { EntityManager } from "typeorm";

/** Single-use nonces of signed requests from other instances, remembered until their request expires. */
export class RequestNoncesRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Records the nonce; false when it was already recorded (a replay). Nonces past their expiry are forgotten first:
   * their requests are refused as expired before their nonce is looked at.
   */
  async claim(nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
    await this.manager.query(`DELETE FROM request_nonces WHERE expires_at < $1`, [now]);
    const inserted: unknown[] = await this.manager.query(
      `INSERT INTO request_nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING RETURNING nonce`,
      [nonce, expiresAt],
    );
    return inserted.length === 1;
  }
}
