// Sending a file as the raw body of a request, with the upload's progress: fetch() cannot report how much of a
// request body has gone out, XMLHttpRequest can. Refusals come back as the same ApiError every other call throws.
import { ApiError, session } from "./api.js";
import { language } from "./i18n.js";

/**
 * POSTs `file` (a File or Blob) to `path` as `contentType`; `onProgress(sent, total)` follows the upload. Resolves to
 * the answer's JSON. A session that ended meanwhile surfaces as the ApiError of its 401: the next page action asks
 * for the password again, and the clerk sends the file once more.
 *
 * @param {string} path
 * @param {Blob} file
 * @param {{ contentType?: string, onProgress?: (sent: number, total: number) => void }} [options]
 */
export function uploadFile(path, file, { contentType, onProgress = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", path);
    request.setRequestHeader("accept-language", language());
    request.setRequestHeader("content-type", contentType || "application/octet-stream");
    const token = session()?.token;
    if (token) request.setRequestHeader("authorization", `Bearer ${token}`);
    request.upload.addEventListener("progress", (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size));
    // The last progress event may fall short of the whole file; "load" says the body is all out.
    request.upload.addEventListener("load", () => onProgress(file.size, file.size));
    request.addEventListener("load", () => {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = null;
      }
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new ApiError(request.status, body?.error));
    });
    // As fetch() does on a network failure, so describeError() names it as one.
    request.addEventListener("error", () => reject(new TypeError("network error")));
    request.send(file);
  });
}

/** "850 KB", "3.2 MB": a file's size as a clerk reads it. */
export function fileSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
