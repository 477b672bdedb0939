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
    const [h, l] = hash64(encodeIdentity(identity));
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

/** The same length-prefixed encoding `findingId` hashes, so equal encodings ⇔ equal Ids within one scope. */
function encodeIdentity(identity: Finding['identity']): string {
  let text = '';
  for (const part of identity) {
    const item =
      part === undefined ? '\u0000u' : part === null ? '\u0000n' : `${typeof part}:${String(part)}`;
    text += `${item.length}:${item}|`;
  }
  return text;
}

/** Two independent 32-bit lanes (murmur3-style mixing) over the UTF-16 code units: a 64-bit hash. */
function hash64(text: string): [number, number] {
  let a = 0x9e3779b9;
  let b = 0x85ebca6b;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0xcc9e2d51);
    a = (a << 15) | (a >>> 17);
    b = Math.imul(b ^ code, 0x1b873593);
    b = (b << 13) | (b >>> 19);
    b = Math.imul(b, 5) + 0xe6546b64;
  }
  a ^= text.length;
  b ^= text.length;
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  a ^= a >>> 16;
  b = Math.imul(b ^ (b >>> 16), 0x7feb352d);
  b = Math.imul(b ^ (b >>> 15), 0x846ca68b);
  b ^= b >>> 16;
  return [a >>> 0, b >>> 0];
}
