import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import type { Adapter, AdapterContext, Finding, Issue, SeverityLabel } from './adapter.js';
import { type AsffContext, SCOPE_PRODUCT_FIELD, toAsff } from './asff/build.js';
import {
  ASFF_FORMAT,
  looksLikeAsff,
  readOpenedFindings,
  unwrapDeadLetterEntry,
} from './asff/read-findings.js';
import { detectAdapter } from './detect.js';
import { ConverterError } from './errors.js';
import { type InputSource, type OpenedInput, openInput } from './internal/input.js';
import { ADAPTER_NAMES, builtinAdapters, getAdapter } from './registry.js';
import { isAtLeast, parseSeverityOption, SEVERITY_LABELS } from './severity.js';

export type { InputSource } from './internal/input.js';

/** Options of {@link convert}. */
export interface ConvertOptions {
  /** 12-digit AWS account id that will own the findings. */
  accountId: string;
  /** AWS Region, e.g. `us-east-1`. */
  region: string;
  /** `auto` (default) detects from content; or an adapter name. */
  format?: string;
  /** Custom adapters; they are tried (and looked up by name) before the built-in ones. */
  adapters?: readonly Adapter[];
  /** Product ARN; default: the account's default custom-integration ARN. */
  productArn?: string;
  /** Scope of this run (goes into Ids and ProductFields). Default: the adapter's hint, else the file name, else the adapter name. */
  scope?: string;
  /** File name to use as detection hint and default scope when the input is a stream. */
  filename?: string;
  /** The run's clock; called once per run. @defaultValue `() => new Date()` */
  now?: () => Date;
  /** Adapter-specific options (`trivyLicenses`, `minSeverity`, `csvMap`, …). */
  adapterOptions?: Readonly<Record<string, unknown>>;
  /** Findings below this label are skipped (counted, issue `below-min-severity`). */
  minSeverity?: SeverityLabel;
  /** Called for every record-level issue. */
  onIssue?: (issue: Issue) => void;
  /** Called with every finding that could not be made valid/small enough (it counts as failed). */
  onReject?: (finding: AwsSecurityFinding, reason: string) => void;
  /** What to do with resolved findings: emit them with `RecordState: ARCHIVED` (default) or skip them. */
  resolved?: 'archive' | 'skip';
  /** Stops reading input when aborted. */
  signal?: AbortSignal;
}

/** Counters of one conversion; `received = emitted + failed + skipped` at every moment between findings. */
export interface ConversionStats {
  /** Adapter that parsed the input (set once detected). */
  adapter?: string;
  /** The scope the findings were given (set with the first finding). */
  scope?: string;
  /** Records the adapter produced or skipped. */
  received: number;
  /** ASFF findings yielded. */
  emitted: number;
  /** Findings that could not be made valid ASFF (see `onReject`). */
  failed: number;
  /** Records skipped, each with an issue saying why. */
  skipped: number;
  /** True once the whole input was parsed without a fatal error. */
  complete: boolean;
  /** Issue counts by code. */
  issues: Record<string, number>;
  /** Emitted findings by severity label. */
  bySeverity: Record<SeverityLabel, number>;
}

/** A conversion in progress: iterate it for ASFF findings; `stats` fills in as it goes. */
export interface ConversionRun extends AsyncIterable<AwsSecurityFinding> {
  readonly stats: ConversionStats;
}

const ACCOUNT_PATTERN = /^\d{12}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Checks account and region; throws `E_CONFIG` saying how to pass them. */
export function assertAccountAndRegion(accountId: string | undefined, region: string | undefined): void {
  if (accountId === undefined || accountId === '') {
    throw new ConverterError(
      'E_CONFIG',
      'no AWS account id: pass --account 123456789012 or set AWS_ACCOUNT_ID',
    );
  }
  if (!ACCOUNT_PATTERN.test(accountId)) {
    throw new ConverterError('E_CONFIG', `account id "${accountId}" is not 12 digits`);
  }
  assertRegion(region);
}

/** Checks a Region name; throws `E_CONFIG` saying how to pass one. */
export function assertRegion(region: string | undefined): asserts region is string {
  if (region === undefined || region === '') {
    throw new ConverterError('E_CONFIG', 'no AWS Region: pass --region eu-west-1 or set AWS_REGION');
  }
  if (!REGION_PATTERN.test(region)) {
    throw new ConverterError('E_CONFIG', `"${region}" is not an AWS Region name (like eu-west-1)`);
  }
}

function emptyStats(): ConversionStats {
  return {
    received: 0,
    emitted: 0,
    failed: 0,
    skipped: 0,
    complete: false,
    issues: {},
    bySeverity: { INFORMATIONAL: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 },
  };
}

/**
 * Streams scanner output into ASFF findings: detect the format, parse record by record, map each finding with
 * `toAsff`. Nothing is read until iteration starts; memory stays bounded by one logical record.
 *
 * @example
 * for await (const finding of convert('results.sarif', { accountId: '123456789012', region: 'eu-west-1' })) { … }
 */
export function convert(input: InputSource, options: ConvertOptions): ConversionRun {
  const stats = emptyStats();
  return {
    stats,
    [Symbol.asyncIterator]: () => run(input, options, stats)[Symbol.asyncIterator](),
  };
}

async function* run(
  input: InputSource,
  options: ConvertOptions,
  stats: ConversionStats,
): AsyncGenerator<AwsSecurityFinding> {
  assertAccountAndRegion(options.accountId, options.region);
  const extra = options.adapters ?? [];
  const format = options.format ?? 'auto';
  const minSeverity = options.minSeverity;
  const countIssue = (issue: Issue): void => {
    stats.issues[issue.code] = (stats.issues[issue.code] ?? 0) + 1;
    options.onIssue?.(issue);
  };

  const opened = await openInput(input);
  // Closes the input on every path: a format nobody detects, an adapter that stops early, a failure.
  try {
    const filename = options.filename ?? opened.filename;
    if (format === ASFF_FORMAT || (format === 'auto' && looksLikeAsff(opened.head))) {
      yield* passAsff(opened, options, stats, countIssue);
      return;
    }
    const adapter =
      format === 'auto'
        ? detectAdapter(
            {
              head: opened.head,
              headBytes: opened.headBytes,
              ...(filename !== undefined ? { filename } : {}),
            },
            [...extra, ...ADAPTER_NAMES.map((name) => builtinAdapters[name])],
          )
        : getAdapter(format, extra);
    stats.adapter = adapter.name;
    if (adapter.meta.releasesChunks === true) opened.enableChunkReuse();
    const now = (options.now ?? (() => new Date()))();
    const tempDir = await mkdtemp(join(tmpdir(), 'asff-stream-'));
    const ctx: AdapterContext = {
      onIssue: (issue) => {
        if (issue.skipped === true) {
          stats.received++;
          stats.skipped++;
        }
        countIssue(issue);
      },
      options: { ...(minSeverity !== undefined ? { minSeverity } : {}), ...options.adapterOptions },
      tempDir,
      ...(filename !== undefined ? { filename } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    };

    let asffContext: AsffContext | undefined;
    try {
      for await (const finding of adapter.parse(opened.chunks, ctx)) {
        if (options.signal?.aborted === true) throw new ConverterError('E_ABORTED', 'interrupted');
        stats.received++;
        stats.scope ??= chooseScope(options.scope, finding, filename, adapter.name);
        const scope = stats.scope;
        if (minSeverity !== undefined && !isAtLeast(finding.severity.label, minSeverity)) {
          stats.skipped++;
          countIssue({
            code: 'below-min-severity',
            message: `${finding.severity.label} is below ${minSeverity}`,
            skipped: true,
          });
          continue;
        }
        if (finding.state === 'resolved' && options.resolved === 'skip') {
          stats.skipped++;
          countIssue({
            code: 'resolved-skipped',
            message: 'the scanner reports this finding as resolved',
            skipped: true,
          });
          continue;
        }
        if (asffContext?.scope !== scope) {
          asffContext = {
            adapter: adapter.name,
            accountId: options.accountId,
            region: options.region,
            scope,
            now,
            ...(options.productArn !== undefined ? { productArn: options.productArn } : {}),
          };
        }
        const result = toAsff(finding, asffContext);
        for (const issue of result.issues) countIssue(issue);
        if (!result.ok) {
          stats.failed++;
          countIssue({ code: 'finding-too-large', message: result.reason });
          options.onReject?.(result.finding, result.reason);
          continue;
        }
        stats.emitted++;
        stats.bySeverity[finding.severity.label]++;
        yield result.finding;
      }
      stats.scope ??= chooseScope(options.scope, undefined, filename, adapter.name);
      stats.complete = options.signal?.aborted !== true;
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
  } finally {
    await opened.close();
  }
}

/**
 * ASFF input passes through as it is: the findings already carry their Id, account, product and times, so
 * nothing is mapped and `--scope`, `--product-arn` and the adapter options do not apply; `--min-severity`
 * does (on `Severity.Label`). A dead-letter line gives its `finding`. A finding Security Hub would refuse is
 * refused by the sink (no Id: `invalid-finding`) or by Security Hub (`InvalidInput`), and dead-lettered
 * with the reason like any other; a line that is not JSON stops the run (`E_PARSE` with its line, exit 2).
 */
async function* passAsff(
  opened: OpenedInput,
  options: ConvertOptions,
  stats: ConversionStats,
  countIssue: (issue: Issue) => void,
): AsyncGenerator<AwsSecurityFinding> {
  stats.adapter = ASFF_FORMAT;
  const minSeverity = options.minSeverity;
  for await (const { value } of readOpenedFindings(opened)) {
    if (options.signal?.aborted === true) throw new ConverterError('E_ABORTED', 'interrupted');
    stats.received++;
    const finding = unwrapDeadLetterEntry(value) as AwsSecurityFinding;
    const label = severityLabelOf(finding);
    stats.scope ??= finding?.ProductFields?.[SCOPE_PRODUCT_FIELD] ?? options.scope;
    if (minSeverity !== undefined && label !== undefined && !isAtLeast(label, minSeverity)) {
      stats.skipped++;
      countIssue({ code: 'below-min-severity', message: `${label} is below ${minSeverity}`, skipped: true });
      continue;
    }
    stats.emitted++;
    if (label !== undefined) stats.bySeverity[label]++;
    yield finding;
  }
  stats.complete = options.signal?.aborted !== true;
}

function severityLabelOf(finding: AwsSecurityFinding | undefined): SeverityLabel | undefined {
  const label = finding?.FindingProviderFields?.Severity?.Label ?? finding?.Severity?.Label;
  return SEVERITY_LABELS.find((known) => known === label);
}

function chooseScope(
  explicit: string | undefined,
  finding: Finding | undefined,
  filename: string | undefined,
  adapter: string,
): string {
  if (explicit !== undefined && explicit.trim() !== '') return explicit.trim();
  if (finding?.scopeHint !== undefined && finding.scopeHint.trim() !== '') return finding.scopeHint.trim();
  if (filename !== undefined) return basename(filename).replace(/\.gz$/i, '');
  return adapter;
}

/** Parses `--min-severity`/`--fail-on` values; throws `E_CONFIG` for unknown labels. */
export function severityOption(flag: string, value: string): SeverityLabel {
  const label = parseSeverityOption(value);
  if (label === undefined) {
    throw new ConverterError(
      'E_CONFIG',
      `${flag} "${value}": expected one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL`,
    );
  }
  return label;
}
