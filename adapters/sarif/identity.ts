import type { Finding } from '../../src/adapter.js';
import type { ResolvedLocation } from './locations.js';
import { normalizeMessage } from './message.js';
import { asObject, type JsonObject } from './values.js';

/** `key=value` pairs of a fingerprint object, sorted by key (values that are not strings are JSON-encoded). */
export function fingerprintEntries(value: unknown): string[] {
  const object = asObject(value);
  if (object === undefined) return [];
  return Object.keys(object)
    .sort()
    .map((key) => {
      const entry = object[key];
      return `${key}=${typeof entry === 'string' ? entry : JSON.stringify(entry)}`;
    });
}

/** What the identity of a result is built from. */
export interface IdentityInput {
  toolName: string;
  ruleId: string | undefined;
  result: JsonObject;
  primary: ResolvedLocation | undefined;
  analysisTarget: string | undefined;
  /** The resolved message (already scrubbed for secret findings). */
  message: string | undefined;
  /** Extra `key=value` facts from tool hints (gitleaks 7 `commit`). */
  hints: readonly string[];
}

/**
 * The values hashed into a finding's Id, in one of three documented modes (the first element names the mode, so
 * modes never collide):
 * - `sarif/fp`: `fingerprints` present — tool, rule id, primary path, every fingerprint `key=value` sorted by key.
 * - `sarif/pfp`: `partialFingerprints` with GitHub's `primaryLocationLineHash` — tool, rule id, primary path,
 *   every partial fingerprint sorted by key, normalised message. No line number, so the Id survives code moving.
 * - `sarif/loc`: otherwise — tool, rule id, primary path, start line and column, logical location, analysis
 *   target, normalised message, other partial fingerprints sorted by key, tool hints.
 * Nothing positional (run or result index) is used, so reordering runs or results never changes an Id.
 */
export function identityOf(input: IdentityInput): Finding['identity'] {
  const { primary } = input;
  const base = [input.toolName, input.ruleId ?? '', primary?.path ?? ''];
  const fingerprints = fingerprintEntries(input.result.fingerprints);
  if (fingerprints.length > 0) return ['sarif/fp', ...base, ...fingerprints];
  const partial = fingerprintEntries(input.result.partialFingerprints);
  const message = normalizeMessage(input.message ?? '');
  if (partial.some((entry) => entry.startsWith('primaryLocationLineHash=')))
    return ['sarif/pfp', ...base, ...partial, message];
  return [
    'sarif/loc',
    ...base,
    primary?.startLine,
    primary?.startColumn,
    primary?.logical ?? '',
    input.analysisTarget ?? '',
    message,
    ...partial,
    ...input.hints,
  ];
}

const EMPTY = 0;

/**
 * Counts identities seen so far in one log, so that a result whose identity repeats an earlier one gets an
 * `occurrence:<n>` element appended instead of silently sharing its Id. Memory is an open-addressing table of
 * 64-bit hashes (12 bytes a slot, load ≤ 0.7): about 17 bytes per distinct result, e.g. 17 MB for a million.
 */
export class DuplicateCounter {
  private high = new Uint32Array(1024);
  private low = new Uint32Array(1024);
  private counts = new Uint32Array(1024);
  private size = 0;

  /** Number of distinct identities seen. */
  get distinct(): number {
    return this.size;
  }

  /** Records one identity and returns how many times it was seen before (0 the first time). */
  seen(identity: Finding['identity']): number {
    const [h, l] = hashIdentity(identity);
    if ((this.size + 1) / this.counts.length > 0.7) this.grow();
    const slot = this.find(h, l);
    const previous = this.counts[slot]!;
    if (previous === EMPTY) {
      this.high[slot] = h;
      this.low[slot] = l;
      this.size += 1;
    }
    this.counts[slot] = previous + 1;
    return previous;
  }

  private find(h: number, l: number): number {
    const mask = this.counts.length - 1;
    let slot = l & mask;
    while (this.counts[slot] !== EMPTY && (this.high[slot] !== h || this.low[slot] !== l))
      slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const { high, low, counts } = this;
    this.high = new Uint32Array(counts.length * 2);
    this.low = new Uint32Array(counts.length * 2);
    this.counts = new Uint32Array(counts.length * 2);
    for (let slot = 0; slot < counts.length; slot += 1) {
      if (counts[slot] === EMPTY) continue;
      const target = this.find(high[slot]!, low[slot]!);
      this.high[target] = high[slot]!;
      this.low[target] = low[slot]!;
      this.counts[target] = counts[slot]!;
    }
  }
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(16 * 1024);

/**
 * A 64-bit hash (two independent multiplicative lanes) of each identity part's type tag, length and UTF-8
 * bytes: equal identities always hash equal. The bytes come from `TextEncoder.encodeInto` into one reused
 * buffer: reading the strings with `charCodeAt` was 4–5× slower on the not-yet-flattened strings that
 * concatenation and `replace` produce. The counter only needs spread, not cryptographic strength (the Id itself
 * is SHA-256); with 64 bits, a false "duplicate" needs two distinct identities of one log to collide (odds about
 * n² / 2⁶⁵, 3 × 10⁻⁸ for a million results).
 */
function hashIdentity(identity: Finding['identity']): [number, number] {
  let a = 0x811c9dc5 | 0;
  let b = 0x9e3779b9 | 0;
  for (const part of identity) {
    const tag =
      part === undefined
        ? 1
        : part === null
          ? 2
          : typeof part === 'string'
            ? 3
            : typeof part === 'number'
              ? 4
              : 5;
    const text = part === undefined || part === null ? '' : typeof part === 'string' ? part : String(part);
    // Type tag and length first, so ['ab', 'c'] and ['a', 'bc'] (or 1 and '1') never feed the same sequence.
    a = Math.imul(a ^ tag, 0x01000193);
    b = Math.imul(b ^ tag, 0x5bd1e995) ^ (b >>> 15);
    a = Math.imul(a ^ text.length, 0x01000193);
    b = Math.imul(b ^ text.length, 0x5bd1e995) ^ (b >>> 15);
    if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
    const bytes = scratch;
    const written = encoder.encodeInto(text, bytes).written;
    for (let i = 0; i < written; i += 1) {
      const byte = bytes[i]!;
      a = Math.imul(a ^ byte, 0x01000193);
      b = Math.imul(b ^ byte, 0x5bd1e995) ^ (b >>> 15);
    }
  }
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  a ^= a >>> 16;
  b = Math.imul(b ^ (b >>> 16), 0x7feb352d);
  b = Math.imul(b ^ (b >>> 15), 0x846ca68b);
  b ^= b >>> 16;
  return [a >>> 0, b >>> 0];
}
