// Every stored evidence file opened and hashed again: its bytes must still be the ones its SHA-256 names.
import type { InstanceScanRepository } from "../../data-access/repositories/instance-scan";
import type { FieldCipher } from "../../lib/field-encryption";
import { openVerifiedEvidence } from "../membership/evidence";
import type { FindingSet } from "./report";

const EVIDENCE_PAGE = 50;

export async function checkEvidence(
  scan: Pick<InstanceScanRepository, "evidencePage">,
  cipher: Pick<FieldCipher, "decrypt">,
  findings: FindingSet,
): Promise<number> {
  let count = 0;
  for (
    let page = await scan.evidencePage(null, EVIDENCE_PAGE);
    page.length > 0;
    page = await scan.evidencePage(page.at(-1)!.id, EVIDENCE_PAGE)
  ) {
    count += page.length;
    for (const file of page) {
      if (openVerifiedEvidence(cipher, file) !== null) continue;
      findings.add({
        kind: "EVIDENCE_TAMPERED",
        recordId: null,
        subject: { type: "evidence", id: file.id },
        detail: `The stored evidence file ${file.sha256} does not open to ${file.size} bytes with that SHA-256: its stored bytes were altered.`,
      });
    }
  }
  return count;
}
