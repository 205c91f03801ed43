// Evidence for a record being written: the clerk picks scans, PDFs or photos, each is uploaded at once
// (POST /api/evidence) with its progress shown, previewed (an image as a thumbnail, a PDF by its name and size: the
// portal's security policy embeds no PDF), and may be removed before the record is submitted with the files' hashes.
import { html, useEffect, useRef, useState } from "/portal/vendor/preact-htm.js";
import { describeError } from "../../lib/ui.js";
import { messages } from "../../lib/i18n.js";
import { fileSize, uploadFile } from "../../lib/upload.js";
import { useVocabulary } from "../../lib/vocabulary.js";

const t = messages({
  "zh-CN": {
    label: "附件（扫描件、PDF、照片）",
    hint: "PDF、PNG 或 JPEG 文件，每个不超过 {max}，每条记录最多 {count} 个。选择后立即上传，提交记录时一并保存。",
    files: "已选择的附件",
    uploading: "正在上传 {percent}%",
    uploaded: "已上传",
    failed: "上传失败：{reason}",
    progress: "{name} 的上传进度",
    remove: "移除",
    removeOf: "：{name}",
    pdf: "PDF 文件",
    wrongType: "只能上传 PDF、PNG 或 JPEG 文件",
    tooLarge: "文件超过 {max}",
    tooMany: "每条记录最多 {count} 个附件",
  },
  en: {
    label: "Evidence (scans, PDFs, photos)",
    hint: "PDF, PNG or JPEG files of at most {max} each, up to {count} per record. Each is uploaded when chosen and saved with the record.",
    files: "Chosen evidence",
    uploading: "Uploading {percent}%",
    uploaded: "Uploaded",
    failed: "Upload failed: {reason}",
    progress: "Upload progress of {name}",
    remove: "Remove",
    removeOf: ": {name}",
    pdf: "PDF file",
    wrongType: "Only PDF, PNG or JPEG files can be attached",
    tooLarge: "The file is larger than {max}",
    tooMany: "A record takes at most {count} files",
  },
});

// What POST /api/evidence and a record accept (GET /api/vocabulary's evidence limits); checked here first only so the
// clerk hears it in words before sending megabytes. The API decides.

let nextKey = 0;

/**
 * The files chosen for one record: { items, add(fileList), remove(key), clear(), hashes, uploading, limits }, limits
 * being null until the API's are known (nothing can be chosen until then). Each item is
 * { key, name, type, size, previewUrl, state: "uploading" | "uploaded" | "failed", sent, sha256, reason }.
 */
export function useEvidenceUploads() {
  const [items, setItems] = useState([]);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const update = (key, change) => setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));

  // Object URLs live until their item goes, or the form does.
  useEffect(() => () => itemsRef.current.forEach(revokePreview), []);

  const vocabulary = useVocabulary();
  const limits = vocabulary.data?.evidence ?? null;

  const add = (files) => {
    if (limits === null) return;
    let room = limits.maxPerRecord - itemsRef.current.length;
    const added = [...files].map((file) => {
      const item = {
        key: nextKey++,
        name: file.name,
        type: file.type,
        size: file.size,
        previewUrl: null,
        state: "uploading",
        sent: 0,
        sha256: null,
        reason: null,
      };
      const refusal = !limits.contentTypes.includes(file.type)
        ? t("wrongType")
        : file.size > limits.maxBytes
          ? t("tooLarge", { max: fileSize(limits.maxBytes) })
          : room <= 0
            ? t("tooMany", { count: limits.maxPerRecord })
            : null;
      if (refusal) return { ...item, state: "failed", reason: refusal };
      room -= 1;
      if (file.type.startsWith("image/")) item.previewUrl = URL.createObjectURL(file);
      uploadFile("/api/evidence", file, { contentType: file.type, onProgress: (sent) => update(item.key, { sent }) }).then(
        (stored) => update(item.key, { state: "uploaded", sent: file.size, sha256: stored.sha256 }),
        (error) => update(item.key, { state: "failed", reason: describeError(error) }),
      );
      return item;
    });
    setItems((current) => [...current, ...added]);
  };

  const remove = (key) => {
    itemsRef.current.filter((item) => item.key === key).forEach(revokePreview);
    setItems((current) => current.filter((item) => item.key !== key));
  };

  const clear = () => {
    itemsRef.current.forEach(revokePreview);
    setItems([]);
  };

  return {
    items,
    add,
    remove,
    clear,
    hashes: items.filter((item) => item.state === "uploaded").map((item) => item.sha256),
    uploading: items.some((item) => item.state === "uploading"),
    limits,
  };
}

function revokePreview(item) {
  if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
}

function EvidenceItem({ item, onRemove }) {
  const percent = item.size > 0 ? Math.floor((item.sent / item.size) * 100) : 100;
  return html`
    <li class=${`evidence-item evidence-${item.state}`}>
      ${
        item.previewUrl
          ? html`<img class="evidence-thumbnail" src=${item.previewUrl} alt=${item.name} />`
          : html`<span class="evidence-icon" aria-hidden="true">${item.type === "application/pdf" ? "PDF" : "?"}</span>`
      }
      <span class="evidence-name">${item.name}</span>
      <span class="hint">${item.type === "application/pdf" ? `${t("pdf")} · ` : ""}${fileSize(item.size)}</span>
      ${
        item.state === "uploading"
          ? html`<progress max=${item.size} value=${item.sent} aria-label=${t("progress", { name: item.name })}></progress>`
          : null
      }
      <span class=${item.state === "failed" ? "field-error" : "hint"}>
        ${item.state === "uploading" ? t("uploading", { percent }) : item.state === "uploaded" ? t("uploaded") : t("failed", { reason: item.reason })}
      </span>
      <button type="button" class="secondary small-button" onClick=${() => onRemove(item.key)}>
        ${t("remove")}<span class="visually-hidden">${t("removeOf", { name: item.name })}</span>
      </button>
    </li>
  `;
}

/** The file chooser and the chosen files; `uploads` is the form's useEvidenceUploads(). */
export function EvidencePicker({ id, uploads }) {
  const hintId = `${id}-hint`;
  return html`
    <div class="field evidence-picker">
      <label for=${id}>${t("label")}</label>
      ${uploads.limits ? html`<p class="hint" id=${hintId}>${t("hint", { max: fileSize(uploads.limits.maxBytes), count: uploads.limits.maxPerRecord })}</p>` : null}
      <input id=${id} type="file" multiple accept=${uploads.limits?.contentTypes.join(",")} aria-describedby=${hintId}
        disabled=${uploads.limits === null}
        onChange=${(event) => {
          uploads.add(event.currentTarget.files);
          // The same file may be chosen again after it was removed.
          event.currentTarget.value = "";
        }} />
      ${
        uploads.items.length > 0
          ? html`<ul class="evidence-list" aria-label=${t("files")} aria-live="polite">
            ${uploads.items.map((item) => html`<${EvidenceItem} key=${item.key} item=${item} onRemove=${uploads.remove} />`)}
          </ul>`
          : null
      }
    </div>
  `;
}
