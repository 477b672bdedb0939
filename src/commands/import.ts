import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { IMPORT_BURST, IMPORT_CONCURRENCY, IMPORT_RATE_PER_SECOND } from '../asff/limits.js';
import { withAdapterHelp } from '../cli/adapter-flags.js';
import {
  CONVERT_FLAGS,
  CONVERT_FLAGS_HELP,
  convertOptionsFromFlags,
  durationFlag,
  parseCommandLine,
  stringFlag,
} from '../cli/args.js';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import { FailOnCounter } from '../cli/fail-on.js';
import { diagnostic, ProgressLine, reportError, usageError } from '../cli/output.js';
import { IssueLog, summaryLine, writeSummary } from '../cli/summary.js';
import { isConverterError } from '../errors.js';
import { assertAccountAndRegion, assertRegion, type ConversionStats, convert } from '../pipeline.js';
import { callerAccountId } from '../sink/account.js';
import { type DeadLetter, lazyDeadLetterFile, openDeadLetter } from '../sink/dead-letter.js';
import { type ImportOptions, type ImportResult, importFindings, importReportOf } from '../sink/import.js';
import {
  importWithLifecycle,
  type LifecycleReport,
  reconcileSummary,
  stateSummary,
} from '../sink/lifecycle.js';
import { checkProductArn } from '../sink/preflight.js';
import { REDIS_URL_ENV, resolveRedisUrl } from '../sink/redis.js';
import type { ImportReport } from '../sink/report.js';
import { issueWhere } from './convert.js';
import { importExitCode } from './import-exit.js';
import { formatImportProgress } from './import-progress.js';

/** Default dead-letter file of the CLI, created only when a finding fails. */
export const DEFAULT_DEAD_LETTER = 'asff-dead-letter.ndjson';

/** `asff-stream import --help`. */
export const IMPORT_HELP = `Usage: asff-stream import [INPUT|-] [options]

Convert scanner output and import it into AWS Security Hub (BatchImportFindings), paced to the API's quota
(10 requests/s, burst 30), retrying throttling and transient failures, dead-lettering what Security Hub refuses.
Credentials and Region come from the standard AWS chain (environment, profile, SSO, instance role).
Prints the JSON report as the last line on stdout.

Options:
  --endpoint-url URL    Security Hub endpoint, e.g. the local emulator http://127.0.0.1:4566 (Security Hub only;
                        without it, and for STS, the SDK's settings apply: AWS_ENDPOINT_URL_SECURITYHUB,
                        AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the shared config file's services section)
  --dead-letter FILE    NDJSON file for findings not imported, with the reason (default: ${DEFAULT_DEAD_LETTER},
                        created only when something fails)
  --report FILE         write the JSON report to FILE too
  --dry-run             everything but the network: convert, validate, batch, report
  --rate N              requests per second (default ${IMPORT_RATE_PER_SECOND})
  --burst N             burst size (default ${IMPORT_BURST})
  --concurrency N       requests in flight at once (default ${IMPORT_CONCURRENCY})
  --max-retries N       retries of a failing finding before it is dead-lettered (default 6)
  --outage-budget TIME  how long Security Hub may stay unreachable or answer only 5xx before the findings in
                        hand are dead-lettered (outage) and the run stops reading, e.g. 90s, 10m (default 10m)
  --backoff-cap TIME    longest wait between retries (default 20s) and between outage probes (at most 5s)
  --archive-missing     after a complete run with no failure, archive the ACTIVE findings of this product and
                        scope that the run no longer reports (needs securityhub:GetFindings; see docs/lifecycle.md)
  --preserve-history    keep CreatedAt/FirstObservedAt of findings that already exist (on with --archive-missing)
  --redis URL           share the request budget with other processes through Redis (or ${REDIS_URL_ENV})
  --state PATH|s3://bucket/key
                        the scope's state: history and archive candidates come from it (no read of the scope),
                        and findings Security Hub already has unchanged are not sent (counted as unchanged)
  --refresh-after DUR   send an unchanged finding again once its last copy is this old; a state older than this
                        is not used (default 7d; units d, h, m, s)
  --state-endpoint-url URL  S3 endpoint of an s3:// state (an S3-compatible server; path-style)
${CONVERT_FLAGS_HELP}

Exit codes: 0 all imported, 1 --fail-on threshold met, 2 bad input or usage, 3 some findings not imported,
4 AWS access or configuration problem, 130 interrupted.`;

const IMPORT_FLAGS = {
  ...CONVERT_FLAGS,
  'endpoint-url': { type: 'string' },
  'dead-letter': { type: 'string' },
  report: { type: 'string' },
  'dry-run': { type: 'boolean' },
  rate: { type: 'string' },
  burst: { type: 'string' },
  concurrency: { type: 'string' },
  'max-retries': { type: 'string' },
  'outage-budget': { type: 'string' },
  'backoff-cap': { type: 'string' },
  'archive-missing': { type: 'boolean' },
  'preserve-history': { type: 'boolean' },
  redis: { type: 'string' },
  state: { type: 'string' },
  'refresh-after': { type: 'string' },
  'state-endpoint-url': { type: 'string' },
} as const;

const DURATION_UNITS_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/** `--refresh-after`: `7d`, `36h`, `90m`, `600s`, or a number of days. */
function durationMs(flags: Record<string, unknown>, name: string): number | undefined {
  const raw = flags[name];
  if (typeof raw !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([dhms]?)\s*$/.exec(raw);
  const value = match === null ? Number.NaN : Number(match[1]) * DURATION_UNITS_MS[match[2] || 'd']!;
  if (!Number.isFinite(value) || value <= 0)
    throw usageError(`--${name} "${raw}": expected a duration such as 7d, 36h or 90m`, 'import');
  return value;
}

function positiveNumber(flags: Record<string, unknown>, name: string, integer: boolean): number | undefined {
  const raw = flags[name];
  if (typeof raw !== 'string') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw usageError(`--${name} "${raw}": expected a positive ${integer ? 'whole ' : ''}number`, 'import');
  }
  return value;
}

/** The report `import` prints: the sink's report with the conversion's counts folded in. */
export interface ImportCommandReport extends ImportReport {
  /** Findings archived by `--archive-missing`. */
  archived: number;
  input: {
    adapter: string | undefined;
    scope: string | undefined;
    /** How the scope was chosen (docs/lifecycle.md, "Scope"). */
    scopeSource?: string | undefined;
    /** Each scope + source tool the run covered. */
    sources?: ConversionStats['sources'];
    complete: boolean;
    issues: Record<string, number>;
  };
}

/**
 * Folds conversion counts into the sink report so that
 * `received = imported + unchanged + failed + skipped + unknown` holds end to end.
 */
export function combineReports(
  stats: ConversionStats,
  sink: ImportReport,
  archived = 0,
): ImportCommandReport {
  const { deadLetterEntries: _entries, ...report } = sink as ImportResult;
  const combined: ImportCommandReport = {
    ...report,
    received: stats.received,
    skipped: sink.skipped + stats.skipped,
    archived,
    input: {
      adapter: stats.adapter,
      scope: stats.scope,
      scopeSource: stats.scopeSource,
      sources: stats.sources,
      complete: stats.complete,
      issues: stats.issues,
    },
  };
  if (
    combined.received !==
    combined.imported + combined.unchanged + combined.failed + combined.skipped + combined.unknown
  ) {
    throw new Error(
      `report does not balance: received ${combined.received} ≠ imported ${combined.imported} + unchanged ${combined.unchanged} + failed ${combined.failed} + skipped ${combined.skipped} + unknown ${combined.unknown}`,
    );
  }
  return combined;
}

/** The `import` command line, read and checked (see `CliCommand.parse`). */
export async function importArguments(argv: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const { flags, positionals, adapters, adapterOptions, adapterHelp } = await parseCommandLine(
    'import',
    argv,
    IMPORT_FLAGS,
  );
  if (flags.help === true) return { help: withAdapterHelp(IMPORT_HELP, adapterHelp) } as const;
  if (positionals.length > 1) throw usageError('import takes one input (a file or -)', 'import');
  const { failOn, ...options } = convertOptionsFromFlags('import', flags, env, adapterOptions);
  const dryRun = flags['dry-run'] === true;
  const parsed = {
    help: undefined,
    flags,
    input: positionals[0] ?? '-',
    adapters,
    failOn,
    options,
    endpoint: stringFlag(flags, 'endpoint-url'),
    dryRun,
    rate: positiveNumber(flags, 'rate', false),
    burst: positiveNumber(flags, 'burst', true),
    concurrency: positiveNumber(flags, 'concurrency', true),
    maxRetries: positiveNumber(flags, 'max-retries', true),
    outageBudgetMs: durationFlag(flags, 'outage-budget', 'import'),
    retryCapMs: durationFlag(flags, 'backoff-cap', 'import'),
    // Lifecycle (docs/lifecycle.md): archiving, history, and the Redis-shared budget.
    archiveMissing: flags['archive-missing'] === true,
    preserveHistory: flags['preserve-history'] === true,
    redisUrl: resolveRedisUrl(stringFlag(flags, 'redis'), env),
    statePath: stringFlag(flags, 'state'),
    stateEndpoint: stringFlag(flags, 'state-endpoint-url'),
    refreshAfterMs: durationMs(flags, 'refresh-after'),
  } as const;
  // The Region first: STS needs it to find the account when --account is absent.
  assertRegion(options.region);
  if (dryRun && (options.accountId === undefined || options.accountId === ''))
    throw usageError('--dry-run needs --account (or AWS_ACCOUNT_ID): it makes no AWS calls', 'import');
  return parsed;
}

/** Runs `asff-stream import`; returns the exit code. */
export async function runImport(argv: readonly string[], signal?: AbortSignal): Promise<ExitCode> {
  const parsed = await importArguments(argv);
  if (parsed.help !== undefined) {
    process.stdout.write(`${parsed.help}\n`);
    return EXIT.OK;
  }
  const { flags, input, adapters, failOn, options, endpoint, dryRun, rate, burst, concurrency, maxRetries } =
    parsed;
  const { outageBudgetMs, retryCapMs, archiveMissing, preserveHistory, redisUrl, statePath, stateEndpoint } =
    parsed;
  const { refreshAfterMs } = parsed;
  const lifecycle = archiveMissing || preserveHistory || redisUrl !== undefined || statePath !== undefined;
  if (dryRun && statePath !== undefined && flags.quiet !== true)
    diagnostic('asff-stream: --dry-run makes no AWS calls: --state is neither read nor written');
  let accountId = options.accountId;
  if (accountId === undefined || accountId === '') {
    // Not --endpoint-url: that is Security Hub's. STS is found by the SDK's own settings
    // (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the shared config file's services section).
    accountId = await callerAccountId({ region: options.region });
  }
  assertAccountAndRegion(accountId, options.region);
  // Preflight: a product ARN of another Region, partition or account would fail every finding.
  if (options.productArn !== undefined)
    checkProductArn(options.productArn, { accountId, region: options.region });

  const quiet = flags.quiet === true;
  const issues = new IssueLog();
  const progress = new ProgressLine(!quiet && process.stderr.isTTY === true && !process.env.CI);
  const deadLetterPath = stringFlag(flags, 'dead-letter');
  const deadLetter: DeadLetter =
    deadLetterPath !== undefined
      ? await openDeadLetter(deadLetterPath)
      : lazyDeadLetterFile(DEFAULT_DEAD_LETTER);
  const failing = new FailOnCounter(failOn);
  const run = convert(input, {
    ...options,
    accountId,
    adapters,
    // Archiving in a scope that other repositories share would archive their findings (docs/lifecycle.md).
    requireIdentifiedScope: archiveMissing && options.scope === undefined,
    ...(signal !== undefined ? { signal } : {}),
    onIssue: (issue) => issues.record(issue.code, issue.message, issueWhere(issue)),
    onReject: (finding, reason) => deadLetter.write(finding, 'finding-too-large', reason),
  });
  async function* counted(): AsyncGenerator<AwsSecurityFinding> {
    for await (const finding of run) {
      failing.observe(finding);
      yield finding;
    }
  }

  let sinkReport: ImportReport | undefined;
  let failure: unknown;
  try {
    const sinkOptions: Omit<ImportOptions, 'client' | 'limiter' | 'redis'> = {
      region: options.region,
      deadLetter,
      dryRun,
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(rate !== undefined ? { rate } : {}),
      ...(burst !== undefined ? { burst } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(maxRetries !== undefined ? { maxRetries } : {}),
      ...(outageBudgetMs !== undefined ? { outageBudgetMs } : {}),
      ...(retryCapMs !== undefined ? { retryCapMs } : {}),
      accountId,
      ...(signal !== undefined ? { signal } : {}),
      onIssue: (issue) => issues.record(issue.code, issue.message, issueWhere(issue)),
      onProgress: (snapshot) => progress.update(() => `asff-stream: ${formatImportProgress(snapshot)}`),
    };
    sinkReport = lifecycle
      ? await importWithLifecycle(counted(), {
          ...sinkOptions,
          accountId,
          region: options.region,
          conversion: run.stats,
          archiveMissing,
          ...(preserveHistory ? { preserveHistory } : {}),
          ...(options.scope !== undefined ? { scope: options.scope } : {}),
          ...(options.productArn !== undefined ? { productArn: options.productArn } : {}),
          ...(redisUrl !== undefined ? { redisUrl } : {}),
          ...(statePath !== undefined ? { state: statePath } : {}),
          ...(stateEndpoint !== undefined ? { stateEndpoint } : {}),
          ...(refreshAfterMs !== undefined ? { refreshAfterMs } : {}),
        })
      : await importFindings(counted(), sinkOptions);
  } catch (error) {
    failure = error;
    sinkReport = importReportOf(error);
  } finally {
    progress.clear();
    await deadLetter.close().catch((error: unknown) => {
      failure ??= error;
    });
  }

  let exit: ExitCode;
  // A configuration error before anything was sent (e.g. --archive-missing in a scope that does not identify the
  // source) is one line and exit 2, like a usage error.
  const configError =
    isConverterError(failure) && failure.code === 'E_CONFIG' && (sinkReport?.imported ?? 0) === 0;
  if (configError || (failure !== undefined && sinkReport === undefined)) {
    return reportError(failure);
  } else {
    exit = importExitCode(sinkReport, failure);
    // Findings that should have been archived but were not are in the dead letter too: exit 3.
    if (exit === EXIT.OK && ((sinkReport as LifecycleReport).archive?.failed ?? 0) > 0) exit = EXIT.PARTIAL;
    // Everything is in Security Hub, but the state could not be written: say so (the next run re-sends).
    if (exit === EXIT.OK && (sinkReport as LifecycleReport).state?.error !== undefined) exit = EXIT.AWS;
    if (failure !== undefined) reportError(failure);
    if (exit === EXIT.OK && failing.count > 0) exit = EXIT.POLICY;
  }
  if (sinkReport !== undefined) {
    const archive = (sinkReport as LifecycleReport).archive;
    const report = combineReports(run.stats, sinkReport, archive?.archived ?? 0);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    const reportPath = stringFlag(flags, 'report');
    if (reportPath !== undefined) writeSummary(reportPath, report);
    if (!quiet) {
      issues.print({ ...run.stats.issues, ...report.issues });
      diagnostic(summaryLine(run.stats, 'read'));
      diagnostic(importSummaryLine(report));
      if (archive !== undefined) diagnostic(reconcileSummary(archive));
      const state = (sinkReport as LifecycleReport).state;
      if (state !== undefined) diagnostic(stateSummary(state));
      if (failing.count > 0) diagnostic(failing.describe());
    }
  }
  return exit;
}

/**
 * `imported 120 of 123 (2 failed (InvalidInput 2) → asff-dead-letter.ndjson, 1 skipped) in 12.3 s, 9 requests`;
 * findings an access or configuration error left unsent are `not sent` (they are not in the dead letter).
 */
export function importSummaryLine(report: ImportCommandReport): string {
  const seconds = report.elapsedMs / 1000;
  const parts = [`${report.dryRun ? 'would import' : 'imported'} ${report.imported} of ${report.received}`];
  const details: string[] = [];
  if (report.failed > 0) {
    // Only dead-lettered findings are in the file; those an access or configuration error left unsent are not.
    const where = report.deadLetterPath !== undefined ? ` → ${report.deadLetterPath}` : '';
    const codes = Object.entries(report.failures)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    const what = `${report.failed} failed${codes ? ` (${codes})` : ''}`;
    if (report.unsent === 0) details.push(`${what}${where}`);
    else if (report.deadLettered === 0) details.push(`${what}, not sent`);
    else details.push(`${what}: ${report.deadLettered}${where}, ${report.unsent} not sent`);
  }
  if (report.unchanged > 0) details.push(`${report.unchanged} unchanged, not sent`);
  if (report.skipped > 0) details.push(`${report.skipped} skipped`);
  if (report.unknown > 0)
    details.push(`${report.unknown} in flight when interrupted, may have been imported (in the dead letter)`);
  if (details.length > 0) parts.push(`(${details.join(', ')})`);
  parts.push(`in ${seconds.toFixed(1)} s, ${report.requests} requests`);
  if (report.throttled > 0) parts.push(`${report.throttled} throttled`);
  if (report.outageMs > 0)
    parts.push(`Security Hub unreachable for ${(report.outageMs / 1000).toFixed(1)} s`);
  if (report.archived > 0) parts.push(`${report.archived} archived`);
  return parts.join(' ');
}
