// The floor for the pages benchmark: a minimal Express + pg app over the same database doing the least each page
// needs — the dashboard as one COUNT … GROUP BY over the subtree's members, the member list as one keyset page of
// their rows — with no authentication, no decryption, no rules.
import express from "express";
import type http from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "pg";

const PAGE_SIZE = 50;
const SUBTREE = `WITH RECURSIVE subtree(id) AS (SELECT id FROM organizations WHERE id = $1
  UNION ALL SELECT o.id FROM organizations o JOIN subtree s ON o.parent_id = s.id) SELECT id FROM subtree`;

export interface FloorApp {
  baseUrl: string;
  close(): Promise<void>;
}

export async function startFloorApp(databaseUrl: string): Promise<FloorApp> {
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  const app = express();
  app.get("/dashboard", async (req, res, next) => {
    try {
      const { rows } = await pool.query(
        `SELECT stage, status, count(*) AS count FROM members WHERE org_id IN (${SUBTREE}) GROUP BY stage, status`,
        [Number(req.query.orgId)],
      );
      res.json({ groups: rows });
    } catch (error) {
      next(error);
    }
  });
  app.get("/members", async (req, res, next) => {
    try {
      const after =
        typeof req.query.cursor === "string"
          ? (JSON.parse(Buffer.from(req.query.cursor, "base64url").toString("utf8")) as [string, string])
          : null;
      const { rows } = await pool.query<{ id: string; member_key: string; stage: string; status: string; created_at: Date }>(
        `SELECT id, member_key, stage, status, created_at FROM members
          WHERE org_id IN (${SUBTREE}) ${after ? "AND (created_at, id) < ($3, $4)" : ""}
          ORDER BY created_at DESC, id DESC LIMIT $2`,
        [Number(req.query.orgId), PAGE_SIZE + 1, ...(after ?? [])],
      );
      const items = rows.slice(0, PAGE_SIZE);
      const last = items.at(-1);
      const nextCursor =
        rows.length > PAGE_SIZE && last
          ? Buffer.from(JSON.stringify([last.created_at.toISOString(), last.id])).toString("base64url")
          : null;
      res.json({ items, nextCursor });
    } catch (error) {
      next(error);
    }
  });
  const server: http.Server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}
