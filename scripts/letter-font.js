#!/usr/bin/env node
// Builds api/fonts/NotoSansSC-letter.ttf, the font the transfer letter (介绍信) is printed in: Noto Sans SC Regular cut
// down to ASCII, CJK punctuation, full-width forms and the hanzi of GB 2312 (what names and organization names are
// written in), plus the rarer name characters listed below. The whole family is 57 MB of npm package; the cut is about
// 2 MB and is committed, so printing a letter needs no font package at all. Run it again only to change the character
// set:
//
//   node scripts/letter-font.js <NotoSansSC-Regular.ttf>
//
// The source is any TrueType Noto Sans SC Regular (Google Fonts' static TTF, or NotoSansSC_400Regular.ttf of the npm
// package @expo-google-fonts/noto-sans-sc). fontkit (already there for pdfkit) cuts the glyphs; it writes no character
// map, so this script adds one and copies the OS/2, name and post tables pdfkit reads. The font is under the SIL Open
// Font License 1.1 (api/fonts/OFL.txt), which allows subsetting and redistribution.
const { readFileSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const fontkit = require("fontkit");

const OUTPUT = path.join(__dirname, "..", "api", "fonts", "NotoSansSC-letter.ttf");
/** Characters of given names outside GB 2312 that are common enough to matter on a letter. */
const NAME_EXTRAS = "喆堃玥昳珺琛婧彧琨瑄晗煜珩璟婳玹淏暻翀镕旻昶焜炜琪玮祎祺禛頔韡熠砚铖钰镓锴";

function letterCharacters() {
  const chars = new Set();
  for (let code = 0x20; code < 0x7f; code++) chars.add(code);
  for (let code = 0x3000; code <= 0x303f; code++) chars.add(code); // CJK punctuation
  for (let code = 0xff01; code <= 0xff5e; code++) chars.add(code); // full-width forms
  for (const char of "·—…‘’“”№□■○●√×") chars.add(char.codePointAt(0));
  // Every two-byte GB 2312 code: symbols, letters and the 6763 hanzi.
  const gb2312 = new TextDecoder("gbk");
  for (let high = 0xa1; high <= 0xf7; high++) {
    for (let low = 0xa1; low <= 0xfe; low++) {
      const char = gb2312.decode(Buffer.from([high, low]));
      if (char !== "\ufffd") chars.add(char.codePointAt(0));
    }
  }
  for (const char of NAME_EXTRAS) chars.add(char.codePointAt(0));
  return [...chars].filter((code) => code <= 0xffff).sort((a, b) => a - b);
}

/** cmap with one format 4 subtable (Unicode BMP), referenced as platform 0/3 and 3/1. */
function cmapTable(mapping) {
  const segments = [];
  for (const [code, glyph] of mapping) {
    const last = segments.at(-1);
    if (last && code === last.end + 1 && glyph - code === last.delta) last.end = code;
    else segments.push({ start: code, end: code, delta: glyph - code });
  }
  segments.push({ start: 0xffff, end: 0xffff, delta: 1 });
  const segCount = segments.length;
  const length = 16 + segCount * 8;
  const sub = Buffer.alloc(length);
  let searchRange = 2;
  while (searchRange * 2 <= segCount * 2) searchRange *= 2;
  const entrySelector = Math.log2(searchRange / 2);
  sub.writeUInt16BE(4, 0);
  sub.writeUInt16BE(length, 2);
  sub.writeUInt16BE(0, 4);
  sub.writeUInt16BE(segCount * 2, 6);
  sub.writeUInt16BE(searchRange, 8);
  sub.writeUInt16BE(entrySelector, 10);
  sub.writeUInt16BE(segCount * 2 - searchRange, 12);
  segments.forEach((segment, index) => {
    sub.writeUInt16BE(segment.end, 14 + index * 2);
    sub.writeUInt16BE(segment.start, 16 + segCount * 2 + index * 2);
    sub.writeInt16BE(((segment.delta + 0x8000) & 0xffff) - 0x8000, 16 + segCount * 4 + index * 2);
    sub.writeUInt16BE(0, 16 + segCount * 6 + index * 2);
  });
  const header = Buffer.alloc(4 + 2 * 8);
  header.writeUInt16BE(0, 0);
  header.writeUInt16BE(2, 2);
  [
    [0, 3],
    [3, 1],
  ].forEach(([platform, encoding], index) => {
    header.writeUInt16BE(platform, 4 + index * 8);
    header.writeUInt16BE(encoding, 6 + index * 8);
    header.writeUInt32BE(header.length, 8 + index * 8);
  });
  return Buffer.concat([header, sub]);
}

function tablesOf(file) {
  const tables = new Map();
  const count = file.readUInt16BE(4);
  for (let index = 0; index < count; index++) {
    const at = 12 + index * 16;
    const tag = file.toString("latin1", at, at + 4);
    const offset = file.readUInt32BE(at + 8);
    tables.set(tag, Buffer.from(file.subarray(offset, offset + file.readUInt32BE(at + 12))));
  }
  return tables;
}

function checksum(buffer) {
  const padded = Buffer.concat([buffer, Buffer.alloc((4 - (buffer.length % 4)) % 4)]);
  let sum = 0;
  for (let at = 0; at < padded.length; at += 4) sum = (sum + padded.readUInt32BE(at)) >>> 0;
  return sum;
}

function sfnt(tables) {
  const tags = [...tables.keys()].sort();
  let searchRange = 1;
  while (searchRange * 2 <= tags.length) searchRange *= 2;
  const header = Buffer.alloc(12 + tags.length * 16);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(tags.length, 4);
  header.writeUInt16BE(searchRange * 16, 6);
  header.writeUInt16BE(Math.log2(searchRange), 8);
  header.writeUInt16BE(tags.length * 16 - searchRange * 16, 10);
  tables.get("head").writeUInt32BE(0, 8);
  const bodies = [];
  let offset = header.length;
  tags.forEach((tag, index) => {
    const table = tables.get(tag);
    const at = 12 + index * 16;
    header.write(tag, at, "latin1");
    header.writeUInt32BE(checksum(table), at + 4);
    header.writeUInt32BE(offset, at + 8);
    header.writeUInt32BE(table.length, at + 12);
    const padded = Buffer.concat([table, Buffer.alloc((4 - (table.length % 4)) % 4)]);
    bodies.push(padded);
    offset += padded.length;
  });
  const file = Buffer.concat([header, ...bodies]);
  const headAt = header.readUInt32BE(12 + tags.indexOf("head") * 16 + 8);
  file.writeUInt32BE((0xb1b0afba - checksum(file)) >>> 0, headAt + 8);
  return file;
}

function main() {
  const source = process.argv[2];
  if (!source) {
    console.error("usage: node scripts/letter-font.js <NotoSansSC-Regular.ttf>");
    process.exit(2);
  }
  const original = readFileSync(source);
  const font = fontkit.create(original);
  const subset = font.createSubset();
  const mapping = [];
  for (const code of letterCharacters()) {
    if (!font.hasGlyphForCodePoint(code)) continue;
    mapping.push([code, subset.includeGlyph(font.glyphForCodePoint(code))]);
  }
  const tables = tablesOf(Buffer.from(subset.encode()));
  const originals = tablesOf(original);
  const post = Buffer.from(originals.get("post").subarray(0, 32));
  post.writeUInt32BE(0x00030000, 0); // version 3: no glyph names
  tables.set("cmap", cmapTable(mapping));
  tables.set("post", post);
  tables.set("OS/2", originals.get("OS/2"));
  tables.set("name", originals.get("name"));
  const file = sfnt(tables);
  writeFileSync(OUTPUT, file);
  console.log(`${OUTPUT}: ${mapping.length} characters, ${(file.length / 1e6).toFixed(2)} MB`);
}

main();
