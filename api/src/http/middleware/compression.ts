// Compresses text answers (JSON, the portal's HTML, scripts and styles) with brotli or gzip, whichever the client
// prefers, when it asks. Written on Node's zlib because no compression middleware is among the project's packages;
// it decides once the headers are known (at the first write or at the end), so routes stay unaware of it.
import type { RequestHandler, Response } from "express";
import zlib from "node:zlib";

/** Below this many bytes the encoding's framing and CPU cost more than the bytes saved. */
export const MIN_COMPRESSED_BYTES = 1024;
const COMPRESSIBLE_TYPE = /^\s*(text\/|application\/(json|javascript|xml|[a-z0-9.+-]*\+(json|xml))|image\/svg\+xml)/i;
/** Quality 4 of 11: most of brotli's gain at a fraction of its CPU, as answers are compressed per request. */
const BROTLI_QUALITY = 4;
const ENCODINGS = ["br", "gzip"] as const;
type Encoding = (typeof ENCODINGS)[number];

type Chunk = string | Buffer | Uint8Array;
type Callback = (error?: Error | null) => void;

export function compression(): RequestHandler {
  return (req, res, next) => {
    const write = res.write.bind(res) as (chunk: Chunk) => boolean;
    const end = res.end.bind(res) as (callback?: () => void) => Response;
    let compressor: zlib.BrotliCompress | zlib.Gzip | null | undefined;

    const decide = (firstChunk: Chunk | undefined, ending: boolean): zlib.BrotliCompress | zlib.Gzip | null => {
      if (compressor !== undefined) return compressor;
      compressor = null;
      if (res.headersSent || req.method === "HEAD" || res.statusCode === 204 || res.statusCode === 304) return null;
      if (res.getHeader("Content-Encoding") || !COMPRESSIBLE_TYPE.test(String(res.getHeader("Content-Type") ?? ""))) return null;
      res.vary("Accept-Encoding");
      const declared = res.getHeader("Content-Length");
      const length = declared !== undefined ? Number(declared) : ending ? byteLength(firstChunk) : Infinity;
      const encoding = preferredEncoding(req.headers["accept-encoding"]);
      if (length < MIN_COMPRESSED_BYTES || encoding === null) return null;
      res.setHeader("Content-Encoding", encoding);
      res.removeHeader("Content-Length");
      compressor =
        encoding === "br"
          ? zlib.createBrotliCompress({
              params: {
                [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
                ...(Number.isFinite(length) && { [zlib.constants.BROTLI_PARAM_SIZE_HINT]: length }),
              },
            })
          : zlib.createGzip();
      const output = compressor;
      output.on("data", (chunk: Buffer) => {
        if (!write(chunk)) output.pause();
      });
      res.on("drain", () => output.resume());
      // A stream piped into the answer (res.sendFile) waits for the answer's "drain" when a write returns false;
      // that false now comes from the compressor's buffer, so its "drain" must reach the answer's listeners too.
      output.on("drain", () => res.emit("drain"));
      output.on("end", () => end());
      output.on("error", (error) => res.destroy(error));
      return output;
    };

    res.write = ((chunk: Chunk, encodingOrCallback?: BufferEncoding | Callback, callback?: Callback) => {
      const output = decide(chunk, false);
      if (!output) return (write as (...args: unknown[]) => boolean)(chunk, encodingOrCallback, callback);
      return (output.write as (...args: unknown[]) => boolean)(chunk, encodingOrCallback, callback);
    }) as Response["write"];

    res.end = ((chunkOrCallback?: Chunk | (() => void), encodingOrCallback?: BufferEncoding | (() => void), callback?: () => void) => {
      const chunk = typeof chunkOrCallback === "function" ? undefined : chunkOrCallback;
      const output = decide(chunk, true);
      if (!output) return (end as (...args: unknown[]) => Response)(chunkOrCallback, encodingOrCallback, callback);
      const done = [chunkOrCallback, encodingOrCallback, callback].find(
        (argument): argument is () => void => typeof argument === "function",
      );
      if (done) res.once("finish", done);
      if (chunk === undefined || chunk === null) output.end();
      else if (typeof encodingOrCallback === "string") output.end(chunk, encodingOrCallback);
      else output.end(chunk);
      return res;
    }) as Response["end"];

    next();
  };
}

/**
 * The encoding the client rates highest among ours (brotli on a tie, as it is smaller); none when it sent no
 * Accept-Encoding (which means identity), rates ours 0, or rates identity higher.
 */
function preferredEncoding(header: string | undefined): Encoding | null {
  if (!header) return null;
  const ratings = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...parameters] = part.split(";").map((piece) => piece.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith("q="));
    const rating = q === undefined ? 1 : Number(q.slice(2));
    if (name && Number.isFinite(rating)) ratings.set(name, rating);
  }
  const rating = (name: string) => ratings.get(name) ?? ratings.get("*") ?? 0;
  const best = ENCODINGS.reduce<Encoding>((chosen, encoding) => (rating(encoding) > rating(chosen) ? encoding : chosen), ENCODINGS[0]);
  if (rating(best) <= 0 || (ratings.get("identity") ?? 0) > rating(best)) return null;
  return best;
}

function byteLength(chunk: Chunk | undefined): number {
  if (chunk === undefined || chunk === null) return 0;
  return typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
}
