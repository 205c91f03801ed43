// Random bytes for the many small values a bulk write draws (a nonce per sealed value, a salt per record, a member
// key per member): node:crypto's randomBytes costs a call into OpenSSL each time, which a roster import of 100,000
// members made about a tenth of its CPU (docs/benchmarks.md). The bytes come from the same CSPRNG, drawn a few KiB at
// a time; each value is handed out once and never reused, and a spent pool is replaced by a fresh buffer (never
// refilled in place), so a value already handed out as a view of it cannot change.
import { randomBytes } from "node:crypto";

const POOL_BYTES = 8192;

let pool = randomBytes(POOL_BYTES);
let offset = 0;

/** `size` fresh random bytes (size ≤ 8 KiB), as a view the caller owns. */
export function pooledRandomBytes(size: number): Buffer {
  if (!Number.isInteger(size) || size < 1 || size > POOL_BYTES) throw new RangeError(`pooledRandomBytes: size ${size}`);
  if (offset + size > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + size);
  offset += size;
  return bytes;
}
