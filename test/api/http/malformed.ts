// fast-check generators of values that break a JSON Schema (the one zod derives from a route's request schema):
// wrong types, missing and extra fields, lengths and numbers just past their bounds, odd Unicode, nested junk.
// They break it on purpose but not always (a trimmed string, a coerced number may still pass): the fuzz test keeps
// only what the route's own zod schema refuses, so a request counted as malformed is one.
import fc from "fast-check";

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

/** Characters that trip naive string handling: controls, bidi overrides, zero-width, surrogate pairs, NFKC-changing forms. */
const ODD_CHARACTERS = [
  "\u0000",
  "\u001b",
  "\u202e",
  "\u200b",
  "\ufeff",
  "\ud83d\ude00",
  "\uff21",
  "ﬁ",
  "\u0301",
  "\\",
  "'",
  '"',
  "%",
  "\n",
  "€",
  "党",
];
const oddString = (minLength = 0, maxLength = 40) =>
  fc.string({
    unit: fc.oneof(fc.constantFrom(...ODD_CHARACTERS), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })),
    minLength,
    maxLength,
  });
const hugeNumber = fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 1e21, 0.1, -1, -0, 4294967296, 5e-324);

/** Any JSON value, nested a few levels deep. */
export const junk: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    hugeNumber,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    oddString(),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(oddString(1, 8), tie("value"), { maxKeys: 4 }),
  ),
})).value;

const JUNK_BY_TYPE: Record<string, fc.Arbitrary<unknown>> = {
  string: oddString(),
  number: fc.oneof(hugeNumber, fc.double({ noNaN: true, noDefaultInfinity: true })),
  integer: fc.oneof(hugeNumber, fc.integer()),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(junk, { maxLength: 4 }),
  object: fc.dictionary(oddString(1, 8), junk, { maxKeys: 4 }),
};

export class SchemaArbitraries {
  constructor(private readonly root: JsonSchema) {}

  private resolve(schema: JsonSchema): JsonSchema {
    if (!schema.$ref) return schema;
    const name = schema.$ref.replace(/^#\/\$defs\//, "");
    const target = this.root.$defs?.[name];
    if (!target) throw new Error(`unresolved ${schema.$ref}`);
    return this.resolve(target);
  }

  private typesOf(schema: JsonSchema): Set<string> {
    const s = this.resolve(schema);
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives) return new Set(alternatives.flatMap((alternative) => [...this.typesOf(alternative)]));
    if (s.allOf) return this.typesOf(s.allOf[0]);
    if (s.const !== undefined) return new Set([s.const === null ? "null" : typeof s.const]);
    if (s.enum) return new Set(s.enum.map((value) => (value === null ? "null" : typeof value)));
    if (s.type === undefined) return new Set(Object.keys(JUNK_BY_TYPE));
    const types = new Set(Array.isArray(s.type) ? s.type : [s.type]);
    if (types.has("integer")) types.add("number");
    return types;
  }

  /** A value that (mostly) fits: the base a breaking mutation starts from. */
  valid(schema: JsonSchema): fc.Arbitrary<unknown> {
    const s = this.resolve(schema);
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives) return fc.oneof(...alternatives.map((alternative) => this.valid(alternative)));
    if (s.allOf) return this.valid(s.allOf[0]);
    if (s.const !== undefined) return fc.constant(s.const);
    if (s.enum) return fc.constantFrom(...s.enum);
    const type = Array.isArray(s.type) ? (s.type.find((t) => t !== "null") ?? "null") : s.type;
    switch (type) {
      case "string":
        return this.validString(s);
      case "integer":
        return fc.integer({
          min: Math.ceil(s.minimum ?? (s.exclusiveMinimum ?? -1e6 - 1) + 1),
          max: Math.floor(s.maximum ?? (s.exclusiveMaximum ?? 1e6 + 1) - 1),
        });
      case "number":
        return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
      case "boolean":
        return fc.boolean();
      case "null":
        return fc.constant(null);
      case "array":
        return fc.array(s.items ? this.valid(s.items) : junk, {
          minLength: s.minItems ?? 0,
          maxLength: Math.min(s.maxItems ?? 3, (s.minItems ?? 0) + 3),
        });
      case "object": {
        const properties = s.properties ?? {};
        const model = Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, this.valid(property)]));
        return fc.record(model, { requiredKeys: s.required ?? [] });
      }
      default:
        return junk;
    }
  }

  private validString(s: JsonSchema): fc.Arbitrary<string> {
    const minLength = s.minLength ?? 0;
    const maxLength = Math.min(s.maxLength ?? minLength + 20, minLength + 20);
    if (s.format === "uuid") return fc.uuid({ version: 4 });
    if (s.format === "date-time")
      return fc.date({ min: new Date("2000-01-01"), max: new Date("2030-12-31"), noInvalidDate: true }).map((d) => d.toISOString());
    if (s.format === "date")
      return fc
        .date({ min: new Date("2000-01-01"), max: new Date("2030-12-31"), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    if (s.format === "email") return fc.emailAddress();
    if (s.pattern)
      return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= minLength && v.length <= (s.maxLength ?? Infinity));
    return fc.string({ minLength, maxLength });
  }

  /** A value made to break `schema`: one or more of its rules violated. */
  broken(schema: JsonSchema, depth = 2): fc.Arbitrary<unknown> {
    const s = this.resolve(schema);
    const allowed = this.typesOf(s);
    const wrongTypes = Object.keys(JUNK_BY_TYPE).filter((type) => !allowed.has(type));
    const options: fc.Arbitrary<unknown>[] = wrongTypes.map((type) => JUNK_BY_TYPE[type]);
    if (s.enum || s.const !== undefined) options.push(oddString(0, 12), fc.string({ maxLength: 12 }));
    if (allowed.has("string")) {
      if (s.maxLength !== undefined)
        options.push(oddString(s.maxLength + 1, s.maxLength + 8), fc.string({ minLength: s.maxLength + 1, maxLength: s.maxLength + 3 }));
      if (s.minLength) options.push(oddString(0, s.minLength - 1));
      if (s.pattern || s.format)
        options.push(
          oddString(0, 70),
          this.validString({ ...s, pattern: undefined, format: undefined }).map((v) => `${v}\u0000`),
        );
    }
    if (allowed.has("number") || allowed.has("integer")) {
      if (s.maximum !== undefined) options.push(fc.constantFrom(s.maximum + 1, s.maximum + 0.5, 1e308));
      if (s.minimum !== undefined) options.push(fc.constantFrom(s.minimum - 1, s.minimum - 0.5, -1e308));
      if (s.type === "integer") options.push(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)));
    }
    if (allowed.has("array") && s.type === "array") {
      if (s.maxItems !== undefined)
        options.push(fc.array(s.items ? this.valid(s.items) : junk, { minLength: s.maxItems + 1, maxLength: s.maxItems + 2 }));
      if (s.minItems) options.push(fc.constant([]));
      if (s.items && depth > 0) options.push(fc.array(this.broken(s.items, depth - 1), { minLength: 1, maxLength: 3 }));
    }
    if (allowed.has("object") && s.type === "object" && s.properties) options.push(this.brokenObject(s, depth));
    return options.length > 0 ? fc.oneof(...options) : junk;
  }

  /** The object with some properties broken, some required ones dropped and (when it is strict) unknown ones added. */
  private brokenObject(s: JsonSchema, depth: number): fc.Arbitrary<Record<string, unknown>> {
    const properties = s.properties ?? {};
    const brokenProperties =
      depth > 0
        ? fc.record(Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, this.broken(property, depth - 1)])), {
            requiredKeys: [],
          })
        : fc.constant({});
    const extra = s.additionalProperties === false ? fc.dictionary(oddString(1, 12), junk, { maxKeys: 3 }) : fc.constant({});
    return fc
      .record({
        base: this.valid(s) as fc.Arbitrary<Record<string, unknown>>,
        brokenProperties,
        dropped: fc.subarray(s.required ?? []),
        extra,
      })
      .filter(
        ({ brokenProperties, dropped, extra }) => Object.keys(brokenProperties).length + dropped.length + Object.keys(extra).length > 0,
      )
      .map(({ base, brokenProperties, dropped, extra }) => {
        const value: Record<string, unknown> = { ...base, ...brokenProperties };
        for (const key of dropped) delete value[key];
        for (const [key, junkValue] of Object.entries(extra)) if (!(key in properties)) value[key] = junkValue;
        return value;
      });
  }
}

/** Bodies that are not JSON at all (or not a JSON document body-parser accepts). */
export const notJson = fc.oneof(
  fc.constantFrom("{", "}", "{'a': 1}", '{"a": }', "NaN", "undefined", "[1,]", '{"a":1}}', "\u0000", "true false", "1e999999x"),
  oddString(1, 40).map((text) => `{${text}`),
  fc.string({ maxLength: 40 }).map((text) => `"${text}`),
);

/** A path parameter value that breaks its schema, safe to put in one URL segment. */
export function brokenSegment(arbitraries: SchemaArbitraries, schema: JsonSchema): fc.Arbitrary<string> {
  return fc
    .oneof(
      arbitraries.broken(schema).map((value) => (typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined"))),
      fc.constantFrom(
        "-1",
        "0",
        "1.5",
        "1e400",
        "NaN",
        "Infinity",
        "0x",
        "0X" + "AB".repeat(32),
        "00000000-0000-0000-0000-00000000000g",
        " 1",
        "%",
      ),
      oddString(1, 80),
    )
    .filter((value) => value.length > 0 && value !== "." && value !== ".." && isEncodable(value));
}

function isEncodable(value: string): boolean {
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
}
