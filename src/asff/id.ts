import { createHash } from 'node:crypto';
import { MAX_GENERATOR_ID_LENGTH, MAX_ID_LENGTH } from './limits.js';

/** Length of the hash part of an Id (base64url characters: 32 chars = 192 bits). */
const HASH_LENGTH = 32;
/** Room left for scope and adapter name in a 512-character Id. */
const MAX_SCOPE_LENGTH = 200;

/**
 * Makes a scope or adapter name safe inside an Id and ProductFields: printable, no slashes or spaces, bounded.
 * Two different scopes that sanitize to the same text get different Ids anyway, because the hash covers the raw scope.
 */
export function sanitizeIdPart(value: string, max = MAX_SCOPE_LENGTH): string {
  const cleaned = value
    .normalize('NFC')
    .replace(/[^A-Za-z0-9._:@+=,-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return (cleaned.length > 0 ? cleaned : 'default').slice(0, max);
}

/**
 * Deterministic, collision-free finding Id: `<scope>/<adapter>/<hash>`.
 *
 * The hash is SHA-256 over a length-prefixed encoding of scope, adapter and every identity value, so
 * `['a,b']` and `['a','b']` never collide and the same inputs always give the same Id, in any order of findings.
 */
export function findingId(scope: string, adapter: string, identity: readonly unknown[]): string {
  const hash = createHash('sha256');
  for (const part of [scope, adapter, ...identity]) {
    const text =
      part === undefined ? '\u0000u' : part === null ? '\u0000n' : `${typeof part}:${String(part)}`;
    hash.update(`${text.length}:${text}|`);
  }
  const digest = hash.digest('base64url').slice(0, HASH_LENGTH);
  const id = `${sanitizeIdPart(scope)}/${sanitizeIdPart(adapter, 64)}/${digest}`;
  return id.length <= MAX_ID_LENGTH ? id : id.slice(-MAX_ID_LENGTH);
}

/** `GeneratorId`: `<adapter>/<ruleId>`, bounded to 512 characters. */
export function generatorId(adapter: string, ruleId: string): string {
  const rule = ruleId.trim().length > 0 ? ruleId.trim() : 'unknown-rule';
  const id = `${adapter}/${rule}`;
  return id.length <= MAX_GENERATOR_ID_LENGTH ? id : id.slice(0, MAX_GENERATOR_ID_LENGTH);
}
