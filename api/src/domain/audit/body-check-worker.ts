// A worker thread of bodyCheckerInWorkers: checks the packed rows it is sent and answers with their checks.
import { parentPort, workerData } from "node:worker_threads";
import { createFieldCipher } from "../../lib/field-encryption";
import { checkBody } from "./body-check";
import { unpackRows, type PackedRows } from "./body-checker";

const cipher = createFieldCipher((workerData as { fieldEncryptionKey: string }).fieldEncryptionKey);

parentPort!.on("message", (rows: PackedRows) => {
  parentPort!.postMessage(unpackRows(rows).map((row) => checkBody(row, cipher)));
});
