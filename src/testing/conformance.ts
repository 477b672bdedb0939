import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import type { Adapter, Issue } from '../adapter.js';
import { describeViolations, validateAsff } from '../asff/validate.js';
import { isConverterError } from '../errors.js';
import { type ConvertOptions, convert } from '../pipeline.js';

/** The fixed context every expected `.asff.ndjson` is written with, so expected files never depend on the clock. */
export const CONFORMANCE_CONTEXT = {
  accountId: '123456789012',
  region: 'us-east-1',
  scope: 'fixture',
  now: () => new Date('2026-01-01T00:00:00.000Z'),
} as const satisfies Partial<ConvertOptions>;

/** Ending of an expected-output file: `x.json` is expected to convert to `x.asff.ndjson`. */
export const EXPECTED_SUFFIX = '.asff.ndjson';

/** Infix of a reordered variant: `x.reordered.json` holds the records of `x.json` in another order. */
export const REORDERED_INFIX = '.reordered';

/** Options of the conformance suite ({@link conformanceCases}, `testAdapter`). */
export interface ConformanceOptions {
  /**
   * Folder of valid inputs. Every file in it is a fixture, except `*.asff.ndjson` (expected outputs), `*.md` and
   * names starting with `invalid-` or `.`. Each fixture needs `NAME.asff.ndjson` beside it and must convert to exactly
   * that text (one finding per line, {@link CONFORMANCE_CONTEXT}); `NAME.reordered.EXT` beside `NAME.EXT` holds the same
   * records in another order and must give the same set of Ids. Or a list of fixture paths, where the folder holds
   * other files too.
   */
  fixtures?: string | readonly string[];
  /**
   * Inputs the adapter must refuse: a folder (every `invalid-*` file in it) or a list of paths. Each must end the
   * conversion with a `ConverterError` that says where (line, byte or record); `E_FORMAT` (not this format) and
   * `E_ENCODING` are about the whole input and need no position.
   */
  invalid?: string | readonly string[];
  /** Byte-chunk sizes the adapter's `parse` is fed each fixture in; its findings and issues must not depend on them. @defaultValue [1, 7, 4096] */
  chunkSizes?: readonly number[];
  /** Strings that must never appear in any finding (the secrets your fixtures plant). */
  secrets?: readonly string[];
  /** Extra convert options for one fixture (by file name), e.g. adapter options. */
  convertOptions?: (fixture: string) => Partial<ConvertOptions>;
  /**
   * How an expected file is compared. The default reads it and throws on the first differing line; the vitest
   * wrapper passes `toMatchFileSnapshot` so `vitest -u` writes it.
   */
  matchExpected?: (actual: string, expectedPath: string) => Promise<void> | void;
}

/** One check of the suite: a name for the test runner and the function that throws when the check fails. */
export interface ConformanceCase {
  name: string;
  run: () => Promise<void>;
}

/** Thrown by a failed conformance check, with a message that says what differed. */
export class ConformanceError extends Error {
  override readonly name = 'ConformanceError';
}

/**
 * The conformance suite for one adapter, as a list of checks any test runner can register
 * (`for (const c of conformanceCases(adapter, opts)) test(c.name, c.run)`). Per fixture: the expected output,
 * valid ASFF for every finding, one Id per finding, the same findings whatever the byte chunking, the same Ids when
 * the records are reordered, and no planted secret in any finding; per invalid input: a positioned
 * `ConverterError`.
 */
export function conformanceCases(adapter: Adapter, options: ConformanceOptions): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const chunkSizes = options.chunkSizes ?? [1, 7, 4096];
  const matchExpected = options.matchExpected ?? compareWithFile;
  const fixtures = options.fixtures === undefined ? [] : listFixtures(options.fixtures);
  if (options.fixtures !== undefined && fixtures.length === 0) {
    cases.push({
      name: `${adapter.name}: fixtures`,
      run: async () => fail(`no fixture in ${String(options.fixtures)}`),
    });
  }
  for (const path of fixtures) {
    const name = basename(path);
    const convertOptions = { ...CONFORMANCE_CONTEXT, ...options.convertOptions?.(name) };
    const expectedPath = join(path, '..', `${stem(name)}${EXPECTED_SUFFIX}`);
    const reorderedPath = reorderedVariant(path);
    cases.push({
      name: `${name}: every finding is valid ASFF, with one Id each`,
      run: async () => {
        const findings = await collect(adapter, path, convertOptions);
        for (const [index, finding] of findings.entries()) {
          const violations = validateAsff(finding);
          if (violations.length > 0)
            fail(`finding ${index} is not valid ASFF: ${describeViolations(violations)}`);
        }
        const seen = new Set<string | undefined>();
        for (const { Id } of findings) {
          if (seen.has(Id)) fail(`the Id ${Id} is emitted twice`);
          seen.add(Id);
        }
      },
    });
    cases.push({
      name: `${name}: converts to ${basename(expectedPath)}`,
      run: async () => matchExpected(toNdjson(await collect(adapter, path, convertOptions)), expectedPath),
    });
    cases.push({
      name: `${name}: the same findings in chunks of ${chunkSizes.join(', ')} bytes`,
      run: async () => {
        const bytes = await readFile(path);
        const adapterOptions = convertOptions.adapterOptions ?? {};
        const whole = await parseAll(adapter, chunks(bytes, bytes.length), name, adapterOptions);
        for (const size of chunkSizes) {
          const chunked = await parseAll(adapter, chunks(bytes, size), name, adapterOptions);
          if (chunked !== whole) fail(`chunks of ${size} bytes: ${firstDifference(chunked, whole)}`);
        }
      },
    });
    if (reorderedPath !== undefined) {
      cases.push({
        name: `${name}: the same Ids when its records are reordered (${basename(reorderedPath)})`,
        run: async () => {
          const ids = (await collect(adapter, path, convertOptions)).map((f) => f.Id).sort();
          const reordered = (await collect(adapter, reorderedPath, convertOptions)).map((f) => f.Id).sort();
          if (JSON.stringify(ids) !== JSON.stringify(reordered))
            fail(`Ids differ: ${firstDifference(reordered.join('\n'), ids.join('\n'))}`);
        },
      });
    }
    if (options.secrets !== undefined && options.secrets.length > 0) {
      const secrets = options.secrets;
      cases.push({
        name: `${name}: no planted secret in any finding`,
        run: async () => {
          const text = JSON.stringify(await collect(adapter, path, convertOptions));
          const leaked = secrets.find((secret) => text.includes(secret));
          if (leaked !== undefined) fail(`a finding contains the secret ${JSON.stringify(leaked)}`);
        },
      });
    }
  }
  for (const path of listInvalid(options.invalid)) {
    const name = basename(path);
    cases.push({
      name: `${name}: refused with a ConverterError that says where`,
      run: async () => {
        try {
          await collect(adapter, path, { ...CONFORMANCE_CONTEXT, ...options.convertOptions?.(name) });
        } catch (error) {
          if (!isConverterError(error)) fail(`expected a ConverterError, got ${String(error)}`);
          const { code, line, byte, recordIndex } = error;
          // "Not this format" and "not a readable encoding" are about the input as a whole.
          const wholeInput = code === 'E_FORMAT' || code === 'E_ENCODING';
          if (!wholeInput && line === undefined && byte === undefined && recordIndex === undefined)
            fail(`the ConverterError gives no position: ${error.describe()}`);
          return;
        }
        fail('the input was accepted');
      },
    });
  }
  return cases;
}

/** Converts an input with this adapter only and collects the findings. */
async function collect(
  adapter: Adapter,
  input: string | AsyncIterable<Uint8Array>,
  options: ConvertOptions,
): Promise<AwsSecurityFinding[]> {
  const run = convert(input, { ...options, adapters: [adapter], format: adapter.name });
  const findings: AwsSecurityFinding[] = [];
  for await (const finding of run) findings.push(finding);
  return findings;
}

/**
 * Runs the adapter's own `parse` (no sniffing or re-chunking in between, unlike `convert`) and returns its findings
 * and issues as lines of JSON.
 */
async function parseAll(
  adapter: Adapter,
  input: AsyncIterable<Uint8Array>,
  filename: string,
  options: Readonly<Record<string, unknown>>,
): Promise<string> {
  const tempDir = await mkdtemp(join(tmpdir(), 'asff-stream-conformance-'));
  const lines: string[] = [];
  try {
    const ctx = {
      filename,
      options,
      tempDir,
      onIssue: (issue: Issue) => lines.push(JSON.stringify({ issue })),
    };
    for await (const finding of adapter.parse(input, ctx)) lines.push(JSON.stringify(finding));
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
  return lines.join('\n');
}

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.slice(offset, offset + size);
}

function toNdjson(findings: readonly AwsSecurityFinding[]): string {
  return findings.map((finding) => `${JSON.stringify(finding)}\n`).join('');
}

async function compareWithFile(actual: string, expectedPath: string): Promise<void> {
  if (!existsSync(expectedPath))
    fail(
      `${basename(expectedPath)} is missing: write the expected output there (vitest -u does) and review it`,
    );
  const expected = await readFile(expectedPath, 'utf8');
  if (actual !== expected) fail(`${basename(expectedPath)}: ${firstDifference(actual, expected)}`);
}

function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  for (let i = 0; i < Math.max(a.length, e.length); i += 1) {
    if (a[i] !== e[i]) return `line ${i + 1} is ${clip(a[i])}, expected ${clip(e[i])}`;
  }
  return 'the texts differ';
}

function clip(line: string | undefined): string {
  if (line === undefined) return 'missing';
  return JSON.stringify(line.length > 300 ? `${line.slice(0, 300)}…` : line);
}

function fail(message: string): never {
  throw new ConformanceError(message);
}

function stem(name: string): string {
  return name.slice(0, name.length - extname(name).length);
}

function listFixtures(fixtures: string | readonly string[]): string[] {
  if (typeof fixtures !== 'string') return [...fixtures];
  return readdirSync(fixtures)
    .filter(
      (name) =>
        !name.startsWith('.') &&
        !name.startsWith('invalid-') &&
        !name.endsWith(EXPECTED_SUFFIX) &&
        !name.endsWith('.md') &&
        !stem(name).endsWith(REORDERED_INFIX),
    )
    .sort()
    .map((name) => join(fixtures, name));
}

function reorderedVariant(path: string): string | undefined {
  const ext = extname(path);
  const candidate = `${path.slice(0, path.length - ext.length)}${REORDERED_INFIX}${ext}`;
  return existsSync(candidate) ? candidate : undefined;
}

function listInvalid(invalid: string | readonly string[] | undefined): string[] {
  if (invalid === undefined) return [];
  if (typeof invalid !== 'string') return [...invalid];
  return readdirSync(invalid)
    .filter((name) => name.startsWith('invalid-'))
    .sort()
    .map((name) => join(invalid, name));
}
