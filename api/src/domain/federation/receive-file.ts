// The destination's side of getting a member's file: fetched from the source's instance with a request signed by this
// instance's key (the endpoint is the one the source's committee publishes on chain), or imported from an export
// package the source handed over. Either way the file is stored encrypted; the review checks it against the chain.
import type { Transfer } from "../../data-access";
import { fileRequestDigest, newRequestNonce, signFileRequest, type SignedFileRequest } from "../../lib/file-request";
import { MemberPackageError, memberPackageSchema, openMemberPackage } from "../../lib/member-package";
import { openSealedFile, SealedFileError, sealedFileSchema } from "../../lib/sealed-file";
import { requireApprover } from "../access";
import { AppError, Conflict, NotFound, ValidationError } from "../errors";
import type { Actor, Institution } from "../institution";
import { memberFileSchema, type MemberFileDocument } from "./member-file";
import { federationOf } from "./sources";
import { RULES } from "../refusals";

export const MEMBER_FILE_PATH = "/api/federation/member-files";

/** Why a file could not be fetched, in words a clerk can act on. */
export class FileFetchError extends AppError {
  constructor(message: string) {
    super("FILE_FETCH_FAILED", 502, message, { rule: RULES.federationFetch });
  }
}

function fileContext(transferId: string): string {
  return `member-file:${transferId}`;
}

export async function incomingTransfer(institution: Institution, transferId: string): Promise<Transfer> {
  const transfer = await institution.repositories.transfers.get(transferId);
  if (!transfer || transfer.issuedHere) throw new NotFound(`no incoming transfer ${transferId}`);
  return transfer;
}

/** Asks the source's instance for the file and stores it. */
export async function fetchMemberFile(institution: Institution, transfer: Transfer): Promise<void> {
  const federation = federationOf(institution);
  const { reader } = federation;
  const [destination, source] = await Promise.all([
    reader.approvingCommitteeOf(transfer.toOrgId!),
    reader.approvingCommitteeOf(transfer.fromOrgId),
  ]);
  const endpoint = (await reader.serviceEndpoint(source)).replace(/\/+$/, "");
  if (!endpoint) {
    throw new FileFetchError(`committee ${source} publishes no instance endpoint on chain: ask it for an export package`);
  }
  const signed = await signFileRequest(federation.signer, federation.requestChain, {
    transferId: transfer.id,
    committeeId: destination,
    issuedAt: Math.floor(institution.now().getTime() / 1000),
    nonce: newRequestNonce(),
  });
  let response: Response;
  try {
    response = await federation.fetch(`${endpoint}${MEMBER_FILE_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(signed),
      signal: AbortSignal.timeout(federation.fetchTimeoutMs),
    });
  } catch (error) {
    throw new FileFetchError(
      `the source's instance at ${endpoint} did not answer (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    throw new FileFetchError(`the source's instance at ${endpoint} refused: ${refusalOf(text, response.status)}`);
  }
  const opened = openAnswer(institution, signed, text, `the answer of ${endpoint}`);
  const parsed = parseFile(opened, transfer, `the answer of ${endpoint}`);
  if (typeof parsed === "string") throw new FileFetchError(parsed);
  await storeFile(institution, transfer, "FETCH", parsed);
}

/** Imports the file from the source's export package and its package key. */
export async function importMemberPackage(
  institution: Institution,
  actor: Actor,
  transferId: string,
  input: { memberPackage: unknown; packageKey: string },
): Promise<void> {
  const transfer = await incomingTransfer(institution, transferId);
  await requireApprover(institution.repositories, actor, transfer.toOrgId!);
  if (transfer.state !== "ISSUED") throw new Conflict(`transfer ${transferId} is ${transfer.state}`, { rule: RULES.transferNotOpen });
  const memberPackage = memberPackageSchema.safeParse(input.memberPackage);
  if (!memberPackage.success) {
    throw new ValidationError({ field: "memberPackage", message: `not an export package: ${memberPackage.error.issues[0].message}` });
  }
  let text: string;
  try {
    text = openMemberPackage(memberPackage.data, input.packageKey, transferId);
  } catch (error) {
    if (error instanceof MemberPackageError) throw new ValidationError({ field: error.reason, message: error.message });
    throw error;
  }
  const parsed = parseFile(text, transfer, "the package");
  if (typeof parsed === "string") throw new ValidationError({ field: "memberPackage", message: parsed });
  await storeFile(institution, transfer, "PACKAGE", parsed);
}

export function openStoredFile(institution: Institution, transferId: string, content: Uint8Array): MemberFileDocument {
  return JSON.parse(institution.cipher.decrypt(Buffer.from(content).toString("utf8"), fileContext(transferId))) as MemberFileDocument;
}

export function sealFile(institution: Institution, transferId: string, file: MemberFileDocument): Buffer {
  return Buffer.from(institution.cipher.encrypt(JSON.stringify(file), fileContext(transferId)));
}

async function storeFile(institution: Institution, transfer: Transfer, via: "FETCH" | "PACKAGE", file: MemberFileDocument) {
  if (!(await institution.repositories.incomingFiles.receive(transfer.id, via, sealFile(institution, transfer.id, file)))) {
    throw new Conflict(`transfer ${transfer.id} is no longer ISSUED: the file it was accepted with is kept as reviewed`, {
      rule: RULES.transferNotOpen,
    });
  }
}

/** The member file's text from the source's sealed answer to this request. */
function openAnswer(institution: Institution, signed: SignedFileRequest, text: string, what: string): string {
  const federation = federationOf(institution);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FileFetchError(`${what} is not JSON`);
  }
  const sealed = sealedFileSchema.safeParse(json);
  if (!sealed.success) {
    const [issue] = sealed.error.issues;
    throw new FileFetchError(`${what} is not a sealed member file: ${issue.path.join(".")}: ${issue.message}`);
  }
  try {
    return openSealedFile(sealed.data, federation.signer.privateKey, fileRequestDigest(federation.requestChain, signed.request));
  } catch (error) {
    if (error instanceof SealedFileError) throw new FileFetchError(`${what}: ${error.message}`);
    throw error;
  }
}

/** The file, or what is wrong with it. */
function parseFile(text: string, transfer: Transfer, what: string): MemberFileDocument | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `${what} is not JSON`;
  }
  const parsed = memberFileSchema.safeParse(json);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    return `${what} is not a member file: ${issue.path.join(".")}: ${issue.message}`;
  }
  if (parsed.data.transferId !== transfer.id || parsed.data.member.memberKey !== transfer.memberKey) {
    return `${what} is the file of another transfer or member`;
  }
  return parsed.data;
}

function refusalOf(text: string, status: number): string {
  try {
    const { error } = JSON.parse(text) as { error?: { rule?: string; message?: string } };
    if (error?.message) return error.rule ? `${error.rule}: ${error.message}` : error.message;
  } catch {
    // Not our error format: the status says enough.
  }
  return `HTTP ${status}`;
}
