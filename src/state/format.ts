import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { StateEntry } from './table.js';

/** The `format` value of a state file's header line. */
export const STATE_FORMAT = 'asff-stream-state';
/**
 * The version of the format this code writes: 2, a file of one section per key (a header line, then that
 * key's entry lines). Version 1 (one key, written before a run kept every key of a multi-run input) is read as
 * a file of one section.
 */
export const STATE_VERSION = 2;
/** Versions this code reads. */
const READABLE_VERSIONS: readonly number[] = [1, 2];

/**
 * What a state is about. Every field is compared on load: a state written for another account, product,
 * scope (or, once set, source tool) is not used. New identity fields are added here and nowhere else.
 */
export interface StateKey {
  accountId: string;
  productArn: string;
  scope: string;
  /** The adapter and the tool inside it (e.g. `sarif/semgrep`), when the scope model records it. */
  sourceTool?: string;
}

/** The first line of each section of a state file: one section per key, its entry lines after it. */
export interface StateHeader {
  format: typeof STATE_FORMAT;
  version: number;
  key: StateKey;
  /** When the state was written (ISO 8601). */
  writtenAt: string;
  /** Entry lines that follow (a file with another count is unreadable: cut short or spliced). */
  entries: number;
  /** A new random token on every write: the version a conditional write of the file store checks. */
  revision: string;
  /**
   * True when the entries cover every finding Security Hub had for the key: the state started from a read
   * of the scope (or from such a state). A state written by runs that never read the scope holds only what
   * they sent, so it is not used where the whole scope matters (history, archiving).
   */
  complete: boolean;
  /**
   * Sections in the file (version 2, the same on every section header; absent in version 1: one). A file with
   * another number of sections is unreadable (cut short or spliced).
   */
  sections?: number;
}

/** One entry line: `[Id, fingerprint, CreatedAt ms, FirstObservedAt ms | null, last sent ms, "A" | "R"]`. */
export type EntryLine = [string, string, number, number | null, number, 'A' | 'R'];

/** True when both keys name the same account, product, scope and source tool. */
export function sameKey(a: StateKey, b: StateKey): boolean {
  return (
    a.accountId === b.accountId &&
    a.productArn === b.productArn &&
    a.scope === b.scope &&
    (a.sourceTool ?? '') === (b.sourceTool ?? '')
  );
}

/** The JSON line of one entry (no newline). */
export function encodeEntry(id: string, entry: StateEntry): string {
  const line: EntryLine = [
    id,
    entry.fingerprint,
    entry.createdAt,
    Number.isNaN(entry.firstObservedAt) ? null : entry.firstObservedAt,
    entry.lastSent,
    entry.archived ? 'R' : 'A',
  ];
  return JSON.stringify(line);
}

/** One entry line parsed, or `undefined` when it is not one. */
export function decodeEntry(text: string): { id: string; entry: StateEntry } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 6) return undefined;
  const [id, fingerprint, createdAt, firstObservedAt, lastSent, state] = value as unknown[];
  if (
    typeof id !== 'string' ||
    id === '' ||
    typeof fingerprint !== 'string' ||
    !/^(?:[0-9a-f]{16})?$/.test(fingerprint) ||
    !isTime(createdAt) ||
    !(firstObservedAt === null || isTime(firstObservedAt)) ||
    !isTime(lastSent) ||
    (state !== 'A' && state !== 'R')
  )
    return undefined;
  return {
    id,
    entry: {
      fingerprint,
      createdAt,
      firstObservedAt: firstObservedAt ?? Number.NaN,
      lastSent,
      archived: state === 'R',
    },
  };
}

/** A header parsed, or `undefined` when the line is not a header of this format and version. */
export function decodeHeader(text: string): StateHeader | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const header = value as Partial<StateHeader>;
  const key = header.key as Partial<StateKey> | undefined;
  if (
    header.format !== STATE_FORMAT ||
    typeof header.version !== 'number' ||
    !READABLE_VERSIONS.includes(header.version) ||
    (header.sections !== undefined &&
      (typeof header.sections !== 'number' || !Number.isInteger(header.sections) || header.sections < 1)) ||
    typeof header.writtenAt !== 'string' ||
    !Number.isFinite(Date.parse(header.writtenAt)) ||
    typeof header.entries !== 'number' ||
    !Number.isInteger(header.entries) ||
    header.entries < 0 ||
    typeof header.revision !== 'string' ||
    typeof header.complete !== 'boolean' ||
    typeof key !== 'object' ||
    key === null ||
    typeof key.accountId !== 'string' ||
    typeof key.productArn !== 'string' ||
    typeof key.scope !== 'string' ||
    (key.sourceTool !== undefined && typeof key.sourceTool !== 'string')
  )
    return undefined;
  return header as StateHeader;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** True for a line that can only be an entry (`[…]`); a section header is an object (`{…}`). */
export function looksLikeEntry(text: string): boolean {
  return text.startsWith('[');
}

/** The lines of a file, streamed (a state file is never read whole). */
export async function* fileLines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) if (line !== '') yield line;
  } finally {
    lines.close();
    input.destroy();
  }
}

/** Writes lines to a file in chunks of about 64 KB, waiting for the disk. */
export async function writeLines(
  path: string,
  lines: AsyncIterable<string> | Iterable<string>,
): Promise<void> {
  const out = new ChunkedFile(path);
  try {
    for await (const line of lines) await out.write(line);
  } finally {
    await out.close();
  }
}

/** A file written line by line in chunks of about 64 KB, waiting for the disk (for writers of several files at once). */
export class ChunkedFile {
  private readonly out;
  private readonly failed: Promise<never>;
  private chunk = '';

  constructor(path: string) {
    this.out = createWriteStream(path);
    this.failed = new Promise<never>((_, reject) => this.out.once('error', reject));
    this.failed.catch(() => {});
  }

  /** Appends `text` (its own newlines included). */
  async write(text: string): Promise<void> {
    this.chunk += text;
    if (this.chunk.length >= 65_536) await this.flush();
  }

  /** Writes what is left and closes the file; rejects with the file's error, if any. */
  async close(): Promise<void> {
    if (this.chunk !== '') await this.flush();
    if (this.out.closed) return;
    await Promise.race([new Promise<void>((resolve) => this.out.end(resolve)), this.failed]);
  }

  private async flush(): Promise<void> {
    const chunk = this.chunk;
    this.chunk = '';
    if (!this.out.write(chunk))
      await Promise.race([
        new Promise<void>((resolve) => this.out.once('drain', () => resolve())),
        this.failed,
      ]);
  }
}
