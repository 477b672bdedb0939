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

/**
 * Counts identities seen so far in one log, so that a result whose identity repeats an earlier one gets an
 * `occurrence:<n>` element appended instead of silently sharing its Id. Memory: an open-addressing table of
 * 53-bit identity hashes in a `Float64Array` (8 bytes a slot, load ≤ 0.7, so 11–23 bytes per distinct result:
 * 17 MB for 1.3 million results), plus a `Map` entry only for identities seen more than once.
 */
export class DuplicateCounter {
  private slots = new Float64Array(1024);
  private size = 0;
  private readonly repeats = new Map<number, number>();

  /** Number of distinct identities seen. */
  get distinct(): number {
    return this.size;
  }

  /** Records one identity and returns how many times it was seen before (0 the first time). */
  seen(identity: Finding['identity']): number {
    const hash = hashIdentity(identity);
    if ((this.size + 1) / this.slots.length > 0.7) this.grow();
    const slot = this.find(hash);
    if (this.slots[slot] === 0) {
      this.slots[slot] = hash;
      this.size += 1;
      return 0;
    }
    const before = this.repeats.get(hash) ?? 1;
    this.repeats.set(hash, before + 1);
    return before;
  }

  private find(hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    // The low 32 bits of the hash are one well-mixed lane: a good table index.
    let slot = (hash % 0x1_0000_0000) & mask;
    while (slots[slot] !== 0 && slots[slot] !== hash) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    for (const hash of old) if (hash !== 0) this.slots[this.find(hash)] = hash;
  }
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(16 * 1024);

/**
 * A 53-bit hash (two independent multiplicative lanes) of each identity part's type tag, length and UTF-8
 * bytes: equal identities always hash equal. The bytes come from `TextEncoder.encodeInto` into one reused
 * buffer: reading the strings with `charCodeAt` was 4–5× slower on the not-yet-flattened strings that
 * concatenation and `replace` produce. The counter only needs spread, not cryptographic strength (the Id itself
 * is SHA-256); with 53 bits, a false "duplicate" needs two distinct identities of one log to collide (odds about
 * n² / 2⁵⁴, 6 × 10⁻⁵ for a million results).
 */
function hashIdentity(identity: Finding['identity']): number {
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
  // 21 bits of one lane above the 32 of the other: exact in a double, and never 0 (0 marks an empty slot).
  return (b >>> 11) * 0x1_0000_0000 + (a >>> 0) || 1;
}
