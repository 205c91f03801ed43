// The ports the HTTP tier depends on. The data-access and chain tiers implement them; tests pass
// small in-memory fakes. Keep them narrow so the frame does not depend on how they are stored.
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import type { RequestHandler, Router } from "express";
import type { Registry } from "prom-client";
import type { Config } from "../config";
import type { Logger } from "../lib/logger";
import type { Action } from "../domain/permissions";
import type { Role } from "../domain/vocabulary";
import type { AuthContext } from "./auth/roles";

export interface AccountForLogin {
  id: string;
  username: string;
  /** argon2id PHC string. */
  passwordHash: string;
  role: Role;
  orgId: number;
  canReadPersonalData: boolean;
  disabled: boolean;
  /** Holds a one-time password: may only choose its own. */
  mustChangePassword?: boolean;
}

export interface AccountsPort {
  findByUsername(username: string): Promise<AccountForLogin | null>;
}

/** Server-side sessions: opened at login, asked on every request, ended at logout. */
export interface SessionsPort {
  open(accountId: string): Promise<{ sessionId: string }>;
  resolve(
    sessionId: string,
  ): Promise<{ auth: AuthContext; mustChangePassword: boolean } | { refused: "sessionEnded" | "sessionExpired" | "accountDisabled" }>;
  end(sessionId: string): Promise<void>;
}

export interface AuditEntry {
  accountId: string;
  orgId: number;
  /** Dotted verb, e.g. 'auth.login', 'record.create'. */
  action: string;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
}

export interface AuditPort {
  record(entry: AuditEntry): Promise<void>;
}

export interface OrgsPort {
  /** True when orgId is rootOrgId itself or one of its descendants. */
  isInSubtree(rootOrgId: number, orgId: number): Promise<boolean>;
}

export interface HealthPort {
  /** Resolves when the database answers; rejects otherwise. */
  database(): Promise<void>;
  /** Resolves with the latest block number when the chain answers; rejects otherwise. */
  chain(): Promise<{ blockNumber: number }>;
}

/** What a route module receives to mount its routes under /api and describe them in OpenAPI. */
export interface RouteContext {
  /** Mounted at /api: register '/members', document '/api/members'. */
  router: Router;
  openapi: OpenAPIRegistry;
  deps: AppDeps;
  authenticate: RequestHandler;
  /** `authenticate` that also lets through an account still holding a one-time password. */
  authenticateForPasswordChange: RequestHandler;
  /** 403 'auth.role' unless the caller's role may do `action` (domain/permissions.ts). */
  requireRole(action: Action): RequestHandler;
  /** Refuses with 403 'scope.orgSubtree' when orgId is outside the caller's organization subtree. */
  assertOrgInScope(auth: AuthContext, orgId: number): Promise<void>;
}

export type RouteModule = (context: RouteContext) => void;

export interface AppDeps {
  config: Config;
  logger: Logger;
  accounts: AccountsPort;
  sessions: SessionsPort;
  audit: AuditPort;
  orgs: OrgsPort;
  health: HealthPort;
  routes?: RouteModule[];
  /** Defaults to a registry of the app's own, so two apps in one process do not share counters. */
  metricsRegistry?: Registry;
  /** True once the instance is stopping (SIGTERM): every new request is refused with 503 and its connection closed. */
  stopping?: () => boolean;
}
