import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConverterError } from '../errors.js';
import type { ClientOptions } from '../sink/client.js';
import { decodeHeader, fileLines } from './format.js';

/** The answer of a conditional write. */
export type PutResult = { ok: true; version: string } | { ok: false };

/**
 * Where a state lives: a local file or an S3 object. Both copy whole files; the entries are streamed
 * from the local copy, never held as a whole in memory.
 */
export interface StateStore {
  /** For messages: the path or `s3://bucket/key`. */
  readonly location: string;
  /** Copies the stored state to `localPath`; resolves with its version, or `undefined` when there is none. */
  fetch(localPath: string): Promise<string | undefined>;
  /**
   * Replaces the stored state with `localPath` if its version is still `expected` (`undefined`: only if
   * there is none). `{ ok: false }` when another run wrote in between: re-read, merge, try again.
   */
  put(localPath: string, expected: string | undefined): Promise<PutResult>;
}

/** Options of {@link openStateStore}. */
export interface StateStoreOptions {
  /** Region of the S3 client (the bucket may be elsewhere: redirects are followed). */
  region: string;
  /** S3 endpoint (a local S3-compatible server); path-style addressing is used with it. */
  s3Endpoint?: string;
  /** Credentials for S3 (default: the standard AWS chain). */
  credentials?: ClientOptions['credentials'];
}

/** A store for `--state`: `s3://bucket/key` or a file path. */
export async function openStateStore(location: string, options: StateStoreOptions): Promise<StateStore> {
  if (location.startsWith('s3://')) {
    const { s3StateStore } = await import('./s3-store.js');
    return s3StateStore(location, options);
  }
  return fileStateStore(location);
}

/** The version of a file whose header cannot be read: such a file may be replaced only while it stays so. */
const UNREADABLE_VERSION = '!unreadable';

/** How long a lock held by a live process is waited for. */
const LOCK_WAIT_MS = 60_000;

/**
 * A state in a local file. Writes go to a temporary file in the same directory, are flushed to disk
 * (fsync), then renamed over the state and the directory is flushed: a crash at any point leaves either
 * the previous state or the new one, never a mix. A lock file (`PATH.lock`, created exclusively, holding
 * the writer's pid; one left by a dead process is taken over) makes check-and-replace atomic between
 * processes on one machine; the version checked is the header's `revision`.
 */
export function fileStateStore(path: string): StateStore {
  return {
    location: path,
    async fetch(localPath) {
      try {
        await copyFile(path, localPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw ioError(`cannot read the state file ${path}`, error);
      }
      return revisionOf(localPath);
    },
    async put(localPath, expected) {
      await mkdir(dirname(path), { recursive: true }).catch(() => {});
      const release = await lock(`${path}.lock`);
      try {
        if ((await currentRevision(path)) !== expected) return { ok: false };
        const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
        try {
          await copyFile(localPath, temporary);
          await syncFile(temporary);
          await rename(temporary, path);
        } catch (error) {
          await unlink(temporary).catch(() => {});
          throw ioError(`cannot write the state file ${path}`, error);
        }
        await syncFile(dirname(path)).catch(() => {});
        return { ok: true, version: (await revisionOf(localPath)) ?? UNREADABLE_VERSION };
      } finally {
        await release();
      }
    },
  };
}

async function currentRevision(path: string): Promise<string | undefined> {
  try {
    return await revisionOf(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(`cannot read the state file ${path}`, error);
  }
}

/** The header's revision, or {@link UNREADABLE_VERSION}. */
async function revisionOf(path: string): Promise<string> {
  for await (const line of fileLines(path)) return decodeHeader(line)?.revision ?? UNREADABLE_VERSION;
  return UNREADABLE_VERSION;
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function lock(path: string): Promise<() => Promise<void>> {
  const started = Date.now();
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(path).catch(() => {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw ioError(`cannot lock the state file (${path})`, error);
    }
    const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
      // Left by a process that died while saving: take it over.
      await unlink(path).catch(() => {});
      continue;
    }
    if (Date.now() - started > LOCK_WAIT_MS)
      throw new ConverterError(
        'E_IO',
        `the state file is locked by process ${holder} (${path}) for more than ${LOCK_WAIT_MS / 1000} s`,
      );
    await sleep(20 + Math.random() * 80);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ioError(message: string, cause: unknown): ConverterError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ConverterError('E_IO', `${message}: ${reason}`, { cause });
}
