import { InitialSchema1764547200000 } from "./1764547200000-InitialSchema";
import { Anchoring1764633600000 } from "./1764633600000-Anchoring";
import { Federation1764720000000 } from "./1764720000000-Federation";
import { UniqueActivePerson1764820000000 } from "./1764820000000-UniqueActivePerson";
import { AcceptingTransfers1764830000000 } from "./1764830000000-AcceptingTransfers";
import { WriteReceipts1764840000000 } from "./1764840000000-WriteReceipts";
import { EvidenceHolders1764850000000 } from "./1764850000000-EvidenceHolders";
import { RequestNonces1764850000010 } from "./1764850000010-RequestNonces";
import { AccountsAndSessions1764860000000 } from "./1764860000000-AccountsAndSessions";
import { LetterNumber1764870000000 } from "./1764870000000-LetterNumber";
import { AuditLogChain1764880000000 } from "./1764880000000-AuditLogChain";
import { AdminLogCheckpoints1764890000000 } from "./1764890000000-AdminLogCheckpoints";
import { ClosedOrganizations1764900000000 } from "./1764900000000-ClosedOrganizations";
import { MemberNextDue1764910000000 } from "./1764910000000-MemberNextDue";
import { MemberSearchTokens1764920000000 } from "./1764920000000-MemberSearchTokens";
import { PersonalDataHistory1764930000000 } from "./1764930000000-PersonalDataHistory";
import { LogPositionPerTransaction1764945000000 } from "./1764945000000-LogPositionPerTransaction";

/** Every migration, oldest first. Listed explicitly so they load the same under ts-node and compiled JS. */
export const MIGRATIONS = [
  InitialSchema1764547200000,
  Anchoring1764633600000,
  Federation1764720000000,
  UniqueActivePerson1764820000000,
  AcceptingTransfers1764830000000,
  WriteReceipts1764840000000,
  EvidenceHolders1764850000000,
  RequestNonces1764850000010,
  AccountsAndSessions1764860000000,
  LetterNumber1764870000000,
  AuditLogChain1764880000000,
  AdminLogCheckpoints1764890000000,
  ClosedOrganizations1764900000000,
  MemberNextDue1764910000000,
  MemberSearchTokens1764920000000,
  PersonalDataHistory1764930000000,
  LogPositionPerTransaction1764945000000,
];
