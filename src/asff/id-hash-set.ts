import * as crypto from 'node:crypto';

/** Bytes of an Id hash: 96 bits of SHA-1 (a collision among 10 million Ids has odds of about 1 in 10^15). */
export const ID_HASH_BYTES = 12;
const WORDS = ID_HASH_BYTES / 4;
/** Fullest the table may get before it doubles (linear probing stays short below this). */
const MAX_LOAD = 0.7;
const INITIAL_SLOTS = 1024;

// One-shot `crypto.hash` (Node ≥ 20.12) avoids a Hash object per Id; older Node 20 releases take the stream path.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer })
  .hash;

/**
 * The {@link ID_HASH_BYTES}-byte hash of a finding Id: the first 12 bytes of its SHA-1. One function for every
 * structure that keeps Ids in compact form (the run's Id set, a state file's entries).
 */
export function idHash(id: string): Buffer {
  const digest =
    oneShotHash !== undefined
      ? oneShotHash('sha1', id, 'buffer')
      : crypto.createHash('sha1').update(id).digest();
  return digest.subarray(0, ID_HASH_BYTES);
}

/**
 * A set of finding Ids kept as 12-byte hashes in one typed array (open addressing, linear probing), for
 * structures that grow with a run or a scope: no string, object or `Set` entry per Id.
 *
 * Memory: 12 bytes per slot, and the table is kept between 35 % and 70 % full, so **17–34 bytes per Id**
 * (plus, while it doubles, the old table for a moment). A `Set` of the Ids themselves costs 100+ bytes per
 * 68-character Id; a `Set` of 12-character digest strings about 60.
 */
export class IdHashSet {
  private table = new Uint32Array(INITIAL_SLOTS * WORDS);
  private slots = INITIAL_SLOTS;
  private count = 0;
  private readonly words: (id: string) => Uint32Array;

  /**
   * @param hashWords the Id's hash as three words, the first never 0 (default: its SHA-1, as {@link idHash});
   *   {@link findingIdWords} reads them from an Id `findingId` made. One set must use one function throughout.
   */
  constructor(hashWords: (id: string) => Uint32Array = words) {
    this.words = hashWords;
  }

  /** Number of distinct Ids added. */
  get size(): number {
    return this.count;
  }

  /** Bytes the table holds now. */
  get bytes(): number {
    return this.table.byteLength;
  }

  /** Adds `id`; true when it was not in the set yet. */
  add(id: string): boolean {
    const hash = this.words(id);
    const slot = this.find(hash);
    if (slot >= 0) return false;
    if ((this.count + 1) / this.slots > MAX_LOAD) {
      this.grow();
      this.insert(hash);
    } else this.place(-slot - 1, hash);
    this.count++;
    return true;
  }

  /** True when `id` was added. */
  has(id: string): boolean {
    return this.find(this.words(id)) >= 0;
  }

  /** The slot holding `hash`, or `-(free slot) - 1` where it would go. */
  private find(hash: Uint32Array): number {
    const mask = this.slots - 1;
    const table = this.table;
    let slot = hash[0]! & mask;
    for (;;) {
      const at = slot * WORDS;
      const first = table[at]!;
      if (first === 0) return -slot - 1;
      if (first === hash[0] && table[at + 1] === hash[1] && table[at + 2] === hash[2]) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private place(slot: number, hash: Uint32Array): void {
    this.table.set(hash, slot * WORDS);
  }

  private insert(hash: Uint32Array): void {
    this.place(-this.find(hash) - 1, hash);
  }

  private grow(): void {
    const old = this.table;
    this.slots *= 2;
    this.table = new Uint32Array(this.slots * WORDS);
    const moving = new Uint32Array(WORDS);
    for (let at = 0; at < old.length; at += WORDS) {
      if (old[at] === 0) continue;
      moving[0] = old[at]!;
      moving[1] = old[at + 1]!;
      moving[2] = old[at + 2]!;
      this.insert(moving);
    }
  }
}

const scratch = new Uint32Array(WORDS);

/** The hash as three words; the first is never 0 (0 marks a free slot), at the cost of one bit. */
function words(id: string): Uint32Array {
  // Read straight from the digest: no 12-byte view is made per Id.
  const digest =
    oneShotHash !== undefined
      ? oneShotHash('sha1', id, 'buffer')
      : crypto.createHash('sha1').update(id).digest();
  scratch[0] = (digest.readUInt32LE(0) | 1) >>> 0;
  scratch[1] = digest.readUInt32LE(4);
  scratch[2] = digest.readUInt32LE(8);
  return scratch;
}
