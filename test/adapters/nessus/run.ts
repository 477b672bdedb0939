import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import nessus from '../../../adapters/nessus/index.js';
import type { Finding, Issue } from '../../../src/adapter.js';
import type { ConverterError } from '../../../src/errors.js';
import { isConverterError } from '../../../src/errors.js';
import { chunksOf } from '../../helpers/chunks.js';

/** What one conversion produced: the findings (also those before a fatal error), issues, and the error if any. */
export interface NessusRun {
  findings: Finding[];
  issues: Issue[];
  error?: ConverterError;
}

/** Runs the nessus adapter over bytes, a string or a file path (`file:` prefix not needed for absolute paths). */
export async function runNessus(
  input: Uint8Array | string,
  options: { chunkSize?: number; adapterOptions?: Record<string, unknown>; isPath?: boolean } = {},
): Promise<NessusRun> {
  const bytes =
    typeof input === 'string'
      ? options.isPath === true
        ? new Uint8Array(readFileSync(input))
        : new TextEncoder().encode(input)
      : input;
  const findings: Finding[] = [];
  const issues: Issue[] = [];
  try {
    for await (const finding of nessus.parse(chunksOf(bytes, options.chunkSize), {
      onIssue: (issue) => issues.push(issue),
      options: options.adapterOptions ?? {},
      tempDir: tmpdir(),
    })) {
      findings.push(finding);
    }
  } catch (error) {
    if (!isConverterError(error)) throw error;
    return { findings, issues, error };
  }
  return { findings, issues };
}

/** Reads a file as bytes. */
export function fileBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}
