import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import type { Adapter, Finding, Issue } from '../adapter.js';
import { findingId } from '../asff/id.js';
import { describeViolations, validateAsff } from '../asff/validate.js';
import { type ConverterError, isConverterError } from '../errors.js';
import { type ConversionStats, type ConvertOptions, convert } from '../pipeline.js';

/** The fixed context every expected `.asff.ndjson` is written with, so expected files never depend on the clock. */
export const CONFORMANCE_CONTEXT = {
  accountId: '123456789012',
  region: 'us-east-1',
  scope: 'fixture',
  now: () => new Date('2026-01-01T00:00:00.000Z'),
} as const satisfies Partial<ConvertOptions>;

const DEFAULT_CHUNK_SIZES: readonly number[] = [1, 7, 4096];

/** Ending of an expected-output file: `x.json` is expected to convert to `x.asff.ndjson`. */
export const EXPECTED_SUFFIX = '.asff.ndjson';

/** Infix of a reordered variant: `x.reordered.json` holds the records of `x.json` in another order. */
export const REORDERED_INFIX = '.reordered';

/** Options of the conformance suite ({@link conformanceCases}, `testAdapter`). */
export interface ConformanceOptions {
  /**
   * Folder of valid inputs. Every file in it is a fixture, except `*.asff.ndjson` (expected outputs), `*.md` and
   * names starting with `invalid-` or `.`; subfolders are not read. Each fixture needs `NAME.asff.ndjson` beside it
   * and must convert to exactly that text (one finding per line, {@link CONFORMANCE_CONTEXT}); `NAME.reordered.EXT`
   * beside `NAME.EXT` holds the same records in another order and must give the same set of Ids. Or a list of fixture
   * paths, where the folder holds other files too. A relative path is from the working directory (where the test
   * runner was started), as for `fs`; the expected output is always read and written beside its fixture.
   */
  fixtures?: string | readonly string[];
  /**
   * Inputs the adapter must refuse: a folder (every `invalid-*` file in it) or a list of paths. Each must end the
   * conversion with a `ConverterError` that says where (line, byte or record); `E_FORMAT` (not this format) and
   * `E_ENCODING` are about the whole input and need no position.
   */
  invalid?: string | readonly string[];
  /**
   * Byte-chunk sizes the adapter's `parse` is fed each input in: a fixture's findings and issues, and the findings,
   * issues and error of an invalid input, must not depend on them. Or a function giving the sizes per input (by file
   * name), e.g. larger chunks for a fixture of megabytes, which 1-byte chunks would make slow.
   * @defaultValue [1, 7, 4096]
   */
  chunkSizes?: readonly number[] | ((input: string) => readonly number[]);
  /** Strings that must never appear in any finding (the secrets your fixtures plant). */
  secrets?: readonly string[];
  /** Extra convert options for one fixture (by file name), e.g. adapter options. */
  convertOptions?: (fixture: string) => Partial<ConvertOptions>;
  /**
   * Your adapter's own assertions on one input (by file name), run as one more check per fixture and per invalid
   * input over its conversion: finding counts, issue counts, the error's code and words. Throw to fail (`expect`
   * does).
   */
  inspect?: (input: string, conversion: ConformanceConversion) => Promise<void> | void;
  /**
   * How an expected file is compared. The default reads it and throws on the first differing line; the vitest
   * wrapper passes `toMatchFileSnapshot` so `vitest -u` writes it.
   */
  matchExpected?: (actual: string, expectedPath: string) => Promise<void> | void;
}

/** One input's conversion, as {@link ConformanceOptions.inspect} gets it. */
export interface ConformanceConversion {
  /** The findings, in order; for an invalid input, those emitted before the error. */
  findings: AwsSecurityFinding[];
  /** The run's statistics: issue counts by code, records received and skipped, whether the input was complete. */
  stats: ConversionStats;
  /** The error that ended the conversion (an invalid input's `ConverterError`); absent when it completed. */
  error?: ConverterError;
}

/** One check of the suite: a name for the test runner and the function that throws when the check fails. */
export interface ConformanceCase {
  /** The test's name, starting with the fixture's file name (or the adapter's name for a suite-wide check). */
  name: string;
  /** Runs the check; rejects (a `ConformanceError`, or your `inspect`'s error) when it fails. */
  run: () => Promise<void>;
}

/** Thrown by a failed conformance check, with a message that says what differed. */
export class ConformanceError extends Error {
  /** Always `'ConformanceError'`, so a test runner's output names it. */
  override readonly name = 'ConformanceError';
}

/**
 * The conformance suite for one adapter, as a list of checks any test runner can register
 * (`for (const c of conformanceCases(adapter, opts)) test(c.name, c.run)`). Per fixture: the expected output,
 * valid ASFF for every finding, one Id per finding, the same findings whatever the byte chunking, the same Ids when
 * the records are reordered, and no planted secret in any finding; per invalid input: a positioned
 * `ConverterError`, the same whatever the byte chunking. With `inspect`, one more check per input runs your own
 * assertions.
 */
export function conformanceCases(adapter: Adapter, options: ConformanceOptions): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const chunkSizesOf = (input: string): readonly number[] => {
    const sizes = options.chunkSizes ?? DEFAULT_CHUNK_SIZES;
    return typeof sizes === 'function' ? sizes(input) : sizes;
  };
  const matchExpected = options.matchExpected ?? compareWithFile;
  const { inspect } = options;
  const fixtures = options.fixtures === undefined ? [] : listFixtures(options.fixtures);
  if (options.fixtures !== undefined && fixtures.length === 0) {
    cases.push({
      name: `${adapter.name}: fixtures`,
      run: async () => fail(`no fixture in ${String(options.fixtures)}${whereIs(options.fixtures)}`),
    });
  }
  for (const path of fixtures) {
    const name = basename(path);
    const convertOptions = { ...CONFORMANCE_CONTEXT, ...options.convertOptions?.(name) };
    const expectedPath = join(path, '..', `${stem(name)}${EXPECTED_SUFFIX}`);
    const reorderedPath = reorderedVariant(path);
    const chunkSizes = chunkSizesOf(name);
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
        await noRepeatedIdentity(adapter, path, convertOptions.adapterOptions ?? {});
      },
    });
    cases.push({
      name: `${name}: converts to ${basename(expectedPath)}`,
      run: async () => matchExpected(toNdjson(await collect(adapter, path, convertOptions)), expectedPath),
    });
    cases.push({
      name: `${name}: the same findings in chunks of ${chunkSizes.join(', ')} bytes`,
      run: () => sameInChunks(adapter, path, chunkSizes, convertOptions.adapterOptions ?? {}),
    });
    if (reorderedPath !== undefined) {
      cases.push({
        name: `${name}: the same Ids when its records are reordered (${basename(reorderedPath)})`,
        run: async () => {
          const original = await collect(adapter, path, convertOptions);
          const reordered = await collect(adapter, reorderedPath, convertOptions);
          const reorderedIds = new Set(reordered.map((f) => f.Id));
          const changed = original.filter((f) => !reorderedIds.has(f.Id));
          if (changed.length > 0 || original.length !== reordered.length)
            fail(
              `${changed.length} of ${original.length} findings get another Id when the records are reordered ` +
                `(${reordered.length} findings from ${basename(reorderedPath)}), first ${titleOf(changed[0])}: ` +
                'identity must not depend on where a record is (its index, a counter); use values of the record',
            );
        },
      });
    }
    if (options.secrets !== undefined && options.secrets.length > 0) {
      const secrets = options.secrets;
      cases.push({
        name: `${name}: no planted secret in any finding`,
        run: async () => {
          const findings = await collect(adapter, path, convertOptions);
          for (const [index, finding] of findings.entries()) {
            for (const secret of secrets) {
              const field = fieldContaining(finding, secret);
              if (field !== undefined)
                fail(
                  `finding ${index} (${titleOf(finding)}) contains the secret ${JSON.stringify(secret)} in ${field}: ` +
                    "copy only the fields a reader needs, not a record's raw data",
                );
            }
          }
        },
      });
    }
    if (inspect !== undefined) cases.push(inspectCase(adapter, path, convertOptions, inspect, 'fixture'));
  }
  const invalid = listInvalid(options.invalid);
  if (typeof options.invalid === 'string' && invalid.length === 0) {
    cases.push({
      name: `${adapter.name}: invalid inputs`,
      run: async () => fail(`no invalid-* file in ${String(options.invalid)}${whereIs(options.invalid)}`),
    });
  }
  for (const path of invalid) {
    const name = basename(path);
    const convertOptions = { ...CONFORMANCE_CONTEXT, ...options.convertOptions?.(name) };
    const chunkSizes = chunkSizesOf(name);
    cases.push({
      name: `${name}: refused with a ConverterError that says where`,
      run: async () => {
        const { error } = await conversion(adapter, path, convertOptions);
        if (error === undefined) fail('the input was accepted');
        if (!isConverterError(error))
          fail(
            `expected a ConverterError, got ${String(error)}: throw ConverterError (from 'asff-stream') for input ` +
              'that is not your format, corrupt, truncated or unsafe',
          );
        const { code, line, byte, recordIndex } = error;
        // "Not this format" and "not a readable encoding" are about the input as a whole.
        const wholeInput = code === 'E_FORMAT' || code === 'E_ENCODING';
        if (!wholeInput && line === undefined && byte === undefined && recordIndex === undefined)
          fail(
            `the ConverterError gives no position: ${error.describe()}; pass { line } , { byte } or { recordIndex } ` +
              "(the toolkit's records carry their line) or let a toolkit reader's own error through",
          );
      },
    });
    cases.push({
      name: `${name}: refused the same way in chunks of ${chunkSizes.join(', ')} bytes`,
      run: () => sameInChunks(adapter, path, chunkSizes, convertOptions.adapterOptions ?? {}),
    });
    if (inspect !== undefined) cases.push(inspectCase(adapter, path, convertOptions, inspect, 'invalid'));
  }
  return cases;
}

/**
 * The check that runs `inspect` over an input's conversion. A fixture's error fails it; an invalid input's
 * `ConverterError` is handed over (whether there is one is judged by the check of refusal).
 */
function inspectCase(
  adapter: Adapter,
  path: string,
  convertOptions: ConvertOptions,
  inspect: NonNullable<ConformanceOptions['inspect']>,
  kind: 'fixture' | 'invalid',
): ConformanceCase {
  const name = basename(path);
  return {
    name: `${name}: passes the adapter's own assertions`,
    run: async () => {
      const { findings, stats, error } = await conversion(adapter, path, convertOptions);
      if (error === undefined) return inspect(name, { findings, stats });
      if (kind === 'fixture' || !isConverterError(error)) throw error;
      return inspect(name, { findings, stats, error });
    },
  };
}

/** Converts an input with this adapter only and collects the findings, throwing what the conversion throws. */
async function collect(
  adapter: Adapter,
  path: string,
  options: ConvertOptions,
): Promise<AwsSecurityFinding[]> {
  const result = await conversion(adapter, path, options);
  if (result.error !== undefined) throw result.error;
  return result.findings;
}

/** Converts an input with this adapter only: the findings, the stats and what the conversion threw, if anything. */
async function conversion(
  adapter: Adapter,
  path: string,
  options: ConvertOptions,
): Promise<{ findings: AwsSecurityFinding[]; stats: ConversionStats; error?: unknown }> {
  const run = convert(path, { ...options, adapters: [adapter], format: adapter.name });
  const findings: AwsSecurityFinding[] = [];
  try {
    for await (const finding of run) findings.push(finding);
  } catch (error) {
    return { findings, stats: run.stats, error };
  }
  return { findings, stats: run.stats };
}

/**
 * Feeds the adapter's `parse` the input whole and in chunks of each size, and fails where the findings, the issues
 * or the error (code, message and position) differ from those of the whole input.
 */
async function sameInChunks(
  adapter: Adapter,
  path: string,
  chunkSizes: readonly number[],
  adapterOptions: Readonly<Record<string, unknown>>,
): Promise<void> {
  const bytes = await readFile(path);
  const name = basename(path);
  const whole = await parseAll(adapter, chunks(bytes, bytes.length), name, adapterOptions);
  for (const size of chunkSizes) {
    const chunked = await parseAll(adapter, chunks(bytes, size), name, adapterOptions);
    if (chunked !== whole) fail(`chunks of ${size} bytes: ${firstDifference(chunked, whole)}`);
  }
}

/** What the adapter's own `parse` gave for one input: its findings, its issues, and what it threw, if anything. */
interface ParseResult {
  findings: Finding[];
  issues: Issue[];
  thrown?: { error: unknown };
}

/** Runs the adapter's own `parse` (no sniffing or re-chunking in between, unlike `convert`). */
async function runParse(
  adapter: Adapter,
  input: AsyncIterable<Uint8Array>,
  filename: string,
  options: Readonly<Record<string, unknown>>,
): Promise<ParseResult> {
  const tempDir = await mkdtemp(join(tmpdir(), 'asff-stream-conformance-'));
  const result: ParseResult = { findings: [], issues: [] };
  try {
    const ctx = { filename, options, tempDir, onIssue: (issue: Issue) => result.issues.push(issue) };
    for await (const finding of adapter.parse(input, ctx)) result.findings.push(finding);
  } catch (error) {
    result.thrown = { error };
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
  return result;
}

/**
 * The adapter's findings, then its issues, then the error it ends with, if any, as lines of JSON. Findings and issues
 * are compared each in its own order: how the two interleave may depend on the chunking (an adapter may map the
 * records of a chunk, reporting their issues, before it yields their findings).
 */
async function parseAll(
  adapter: Adapter,
  input: AsyncIterable<Uint8Array>,
  filename: string,
  options: Readonly<Record<string, unknown>>,
): Promise<string> {
  const { findings, issues, thrown } = await runParse(adapter, input, filename, options);
  return [
    ...findings.map((finding) => JSON.stringify(finding)),
    ...issues.map((issue) => JSON.stringify({ issue })),
    ...(thrown !== undefined ? [JSON.stringify({ error: describeThrown(thrown.error) })] : []),
  ].join('\n');
}

/**
 * Fails when two findings of an input have one identity (so one Id) and the adapter does not merge them: the
 * pipeline would send the first and skip the other as `repeated-id`, which an expected output written by `vitest -u`
 * would silently accept.
 */
async function noRepeatedIdentity(
  adapter: Adapter,
  path: string,
  options: Readonly<Record<string, unknown>>,
): Promise<void> {
  if (adapter.mergeRepeat !== undefined) return;
  const bytes = await readFile(path);
  const { findings } = await runParse(adapter, chunks(bytes, bytes.length), basename(path), options);
  const first = new Map<string, Finding>();
  for (const finding of findings) {
    const id = findingId(CONFORMANCE_CONTEXT.scope, adapter.name, finding.identity);
    const earlier = first.get(id);
    if (earlier === undefined) {
      first.set(id, finding);
      continue;
    }
    fail(
      `two findings have the identity ${JSON.stringify(finding.identity)}, so one Id: "${clipText(earlier.title)}" ` +
        `and "${clipText(finding.title)}"; the pipeline sends the first and skips the other (repeated-id). Add to ` +
        'identity what tells them apart (a package version, a location, a URL), or define mergeRepeat to merge them',
    );
  }
}

/** A finding as a reader names it in a message: its title (and Id). */
function titleOf(finding: AwsSecurityFinding | undefined): string {
  if (finding === undefined) return 'none';
  return `"${clipText(finding.Title ?? '')}" (${finding.Id})`;
}

function clipText(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** The path of the first string field of `value` that contains `needle` (e.g. `ProductFields.note`), if any. */
function fieldContaining(value: unknown, needle: string, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes(needle) ? path || '(the value)' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const innerPath = Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    const found = fieldContaining(inner, needle, innerPath);
    if (found !== undefined) return found;
  }
  return undefined;
}

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.slice(offset, offset + size);
}

/** What a thrown error says, for comparing runs: a `ConverterError`'s code, message and position; else its text. */
function describeThrown(error: unknown): unknown {
  if (!isConverterError(error)) return String(error);
  const { code, message, line, column, byte, recordIndex } = error;
  return { code, message, line, column, byte, recordIndex };
}

function toNdjson(findings: readonly AwsSecurityFinding[]): string {
  return findings.map((finding) => `${JSON.stringify(finding)}\n`).join('');
}

/**
 * Runs a snapshot-style comparison that writes a missing file where it may (vitest outside CI) and, where it may not
 * (in CI, vitest fails with only "Snapshot … mismatched"), says that the file is missing and how to make it.
 * @internal
 */
export async function matchWritableFile(expectedPath: string, match: () => Promise<void>): Promise<void> {
  const existed = existsSync(expectedPath);
  try {
    await match();
  } catch (error) {
    if (existed || existsSync(expectedPath)) throw error;
    fail(
      `${basename(expectedPath)} is missing, and this run may not write it (CI): run vitest once where it may ` +
        `(it writes ${expectedPath}), review the file and commit it`,
    );
  }
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
    const got = a[i];
    const want = e[i];
    if (got === want) continue;
    // Long lines (a finding's JSON) are shown around where they first differ, so the difference is in view.
    let at = 0;
    while (got !== undefined && want !== undefined && at < got.length && got[at] === want[at]) at += 1;
    return `line ${i + 1} is ${clip(got, at)}, expected ${clip(want, at)}`;
  }
  return 'the texts differ';
}

function clip(line: string | undefined, differsAt: number): string {
  if (line === undefined) return 'missing';
  if (line.length <= 300) return JSON.stringify(line);
  const start = differsAt < 200 ? 0 : differsAt - 100;
  const end = start + 300;
  return `${start > 0 ? '…' : ''}${JSON.stringify(line.slice(start, end))}${end < line.length ? '…' : ''}`;
}

function fail(message: string): never {
  throw new ConformanceError(message);
}

/** For a folder that does not exist: where a relative path was looked for. */
function whereIs(folder: string | readonly string[] | undefined): string {
  if (typeof folder !== 'string' || existsSync(folder)) return '';
  return ` (the folder ${resolve(folder)} does not exist; a relative path is from the working directory)`;
}

function stem(name: string): string {
  return name.slice(0, name.length - extname(name).length);
}

/** Names of the files in a folder; subfolders (of option files, say) are not read. */
function filesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

function listFixtures(fixtures: string | readonly string[]): string[] {
  if (typeof fixtures !== 'string') return fixtures.map((path) => resolve(path));
  return filesIn(fixtures)
    .filter(
      (name) =>
        !name.startsWith('.') &&
        !name.startsWith('invalid-') &&
        !name.endsWith(EXPECTED_SUFFIX) &&
        !name.endsWith('.md') &&
        !stem(name).endsWith(REORDERED_INFIX),
    )
    .sort()
    .map((name) => resolve(fixtures, name));
}

function reorderedVariant(path: string): string | undefined {
  const ext = extname(path);
  const candidate = `${path.slice(0, path.length - ext.length)}${REORDERED_INFIX}${ext}`;
  return existsSync(candidate) ? candidate : undefined;
}

function listInvalid(invalid: string | readonly string[] | undefined): string[] {
  if (invalid === undefined) return [];
  if (typeof invalid !== 'string') return invalid.map((path) => resolve(path));
  return filesIn(invalid)
    .filter((name) => name.startsWith('invalid-'))
    .sort()
    .map((name) => resolve(invalid, name));
}
