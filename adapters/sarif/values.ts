import {
  asJsonObject as asObject,
  isJsonObject as isObject,
  type JsonObject,
} from '../../src/internal/json-object.js';

// The shared guards under the names this adapter's modules use.
export { asObject, isObject, type JsonObject };

/** The value if it is an array, else an empty array. */
export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A string with at least one non-blank character, else `undefined`. */
export function asText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A non-negative integer (SARIF indexes and line numbers), else `undefined`. */
export function asIndex(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** A positive integer (1-based lines and columns), else `undefined`. */
export function asPositive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** A finite number, or a numeric string, else `undefined`. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** The plain text of a SARIF `multiformatMessageString` (`text`, else `markdown`). */
export function multiformatText(value: unknown): string | undefined {
  const object = asObject(value);
  if (object === undefined) return undefined;
  return asText(object.text) ?? asText(object.markdown);
}

/** Strings of an array (others dropped). */
export function stringArray(value: unknown): string[] {
  return asArray(value).filter((item): item is string => typeof item === 'string');
}

/** A copy of `text` cut to `max` characters (no marker: callers cut only inputs to later limits). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}
