const C1_RANGE = /[\x80-\x9f]/g;

/**
 * Windows-1252 characters for the bytes 0x80–0x9F, where it differs from ISO-8859-1. Spreadsheet exports that
 * are not UTF-8 are nearly always Windows-1252 (which is also what the WHATWG `latin1` label means); the five
 * bytes it leaves undefined keep their ISO-8859-1 control character.
 */
const CP1252_C1 =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

/** Maps an ISO-8859-1 string (one character per byte) to the text the same bytes mean in Windows-1252. */
export function windows1252(latin1: string): string {
  return latin1.replace(C1_RANGE, (ch) => CP1252_C1[ch.charCodeAt(0) - 0x80]!);
}
