import { sha1 } from './sha1.js';

/** One entry of the state as the lifecycle reads it. Timestamps are epoch milliseconds. */
export interface StateEntry {
  /** 64-bit fingerprint of the provider-owned content, as 16 hex digits; '' when unknown. */
  fingerprint: string;
  createdAt: number;
  /** `NaN` when the finding had no FirstObservedAt. */
  firstObservedAt: number;
  /** UpdatedAt of the last copy Security Hub confirmed. */
  lastSent: number;
  archived: boolean;
}

/** The 96-bit digest of an Id the table is keyed by (SHA-1, first 12 bytes), as three 32-bit words. */
export type IdDigest = readonly [number, number, number];

let lastId: string | undefined;
let lastDigest: IdDigest = [0, 0, 0];

/** The table's key of an Id. A run asks for one finding's Id several times in a row: the last one is kept. */
export function idDigest(id: string): IdDigest {
  if (id === lastId) return lastDigest;
  const bytes = sha1(id);
  lastDigest = [bytes.readUInt32LE(0), bytes.readUInt32LE(4), bytes.readUInt32LE(8)];
  lastId = id;
  return lastDigest;
}

/** Entry flags. */
export const FLAG = {
  /** RecordState ARCHIVED (else ACTIVE). */
  archived: 1,
  /** The run reported this Id. */
  reported: 2,
  /** The values are what Security Hub confirmed (loaded from the state or confirmed in this run). */
  confirmed: 4,
  /** The Id itself is in one of the state's Id files (the Ids are never kept in memory). */
  idStored: 8,
  /** Written by the save in progress. */
  emitted: 16,
} as const;

const WORDS_PER_ID = 3;
const TIMES_PER_ENTRY = 3;
/** Headroom of the dense arrays when they grow: small, so that a grown table stays within its per-entry budget. */
const GROWTH = 1.125;
const MAX_LOAD = 0.75;

/**
 * The scope's findings as the state knows them, keyed by Id digest, with no Id strings: 12 bytes of
 * digest, 8 of fingerprint, three float64 timestamps and one byte of flags per entry in dense typed
 * arrays (45 bytes), plus a 32-bit slot index at a load of at most 0.75 (5.3 to 10.7 bytes per entry).
 * The dense arrays have at most 1/8 of headroom (they grow by 1/8 at a time), so the table takes at most
 * 45 × 1.125 + 10.7 ≈ 61.3 bytes per entry (measured at 100,000 entries: 56.7 to 61.1; docs/lifecycle.md).
 */
export class StateTable {
  private ids: Uint32Array;
  private fps: Uint32Array;
  private times: Float64Array;
  private flags: Uint8Array;
  private index: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 0) {
    const capacity = Math.max(64, Math.ceil(expected * GROWTH));
    this.ids = new Uint32Array(capacity * WORDS_PER_ID);
    this.fps = new Uint32Array(capacity * 2);
    this.times = new Float64Array(capacity * TIMES_PER_ENTRY);
    this.flags = new Uint8Array(capacity);
    const slots = slotsFor(capacity);
    this.index = new Uint32Array(slots);
    this.mask = slots - 1;
  }

  /** Entries in the table. */
  get size(): number {
    return this.count;
  }

  /** Bytes the table's arrays take (what "memory per entry" is measured from). */
  get byteLength(): number {
    return (
      this.ids.byteLength +
      this.fps.byteLength +
      this.times.byteLength +
      this.flags.byteLength +
      this.index.byteLength
    );
  }

  /** The entry number of a digest, or -1. */
  find(digest: IdDigest): number {
    const [a, b, c] = digest;
    let slot = a & this.mask;
    for (;;) {
      const at = this.index[slot]!;
      if (at === 0) return -1;
      const entry = at - 1;
      const base = entry * WORDS_PER_ID;
      if (this.ids[base] === a && this.ids[base + 1] === b && this.ids[base + 2] === c) return entry;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The entry number of a digest, added (all zero, no flags) when absent. */
  findOrAdd(digest: IdDigest): number {
    const found = this.find(digest);
    if (found >= 0) return found;
    if (this.count >= this.flags.length) this.growEntries();
    if ((this.count + 1) / this.index.length > MAX_LOAD) this.growIndex();
    const entry = this.count++;
    const base = entry * WORDS_PER_ID;
    this.ids[base] = digest[0];
    this.ids[base + 1] = digest[1];
    this.ids[base + 2] = digest[2];
    this.place(entry);
    return entry;
  }

  flagsOf(entry: number): number {
    return this.flags[entry]!;
  }

  setFlags(entry: number, flags: number): void {
    this.flags[entry] = this.flags[entry]! | flags;
  }

  clearFlags(entry: number, flags: number): void {
    this.flags[entry] = this.flags[entry]! & ~flags;
  }

  /** Clears `flags` on every entry. */
  clearAll(flags: number): void {
    for (let i = 0; i < this.count; i++) this.flags[i] = this.flags[i]! & ~flags;
  }

  /** The entry's values. */
  get(entry: number): StateEntry {
    const t = entry * TIMES_PER_ENTRY;
    const hi = this.fps[entry * 2]!;
    const lo = this.fps[entry * 2 + 1]!;
    return {
      fingerprint: hi === 0 && lo === 0 ? '' : hex8(hi) + hex8(lo),
      createdAt: this.times[t]!,
      firstObservedAt: this.times[t + 1]!,
      lastSent: this.times[t + 2]!,
      archived: (this.flags[entry]! & FLAG.archived) !== 0,
    };
  }

  /** Sets the entry's values (and its archived flag). */
  set(entry: number, value: StateEntry): void {
    const t = entry * TIMES_PER_ENTRY;
    this.times[t] = value.createdAt;
    this.times[t + 1] = value.firstObservedAt;
    this.times[t + 2] = value.lastSent;
    if (value.fingerprint.length === 16) {
      this.fps[entry * 2] = Number.parseInt(value.fingerprint.slice(0, 8), 16);
      this.fps[entry * 2 + 1] = Number.parseInt(value.fingerprint.slice(8), 16);
    } else {
      this.fps[entry * 2] = 0;
      this.fps[entry * 2 + 1] = 0;
    }
    if (value.archived) this.setFlags(entry, FLAG.archived);
    else this.clearFlags(entry, FLAG.archived);
  }

  /** True when the entry's fingerprint is known and equals `fingerprint`. */
  sameFingerprint(entry: number, fingerprint: string): boolean {
    const hi = this.fps[entry * 2]!;
    const lo = this.fps[entry * 2 + 1]!;
    if (hi === 0 && lo === 0) return false;
    return (
      hi === Number.parseInt(fingerprint.slice(0, 8), 16) && lo === Number.parseInt(fingerprint.slice(8), 16)
    );
  }

  /** UpdatedAt of the last confirmed copy, in ms. */
  lastSent(entry: number): number {
    return this.times[entry * TIMES_PER_ENTRY + 2]!;
  }

  private place(entry: number): void {
    let slot = this.ids[entry * WORDS_PER_ID]! & this.mask;
    while (this.index[slot] !== 0) slot = (slot + 1) & this.mask;
    this.index[slot] = entry + 1;
  }

  private growEntries(): void {
    const capacity = Math.ceil(this.flags.length * GROWTH) + 64;
    this.ids = grown(this.ids, capacity * WORDS_PER_ID);
    this.fps = grown(this.fps, capacity * 2);
    this.times = grown(this.times, capacity * TIMES_PER_ENTRY);
    this.flags = grown(this.flags, capacity);
  }

  private growIndex(): void {
    const slots = this.index.length * 2;
    this.index = new Uint32Array(slots);
    this.mask = slots - 1;
    for (let entry = 0; entry < this.count; entry++) this.place(entry);
  }
}

function slotsFor(entries: number): number {
  let slots = 64;
  while (entries / slots > MAX_LOAD) slots *= 2;
  return slots;
}

function grown<T extends Uint32Array | Float64Array | Uint8Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  return next;
}

function hex8(word: number): string {
  return word.toString(16).padStart(8, '0');
}
