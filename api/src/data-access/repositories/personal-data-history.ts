import type { EntityManager } from "typeorm";

/** A version of a member's personal data that a correction replaced, still sealed as it was. */
export interface ReplacedPersonalData {
  id: number;
  memberId: string;
  /** The organization it was sealed to. */
  orgId: number;
  personalData: Uint8Array;
  reasonCode: string;
  replacedBy: string;
  replacedAt: Date;
}

/** The earlier versions of members' personal data: appended by a correction, never changed. */
export class PersonalDataHistoryRepository {
  constructor(private readonly manager: EntityManager) {}

  async add(entry: Omit<ReplacedPersonalData, "id" | "replacedAt">): Promise<void> {
    await this.manager.query(
      "INSERT INTO personal_data_history (member_id, org_id, personal_data, reason_code, replaced_by) VALUES ($1, $2, $3, $4, $5)",
      [entry.memberId, entry.orgId, Buffer.from(entry.personalData), entry.reasonCode, entry.replacedBy],
    );
  }

  /** The member's replaced versions, oldest first. */
  async listByMember(memberId: string): Promise<ReplacedPersonalData[]> {
    const rows: {
      id: string;
      member_id: string;
      org_id: number;
      personal_data: Uint8Array;
      reason_code: string;
      replaced_by: string;
      replaced_at: Date | string;
    }[] = await this.manager.query(
      "SELECT id, member_id, org_id, personal_data, reason_code, replaced_by, replaced_at FROM personal_data_history WHERE member_id = $1 ORDER BY id",
      [memberId],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      memberId: row.member_id,
      orgId: Number(row.org_id),
      personalData: Buffer.from(row.personal_data),
      reasonCode: row.reason_code,
      replacedBy: row.replaced_by,
      replacedAt: new Date(row.replaced_at),
    }));
  }
}
