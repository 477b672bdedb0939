import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sarif from '../../../adapters/sarif/index.js';
import type { Finding, Issue } from '../../../src/adapter.js';
import { chunksOf } from '../../helpers/chunks.js';

/** The bytes of a text or object (objects are JSON-encoded). */
export function encode(input: string | object): Uint8Array {
  return new TextEncoder().encode(typeof input === 'string' ? input : JSON.stringify(input));
}

/** What a parse produced. */
export interface Parsed {
  findings: Finding[];
  issues: Issue[];
  error?: unknown;
  tempFilesLeft: string[];
}

/**
 * Runs the SARIF adapter over `input` with a fresh temp directory, collecting findings, issues and the error (if
 * any), and lists the files left in the temp directory afterwards (must always be none).
 */
export async function parseWith(
  input: AsyncIterable<Uint8Array> | Uint8Array | string | object,
  options: Record<string, unknown> = {},
): Promise<Parsed> {
  const tempDir = await mkdtemp(join(tmpdir(), 'sarif-test-'));
  const findings: Finding[] = [];
  const issues: Issue[] = [];
  let error: unknown;
  const source =
    input instanceof Uint8Array || typeof input === 'string' || !(Symbol.asyncIterator in input)
      ? chunksOf(input instanceof Uint8Array ? input : encode(input as string | object))
      : (input as AsyncIterable<Uint8Array>);
  try {
    for await (const finding of sarif.parse(source, {
      onIssue: (issue) => issues.push(issue),
      options,
      tempDir,
    }))
      findings.push(finding);
  } catch (caught) {
    error = caught;
  }
  const tempFilesLeft = await readdir(tempDir);
  await rm(tempDir, { recursive: true, force: true });
  return { findings, issues, tempFilesLeft, ...(error !== undefined && { error }) };
}

/** Streams a file from disk in 64 KiB chunks. */
export function fileChunks(path: string): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Uint8Array>;
}

/** The `Container` resource the adapter gives every result of a run that names its scanned image. */
export function containerResource(name: string, image: { id?: string; digest?: string; tag?: string }) {
  const other = { ...(image.digest !== undefined && { ImageDigest: image.digest }) };
  return {
    Type: 'Container',
    Id: name,
    Details: {
      Container: {
        Name: name,
        ImageName: image.tag ?? name,
        ...(image.id !== undefined && { ImageId: image.id }),
      },
      ...(Object.keys(other).length > 0 && { Other: other }),
    },
  };
}
