// What the domain services need from the rest of the instance. Built once at start (api/src/server.ts);
// tests build it over an in-memory PGlite. No express, no typeorm here: repositories return plain objects.
import type { Repositories } from "../data-access";
import type { FieldCipher } from "../lib/field-encryption";
import type { IsoDate } from "../lib/calendar";
import type { FederationSources } from "./federation/sources";
import type { ProofSources } from "./proofs";
import type { RuleSet } from "./rules";

export type Role = "ORG_ADMIN" | "CLERK" | "APPROVER" | "AUDITOR";

/** Who acts, as the HTTP tier authenticated them. */
export interface Actor {
  accountId: string;
  orgId: number;
  role: Role;
  canReadPersonalData: boolean;
}

export interface Institution {
  /** Autocommit repositories, for reads. */
  repositories: Repositories;
  /** Runs `work` in one database transaction: everything it writes commits or rolls back together. */
  transaction<T>(work: (repositories: Repositories) => Promise<T>): Promise<T>;
  cipher: FieldCipher;
  blindIndexKey: string;
  /** The rule set new records are checked against; older records name their own version. */
  ruleSet: RuleSet;
  /** Today in China Standard Time. */
  today(): IsoDate;
  now(): Date;
  /** Present when the instance has a chain: what proof bundles and their verification read. */
  proofs?: ProofSources;
  /** Present when the instance has a chain and its own key: what transfers between institutions need. */
  federation?: FederationSources;
}
