import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import {
  type Adapter,
  type AdapterContext,
  type Finding,
  type FindingSource,
  type Issue,
  REPEAT_MERGE_WINDOW,
  type SeverityLabel,
} from './adapter.js';
import { type AsffContext, SCOPE_PRODUCT_FIELD, toAsff } from './asff/build.js';
import { findingId, findingIdWords } from './asff/id.js';
import { IdHashSet } from './asff/id-hash-set.js';
import {
  ASFF_FORMAT,
  looksLikeAsff,
  readOpenedFindings,
  unwrapDeadLetterEntry,
} from './asff/read-findings.js';
import { sourceToolOf } from './asff/source-tool.js';
import { detectAdapter } from './detect.js';
import { ConverterError, nameAdapter } from './errors.js';
import { type InputSource, type OpenedInput, openInput } from './internal/input.js';
import { ADAPTER_NAMES, builtinAdapters, getAdapter } from './registry.js';
import {
  findRepository,
  MAX_RUN_SOURCES,
  type RepositoryIdentity,
  type ResolvedScope,
  resolveScope,
  type ScopeInput,
} from './scope.js';
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
  /**
   * Scope of this run (goes into Ids and ProductFields). Default (`resolveScope`): each finding's hint, a
   * path or tool name in it qualified by the repository identity; else the repository; else the file name or the
   * adapter name (then issue `scope-unidentified`). See docs/lifecycle.md, "Scope".
   */
  scope?: string;
  /**
   * The repository that qualifies path and tool hints. Default: `findRepository` (the `repository` adapter
   * option, `ASFF_STREAM_REPOSITORY`, the CI environment, the working directory's git remote); `null` for none.
   */
  repository?: RepositoryIdentity | null;
  /**
   * Throw `E_CONFIG` before the first finding when the default scope does not identify the source (what
   * `import --archive-missing` needs without `--scope`).
   * @defaultValue false
   */
  requireIdentifiedScope?: boolean;
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

/** One source a run covered: the findings of one scope and one source tool (e.g. `trivy`, `sarif/Semgrep`). */
export interface RunSource {
  /** The scope the findings were stored under (`ProductFields['asff-stream/scope']`), after `--scope` or the default. */
  scope: string;
  /** The source tool (`sourceToolOf`: `trivy`, `sarif/Semgrep`), as stored in `ProductFields['asff-stream/source-tool']`. */
  sourceTool: string;
  /** False when the scope does not identify the source (see docs/lifecycle.md, "Scope"). */
  identified: boolean;
  /** How the scope was chosen, in words (`ResolvedScope.source`). */
  scopeSource: string;
}

/** Counters of one conversion; `received = emitted + failed + skipped` at every moment between findings. */
export interface ConversionStats {
  /** Adapter that parsed the input (set once detected). */
  adapter?: string;
  /** The scope the findings were given (set with the first finding; the first one when sources have their own). */
  scope?: string;
  /** How `scope` was chosen, in words (see docs/lifecycle.md, "Scope"). */
  scopeSource?: string;
  /** False when some scope of the run does not identify its source (issue `scope-unidentified`). */
  scopeIdentified?: boolean;
  /**
   * The sources the run covered, first seen first: each distinct scope + source tool of its findings, and those
   * the adapter declared without findings (`AdapterContext.onSource`). At most 16 (`MAX_RUN_SOURCES`).
   */
  sources: RunSource[];
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
  /** The counters so far (one object, updated in place); final once iteration ended or threw. */
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
    sources: [],
    issues: {},
    bySeverity: { INFORMATIONAL: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 },
  };
}

/**
 * Streams scanner output into ASFF findings: detect the format, parse record by record, map each finding with
 * `toAsff`. Nothing is read until iteration starts; memory stays bounded by one logical record.
 *
 * @example
 * ```ts
 * for await (const finding of convert('results.sarif', { accountId: '123456789012', region: 'eu-west-1' })) { … }
 * ```
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
    const scopes = new RunScopes(options, stats, filename, adapter.name, countIssue);
    const ctx: AdapterContext = {
      onSource: (source) => scopes.note(scopes.of(source), source.sourceTool),
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
    // One Id per finding per run (docs/lifecycle.md, "One Id per finding"): every Id sent is remembered as a
    // 12-byte hash (read from the Id's own digest); adapters that can merge repeats get a window of findings held
    // back for merging.
    const sentIds = new IdHashSet(findingIdWords);
    const merge = adapter.mergeRepeat?.bind(adapter);
    const held = merge !== undefined ? new Map<string, HeldFinding>() : undefined;

    /** Counts, filters and maps one finding; the ASFF finding to yield, or `undefined`. */
    const finish = (entry: HeldFinding): AwsSecurityFinding | undefined => {
      const { finding, scope, id } = entry;
      stats.received++;
      if (minSeverity !== undefined && !isAtLeast(finding.severity.label, minSeverity)) {
        stats.skipped++;
        countIssue({
          code: 'below-min-severity',
          message: `${finding.severity.label} is below ${minSeverity}`,
          skipped: true,
        });
        return undefined;
      }
      if (finding.state === 'resolved' && options.resolved === 'skip') {
        stats.skipped++;
        countIssue({
          code: 'resolved-skipped',
          message: 'the scanner reports this finding as resolved',
          skipped: true,
        });
        return undefined;
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
      const result = toAsff(finding, asffContext, id);
      for (const issue of result.issues) countIssue(issue);
      if (!result.ok) {
        stats.failed++;
        countIssue({ code: 'finding-too-large', message: result.reason });
        options.onReject?.(result.finding, result.reason);
        return undefined;
      }
      stats.emitted++;
      stats.bySeverity[finding.severity.label]++;
      return result.finding;
    };
    const repeat = (code: 'repeated-id' | 'repeated-id-merged', message: string): void => {
      stats.received++;
      stats.skipped++;
      countIssue({ code, message, skipped: true });
    };

    /** What the pipeline itself threw (not the adapter's `parse`), told apart when the adapter's errors are named. */
    let pipelineError: unknown;
    try {
      try {
        for await (const finding of adapter.parse(opened.chunks, ctx)) {
          try {
            if (options.signal?.aborted === true) throw new ConverterError('E_ABORTED', 'interrupted');
            const scope = scopes.of(finding);
            scopes.note(scope, finding.sourceTool);
            const id = findingId(scope, adapter.name, finding.identity);
            const earlier = held?.get(id);
            if (earlier !== undefined && merge !== undefined) {
              earlier.finding = merge(earlier.finding, finding);
              repeat('repeated-id-merged', 'a finding repeats the Id of an earlier one; merged into it');
              continue;
            }
            if (!sentIds.add(id)) {
              repeat('repeated-id', REPEATED_ID_MESSAGE);
              continue;
            }
            const entry: HeldFinding = { finding, scope, id };
            if (held === undefined) {
              const asff = finish(entry);
              if (asff !== undefined) yield asff;
              continue;
            }
            held.set(id, entry);
            if (held.size <= REPEAT_MERGE_WINDOW) continue;
            // Maps iterate in insertion order: the first key is the finding held longest.
            const [oldest] = held.keys();
            const out = held.get(oldest!)!;
            held.delete(oldest!);
            const asff = finish(out);
            if (asff !== undefined) yield asff;
          } catch (error) {
            pipelineError = error;
            throw error;
          }
        }
      } catch (error) {
        // A custom adapter need not pass its name to the toolkit's readers: the errors of its parse are named here.
        if (error !== pipelineError) nameAdapter(error, adapter.name);
        // Like an adapter's last finding before a fatal error, the held findings are complete: send them, then fail.
        if (held !== undefined && !isAbort(error, options.signal)) yield* finishHeld(held, finish);
        throw error;
      }
      if (held !== undefined) yield* finishHeld(held, finish);
      if (stats.scope === undefined) {
        const resolved = resolveScope(scopes.input(undefined));
        stats.scope = resolved.scope;
        stats.scopeSource = resolved.source;
        stats.scopeIdentified = resolved.identified;
      }
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
  // One Id per run here too (a dead letter written twice, two files concatenated): the first copy is sent.
  const sentIds = new IdHashSet();
  for await (const { value } of readOpenedFindings(opened)) {
    if (options.signal?.aborted === true) throw new ConverterError('E_ABORTED', 'interrupted');
    stats.received++;
    const finding = unwrapDeadLetterEntry(value) as AwsSecurityFinding;
    if (typeof finding?.Id === 'string' && !sentIds.add(finding.Id)) {
      stats.skipped++;
      countIssue({ code: 'repeated-id', message: REPEATED_ID_MESSAGE, skipped: true });
      continue;
    }
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

const REPEATED_ID_MESSAGE =
  'a finding repeats the Id of an earlier one of this run; the first copy is sent, this one skipped';

/** A finding on its way out, with the scope and Id it was given. */
interface HeldFinding {
  finding: Finding;
  scope: string;
  id: string;
}

function* finishHeld(
  held: Map<string, HeldFinding>,
  finish: (entry: HeldFinding) => AwsSecurityFinding | undefined,
): Generator<AwsSecurityFinding> {
  for (const entry of held.values()) {
    const asff = finish(entry);
    if (asff !== undefined) yield asff;
  }
  held.clear();
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof ConverterError && error.code === 'E_ABORTED');
}

/** The scopes of one run: each finding's hint resolved once, the first scope in the stats, warnings once. */
class RunScopes {
  private repository: RepositoryIdentity | null | undefined;
  private last: { hint: string | undefined; kind: Finding['scopeHintKind']; scope: string } | undefined;
  private readonly seen = new Map<string, ResolvedScope>();
  private limited = false;
  private lastSource: { scope: string; tool: string | undefined } | undefined;
  private sourcesLimited = false;
  private readonly options: ConvertOptions;
  private readonly stats: ConversionStats;
  private readonly filename: string | undefined;
  private readonly adapter: string;
  private readonly countIssue: (issue: Issue) => void;

  constructor(
    options: ConvertOptions,
    stats: ConversionStats,
    filename: string | undefined,
    adapter: string,
    countIssue: (issue: Issue) => void,
  ) {
    this.options = options;
    this.stats = stats;
    this.filename = filename;
    this.adapter = adapter;
    this.countIssue = countIssue;
    this.repository = options.repository;
  }

  /** What {@link resolveScope} needs for a finding (or for a run without findings). */
  input(finding: FindingSource | undefined): ScopeInput {
    const explicit = this.options.scope;
    const hasExplicit = explicit !== undefined && explicit.trim() !== '';
    return {
      explicit,
      hint: finding?.scopeHint,
      hintKind: finding?.scopeHintKind,
      filename: this.filename,
      adapter: this.adapter,
      repository: hasExplicit ? undefined : (this.repositoryIdentity() ?? undefined),
    };
  }

  /** The scope of a finding, or of a source the adapter declared. */
  of(finding: FindingSource): string {
    const last = this.last;
    if (last !== undefined && last.hint === finding.scopeHint && last.kind === finding.scopeHintKind)
      return last.scope;
    let resolved = resolveScope(this.input(finding));
    const known = this.seen.get(resolved.scope);
    if (known === undefined) {
      if (this.seen.size >= MAX_RUN_SOURCES) {
        resolved = this.seen.values().next().value as ResolvedScope;
        if (!this.limited)
          this.countIssue({
            code: 'scope-limit',
            message: `the input names more than ${MAX_RUN_SOURCES} scopes; findings of the others are given the first scope "${resolved.scope}"`,
          });
        this.limited = true;
      } else this.admit(resolved);
    }
    this.last = { hint: finding.scopeHint, kind: finding.scopeHintKind, scope: resolved.scope };
    return resolved.scope;
  }

  /** Records that the run covered `scope` with `tool` (cheap when it repeats the last one). */
  note(scope: string, tool: string | undefined): void {
    if (this.lastSource?.scope === scope && this.lastSource.tool === tool) return;
    this.lastSource = { scope, tool };
    const sourceTool = sourceToolOf(this.adapter, tool);
    const sources = this.stats.sources;
    if (sources.some((s) => s.scope === scope && s.sourceTool === sourceTool)) return;
    if (sources.length >= MAX_RUN_SOURCES) {
      if (!this.sourcesLimited)
        this.countIssue({
          code: 'source-limit',
          message: `the input has more than ${MAX_RUN_SOURCES} scope + source tool pairs; --archive-missing will archive nothing`,
        });
      this.sourcesLimited = true;
      return;
    }
    const resolved = this.seen.get(scope);
    sources.push({
      scope,
      sourceTool,
      identified: resolved?.identified ?? true,
      scopeSource: resolved?.source ?? '--scope',
    });
  }

  private admit(resolved: ResolvedScope): void {
    this.seen.set(resolved.scope, resolved);
    if (this.stats.scope === undefined) {
      this.stats.scope = resolved.scope;
      this.stats.scopeSource = resolved.source;
    }
    this.stats.scopeIdentified = (this.stats.scopeIdentified ?? true) && resolved.identified;
    if (resolved.identified) return;
    if (this.options.requireIdentifiedScope === true) {
      throw new ConverterError(
        'E_CONFIG',
        `--archive-missing needs --scope: the default scope "${resolved.scope}" (${resolved.source}) does not identify the source, and archiving in it could archive another repository's findings`,
      );
    }
    this.countIssue({
      code: 'scope-unidentified',
      message: `scope "${resolved.scope}" (${resolved.source}) does not identify the source; other repositories' runs with the same scope would overwrite these findings: pass --scope, or run in CI or a git clone`,
    });
  }

  private repositoryIdentity(): RepositoryIdentity | null {
    if (this.repository === undefined) {
      const flag = this.options.adapterOptions?.repository;
      this.repository = findRepository(typeof flag === 'string' ? { repository: flag } : {}) ?? null;
    }
    return this.repository;
  }
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
