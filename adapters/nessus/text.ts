import { TRUNCATION_MARKER } from '../../src/asff/limits.js';

/**
 * Trims text and turns CR LF / lone CR into LF (Nessus writes `&#xd;` before line feeds); `undefined` when
 * nothing is left.
 */
export function tidy(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const tidied = (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).trim();
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

/** Distinct values in first-seen order. */
export function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}
