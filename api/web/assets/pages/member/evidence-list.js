// A record's evidence on the timeline: each file by kind and size, downloaded through the scoped
// GET /api/evidence/{sha256} (which re-hashes it before serving), and an image shown on request: the file is fetched
// only when the clerk asks, so a timeline of many scans stays light.
import { html, useEffect, useState } from "/portal/vendor/preact-htm.js";
import { download, fetchBlob } from "../../lib/api.js";
import { messages } from "../../lib/i18n.js";
import { fileSize } from "../../lib/upload.js";
import { ErrorMessage } from "../../lib/ui.js";

const t = messages({
  "zh-CN": {
    evidence: "附件",
    item: "附件 {n}",
    "application/pdf": "PDF 文件",
    "image/png": "图片",
    "image/jpeg": "图片",
    download: "下载",
    preview: "预览",
    hidePreview: "收起预览",
    of: "（记录 #{id} 的附件 {n}）",
  },
  en: {
    evidence: "Evidence",
    item: "File {n}",
    "application/pdf": "PDF file",
    "image/png": "Image",
    "image/jpeg": "Image",
    download: "Download",
    preview: "Preview",
    hidePreview: "Hide preview",
    of: " (record #{id}, file {n})",
  },
});

function EvidenceFile({ recordId, file, n, onError }) {
  const [previewUrl, setPreviewUrl] = useState(null);
  useEffect(() => () => previewUrl && URL.revokeObjectURL(previewUrl), [previewUrl]);
  const path = `/api/evidence/${file.sha256}`;
  const which = html`<span class="visually-hidden">${t("of", { id: recordId, n })}</span>`;
  const togglePreview = () => {
    if (previewUrl) return setPreviewUrl(null);
    onError(null);
    fetchBlob(path).then((blob) => setPreviewUrl(URL.createObjectURL(blob)), onError);
  };
  return html`
    <li class="evidence-item" title=${`SHA-256 ${file.sha256}`}>
      <span class="evidence-name">${t("item", { n })}</span>
      <span class="hint">${t(file.contentType)} · ${fileSize(file.size)}</span>
      <button type="button" class="secondary small-button" onClick=${() => {
        onError(null);
        download(path).catch(onError);
      }}>${t("download")}${which}</button>
      ${
        file.contentType.startsWith("image/")
          ? html`<button type="button" class="secondary small-button" aria-expanded=${previewUrl ? "true" : "false"} onClick=${togglePreview}>
            ${previewUrl ? t("hidePreview") : t("preview")}${which}
          </button>`
          : null
      }
      ${previewUrl ? html`<img class="evidence-thumbnail evidence-preview" src=${previewUrl} alt=${`${t("item", { n })}${t("of", { id: recordId, n })}`} />` : null}
    </li>
  `;
}

/** The record's evidence files; nothing when it has none or the caller may not read record bodies. */
export function RecordEvidence({ record }) {
  const [error, setError] = useState(null);
  const files = record.body?.evidence ?? [];
  if (files.length === 0) return null;
  return html`
    <div class="record-evidence">
      <span class="hint">${t("evidence")}</span>
      <ul class="evidence-list">
        ${files.map((file, index) => html`<${EvidenceFile} key=${file.sha256} recordId=${record.id} file=${file} n=${index + 1} onError=${setError} />`)}
      </ul>
      <${ErrorMessage} error=${error} />
    </div>
  `;
}
