// The transfers wing (组织关系转接): what the rest of the service may use of it. Inside, files by job: issue.ts (a
// letter), decide.ts (accept or reject), incoming.ts (another institution's transfer, settled on chain), close.ts
// (cancel, export receipt), views.ts (lists and detail), current.ts (a transfer as it stands), and letter/ (the
// letter's format, number, PDF and print). Code inside the domain that this wing itself needs (federation's review)
// imports the file it wants, never this index, so no import comes back around.
export { issueTransfer, issueTransferSchema, MAX_VALIDITY_DAYS, reissueTransfer, reissueTransferSchema } from "./issue";
export type { IssueTransferRequest } from "./issue";
export { acceptTransfer, rejectTransfer } from "./decide";
export { cancelTransfer, closeTransferSchema, exportReceiptSchema, recordExportReceipt } from "./close";
export { exportedDestination, getTransfer, listTransfers, readableTransfer, transferView } from "./views";
export type { TransferView } from "./views";
export { transferLetterPdf } from "./letter/print";
export { ledgerLetter, letterOf, type Letter } from "./letter/format";
export type { LetterIssuerContact } from "./letter/pdf";
