// The columns of a usual 党员名册 / 发展党员台账 and the names they go by. A file's header row is matched against these
// synonyms (spaces, line breaks and full-width brackets ignored); a caller may override the match column by column.
import type { ArchivalDateName } from "../rules";

export type RosterField = "name" | "sex" | "ethnicity" | "birthDate" | "idNumber" | "staffNumber" | "branch" | ArchivalDateName;

/** Each field's Chinese title (as in the template) and the other names a file may give it. */
export const ROSTER_COLUMNS: readonly { field: RosterField; title: string; synonyms: readonly string[]; required: boolean }[] = [
  { field: "name", title: "姓名", synonyms: ["名字", "党员姓名"], required: true },
  { field: "sex", title: "性别", synonyms: [], required: false },
  { field: "ethnicity", title: "民族", synonyms: [], required: false },
  { field: "birthDate", title: "出生日期", synonyms: ["出生年月", "出生年月日", "生日"], required: false },
  { field: "idNumber", title: "公民身份号码", synonyms: ["身份证号", "身份证号码", "身份证", "居民身份证号码"], required: true },
  { field: "staffNumber", title: "学号/工号", synonyms: ["学号", "工号", "学工号", "学号或工号"], required: false },
  { field: "branch", title: "所在党支部", synonyms: ["党支部", "所在支部", "支部", "支部名称"], required: true },
  { field: "applicationDate", title: "申请入党日期", synonyms: ["申请入党时间", "递交入党申请书日期", "入党申请日期"], required: false },
  {
    field: "activistDate",
    title: "确定入党积极分子日期",
    synonyms: ["确定为入党积极分子日期", "积极分子日期", "确定入党积极分子时间"],
    required: false,
  },
  {
    field: "candidateDate",
    title: "确定发展对象日期",
    synonyms: ["确定为发展对象日期", "发展对象日期", "确定发展对象时间"],
    required: false,
  },
  {
    field: "branchMeetingDate",
    title: "接收预备党员日期",
    synonyms: ["入党日期", "接收为预备党员日期", "支部大会日期", "接收预备党员日期(支部大会)", "接收预备党员时间"],
    required: false,
  },
  { field: "conversionDate", title: "转正日期", synonyms: ["转为正式党员日期", "转正时间"], required: false },
];

export type ColumnMapping = Partial<Record<RosterField, string>>;

function normalizeHeader(header: string): string {
  return header
    .replace(/[\s\u3000]+/g, "")
    .replace(/（/g, "(")
    .replace(/）/g, ")")
    .replace(/／/g, "/");
}

/**
 * Which header of the file holds each field: the caller's choice where given, else the first header matching the
 * field's title or a synonym. Fields without a column are absent.
 */
export function mapColumns(headers: readonly string[], overrides: ColumnMapping = {}): ColumnMapping {
  const mapping: ColumnMapping = {};
  const normalized = headers.map(normalizeHeader);
  for (const column of ROSTER_COLUMNS) {
    const chosen = overrides[column.field];
    if (chosen !== undefined) {
      if (headers.includes(chosen)) mapping[column.field] = chosen;
      continue;
    }
    const names = [column.title, ...column.synonyms].map(normalizeHeader);
    const index = normalized.findIndex((header) => names.includes(header));
    if (index >= 0) mapping[column.field] = headers[index];
  }
  return mapping;
}
