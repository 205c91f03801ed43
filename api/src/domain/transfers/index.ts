// The transfers wing (组织关系转接): what the rest of the service may use of it. Inside, files by job: state-machine.ts
// (the one transition function, for a clerk's action here and a chain event alike), issue.ts (a letter), decide.ts
// (accept or reject), incoming.ts (another institution's transfer, settled on chain), close.ts (cancel, export
// receipt), views.ts (lists and detail), current.ts (a transfer as it stands), and letter/ (the letter's format,
// number, PDF and print). A module the wing itself imports (federation's review, the data tier's transfers repository)
// takes the one file it needs from the wing, never this index, so no import comes back around.
export { issueTransfer, issueTransferSchema, MAX_VALIDITY_DAYS, reissueTransfer, reissueTransferSchema } from "./issue";
export type { IssueTransferRequest } from "./issue";
export { acceptTransfer, rejectTransfer } from "./decide";
export { cancelTransfer, closeTransferSchema, exportReceiptSchema, recordExportReceipt } from "./close";
export { exportedDestination, getTransfer, listTransfers, readableTransfer, transferView } from "./views";
export type { TransferView } from "./views";
export { nextTransferState, TRANSFER_MOVES, TRANSFER_TRANSITIONS } from "./state-machine";
export type { TransferMove, TransferMoveOrigin, TransferStep } from "./state-machine";
export { transferLetterPdf } from "./letter/print";
export { ledgerLetter, letterOf, type Letter } from "./letter/format";
export type { LetterIssuerContact } from "./letter/pdf";
