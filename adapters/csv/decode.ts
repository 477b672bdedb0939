import { isUtf8 } from 'node:buffer';

const NON_ASCII = /[^\x00-\x7f]/;
const C1_RANGE = /[\x80-\x9f]/g;

/**
 * Windows-1252 characters for the bytes 0x80–0x9F, where it differs from ISO-8859-1. Spreadsheet exports that
 * are not UTF-8 are nearly always Windows-1252 (which is also what the WHATWG `latin1` label means); the five
 * bytes it leaves undefined keep their ISO-8859-1 control character.
 */
const CP1252_C1 =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

/**
 * Decodes one record's fields in place. The parser reads bytes as ISO-8859-1 (one character per byte, lossless),
 * so a field with only ASCII is already right. Fields with other bytes are decoded as UTF-8 when every such
 * field of the record is valid UTF-8; otherwise the whole record is read as Windows-1252 and this returns true,
 * so the caller can report the fallback. Deciding per record keeps one bad row from garbling the rest of a
 * UTF-8 file, and never mixes two encodings within a row.
 */
export function decodeFields(fields: string[]): boolean {
  let first = -1;
  for (let i = 0; i < fields.length; i++) {
    if (NON_ASCII.test(fields[i]!)) {
      first = i;
      break;
    }
  }
  if (first === -1) return false;
  const decoded: (string | undefined)[] = [];
  for (let i = first; i < fields.length; i++) {
    const field = fields[i]!;
    if (!NON_ASCII.test(field)) continue;
    const bytes = Buffer.from(field, 'latin1');
    if (!isUtf8(bytes)) {
      for (let j = first; j < fields.length; j++) fields[j] = windows1252(fields[j]!);
      return true;
    }
    decoded[i] = bytes.toString('utf8');
  }
  for (let i = first; i < fields.length; i++) {
    const value = decoded[i];
    if (value !== undefined) fields[i] = value;
  }
  return false;
}

/** Maps an ISO-8859-1 string (one character per byte) to the text the same bytes mean in Windows-1252. */
export function windows1252(latin1: string): string {
  return latin1.replace(C1_RANGE, (ch) => CP1252_C1[ch.charCodeAt(0) - 0x80]!);
}
