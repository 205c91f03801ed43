// keccak-256 of UTF-8 text as lowercase hex, the hash under every record, rule set and log entry. Hashing is most of
// the audit sweep's and the verifier's CPU (docs/benchmarks.md): hash-wasm's WebAssembly keccak is several times
// faster than JavaScript. WebAssembly compiles asynchronously, so until it is ready (the first milliseconds of a
// process) the same hash comes from @noble/hashes; test/api/lib/keccak.test.ts checks that both agree.
import { keccak_256 } from "@noble/hashes/sha3";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import { createKeccak, type IHasher } from "hash-wasm";

let wasmKeccak: IHasher | undefined;

/** Resolves once the WebAssembly hasher is in use; a process that cannot compile it keeps the JavaScript one. */
export const fastKeccakReady: Promise<boolean> = createKeccak(256).then(
  (hasher) => {
    wasmKeccak = hasher;
    return true;
  },
  () => false,
);

/** keccak-256 in JavaScript: the reference the WebAssembly hasher is checked against. */
export function keccak256HexInJavaScript(text: string): string {
  return bytesToHex(keccak_256(utf8ToBytes(text)));
}

export function keccak256Hex(text: string): string {
  if (!wasmKeccak) return keccak256HexInJavaScript(text);
  // init → update → digest runs without yielding, so one shared hasher serves every caller of this thread.
  wasmKeccak.init();
  wasmKeccak.update(text);
  return wasmKeccak.digest("hex");
}
