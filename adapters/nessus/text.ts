import { TRUNCATION_MARKER } from '../../src/asff/limits.js';

/**
 * Turns CR LF / lone CR into LF (Nessus writes `&#xd;` before line feeds), drops trailing whitespace and leading
 * blank lines (keeping the first line's indentation), trims a single line; `undefined` when nothing is left.
 */
export function tidy(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  // Most texts need nothing: printable ASCII at the end, no leading blank, no CR (checked without allocating).
  const last = text.charCodeAt(text.length - 1);
  if (text.charCodeAt(0) > 0x20 && last > 0x20 && last < 0x7f && !text.includes('\r')) return text;
  let tidied = (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).trimEnd();
  if (tidied.length > 0 && tidied.charCodeAt(0) <= 0x20) {
    // Leading blank lines go, but the indentation of the first text line stays (plugin_output tables).
    const blankLines = /^\s*\n/.exec(tidied);
    tidied = blankLines !== null ? tidied.slice(blankLines[0].length) : tidied.trimStart();
  }
  return tidied.length > 0 ? tidied : undefined;
}

/** Joins the non-blank lines of a multi-line value (`mac-address`, `operating-system`) with `separator`. */
export function oneLine(text: string | undefined, separator: string): string | undefined {
  if (text === undefined) return undefined;
  const joined = text
    .split(/\s*\n\s*/)
    .filter((line) => line.length > 0)
    .join(separator);
  return joined.length > 0 ? joined : undefined;
}

/** Shortens text to `max` characters including the visible truncation marker. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - TRUNCATION_MARKER.length;
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  return `${text.slice(0, end)}${TRUNCATION_MARKER}`;
}
