import { setMaxListeners } from 'node:events';
import type { AwsSecurityFinding, BatchImportFindingsResponse } from '@aws-sdk/client-securityhub';
import type { Issue } from '../adapter.js';
import { IdHashSet } from '../asff/id-hash-set.js';
import {
  IMPORT_CONCURRENCY,
  IMPORT_RATE_PER_SECOND,
  MAX_BATCH_FINDINGS,
  MAX_FINDING_BYTES,
} from '../asff/limits.js';
import { attachedReport, attachReport, ConverterError, isConverterError } from '../errors.js';
import { callerAccountId } from './account.js';
import {
  BatchBuilder,
  type BatchLimits,
  findingBytes,
  type QueuedFinding,
  REQUEST_ENVELOPE_BYTES,
} from './batch.js';
import { Circuit } from './circuit.js';
import { type BatchSender, type ClientOptions, createBatchSender, dryRunSender } from './client.js';
import {
  type DeadLetter,
  type DeadLetterEntry,
  type MemoryDeadLetter,
  memoryDeadLetter,
  openDeadLetter,
} from './dead-letter.js';
import { createLimiter, type LimiterClusterOptions, type RequestLimiter, unlimited } from './limiter.js';
import { AdaptiveRate } from './pacing.js';
import { withoutCustomerFields } from './precheck.js';
import { PRODUCT_ARN_MISMATCH, ProductArnGuard } from './preflight.js';
import { assertBalanced, type ImportReport, ReportTally } from './report.js';
import {
  accessHint,
  classifyFindingError,
  classifyRequestError,
  errorCodeOf,
  findingAccessHint,
  httpStatusOf,
  redactSecrets,
  retryDelay,
} from './retry.js';

/** Options of {@link importFindings}. */
export interface ImportOptions extends ClientOptions, BatchLimits {
  /**
   * Sustained requests per second.
   * @defaultValue 10
   */
  rate?: number;
  /**
   * Requests allowed at once after a quiet spell.
   * @defaultValue 30
   */
  burst?: number;
  /**
   * Batches in flight at the same time (one more is being filled).
   * @defaultValue 10
   */
  concurrency?: number;
  /** Share the request budget with other processes through Redis (see `createLimiter`). */
  redis?: LimiterClusterOptions;
  /** A limiter to use instead of creating one (it is not stopped at the end). */
  limiter?: RequestLimiter;
  /**
   * Retries per finding after transient `FailedFindings`. Also: when not one request of the run has been
   * answered yet, a finding's connection failures and 5xx past this stop the run with `E_AWS_ACCESS` (the
   * endpoint, Region or network is wrong). Later connection failures and 5xx are an outage: see `outageBudgetMs`.
   * @defaultValue 6
   */
  maxRetries?: number;
  /**
   * How long Security Hub may stay unreachable or answer only 5xx (from the first failure after its last
   * answer) before the findings in hand are dead-lettered with code `outage` and the run stops reading input.
   * Until then the sink keeps what it holds, reads nothing new and probes with capped exponential backoff
   * (`retryBaseMs`, `retryCapMs`).
   * @defaultValue 600000 (10 minutes)
   */
  outageBudgetMs?: number;
  /**
   * The account of the credentials. Findings with another `AwsAccountId` are dead-lettered before sending
   * (code `foreign-account`) instead of failing a whole request. When absent and the sink creates its own
   * client, it asks STS GetCallerIdentity (at the endpoint the SDK's settings name, `AWS_ENDPOINT_URL_STS`
   * or `AWS_ENDPOINT_URL`; never `endpoint`, which is Security Hub's); with a `client` of your own and no
   * `accountId`, nothing is checked.
   */
  accountId?: string;
  /**
   * Throttled requests a finding may be part of before it is dead-lettered. Throttling is not a failure and
   * does not use `maxRetries`; this only ends a throttling that never stops.
   * @defaultValue 50
   */
  maxThrottles?: number;
  /**
   * Backoff scale in ms (full jitter: the n-th retry waits a random time below `retryBaseMs × 2^n`; the n-th
   * outage probe waits between half and all of it).
   * @defaultValue 200
   */
  retryBaseMs?: number;
  /**
   * Longest backoff in ms, retries and outage probes alike.
   * @defaultValue 20000
   */
  retryCapMs?: number;
  /**
   * Where failed findings go: a dead letter (shared with `convert`'s `onReject`), or a file path (opened
   * and truncated here). Without it they are kept in memory and returned in `deadLetterEntries`.
   */
  deadLetter?: DeadLetter | string;
  /** Stops the run: no more input is read, what was read is sent within `abortGraceMs`, the rest dead-lettered. */
  signal?: AbortSignal;
  /**
   * How long an aborted run may keep sending what it already read, in ms.
   * @defaultValue 5000
   */
  abortGraceMs?: number;
  /**
   * A batch that is not full is sent after this many ms without new input (slow producers).
   * @defaultValue 1000
   */
  lingerMs?: number;
  /** Called with a report snapshot at most every `progressIntervalMs`, and once at the end. */
  onProgress?: (report: ImportReport) => void;
  /** Least time between two `onProgress` calls, in milliseconds. @defaultValue 250 */
  progressIntervalMs?: number;
  /** Record-level problems found by the sink (`duplicate-id`, `customer-field-dropped`). */
  onIssue?: (issue: Issue) => void;
  /**
   * Findings for which this returns true are not sent and count as `unchanged` (a state file knows
   * Security Hub already has them; docs/lifecycle.md).
   */
  isUnchanged?: (finding: AwsSecurityFinding) => boolean;
  /** Called with each finding Security Hub accepted (what a state file records). */
  onImported?: (finding: AwsSecurityFinding) => void;
  /** Everything but the network: check, batch and count; no client, no limiter, no SDK loaded. */
  dryRun?: boolean;
  /** Clock in ms (tests). */
  now?: () => number;
  /** Random source for backoff jitter (tests). */
  random?: () => number;
}

/** The final report, plus the dead-lettered entries when no dead letter was given. */
export type ImportResult = ImportReport & { deadLetterEntries?: readonly DeadLetterEntry[] };

/**
 * The report of the run that ended with this error (an access error, a dead-letter write error, an input
 * error after which everything read was still imported): `error.report`, typed. Internal: users read
 * `error.report`.
 */
export function importReportOf(error: unknown): ImportResult | undefined {
  return attachedReport(error) as ImportResult | undefined;
}

/**
 * Imports findings into Security Hub with BatchImportFindings: batches of ≤ 100 findings and ≤ 5.5 MB,
 * no Id twice in a batch, paced by a Bottleneck token bucket, retried and dead-lettered as `docs/import.md`
 * describes. Input is pulled only when a batch slot is free, so memory is bounded by the batches in flight.
 *
 * Resolves with the report when every finding received was imported, dead-lettered or skipped (also when
 * aborted: `aborted: true`). Rejects with `ConverterError('E_AWS_ACCESS')` when credentials, permissions or
 * the endpoint are wrong, `'E_IO'` when the dead letter cannot be written, or the input's own error; the
 * report of such a run is on the error, as `error.report`.
 */
export async function importFindings(
  findings: AsyncIterable<AwsSecurityFinding> | Iterable<AwsSecurityFinding>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const ownsDeadLetter = typeof options.deadLetter === 'string';
  const deadLetter =
    options.deadLetter === undefined
      ? memoryDeadLetter()
      : typeof options.deadLetter === 'string'
        ? await openDeadLetter(options.deadLetter)
        : options.deadLetter;
  let sender: BatchSender | undefined;
  let limiter: RequestLimiter | undefined;
  try {
    if (options.accountId === undefined && options.client === undefined && options.dryRun !== true) {
      // Not `endpoint`: that is Security Hub's. STS follows the SDK's own settings (AWS_ENDPOINT_URL_STS…).
      const { endpoint: _securityHubOnly, ...sts } = options;
      options = { ...options, accountId: await callerAccountId(sts) };
    }
    sender = options.dryRun === true ? dryRunSender() : await createBatchSender(options);
    limiter =
      options.limiter ??
      (options.dryRun === true
        ? unlimited()
        : await createLimiter({
            ...(options.rate !== undefined ? { rate: options.rate } : {}),
            ...(options.burst !== undefined ? { burst: options.burst } : {}),
            ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
            ...(options.redis !== undefined ? { redis: options.redis } : {}),
          }));
    // The Region the findings go to, for the product ARN check: the client's own (a client of your own sends
    // there whatever `region` says), else the option.
    const region = (await sender.region?.()) ?? options.region;
    const run = new ImportRun(findings, options, sender, limiter, deadLetter, region);
    const withEntries = (report: ImportResult) => {
      if (options.deadLetter === undefined && 'entries' in deadLetter)
        report.deadLetterEntries = (deadLetter as MemoryDeadLetter).entries;
      return report;
    };
    let report: ImportResult;
    try {
      report = withEntries(await run.run());
    } catch (error) {
      const partial = importReportOf(error);
      if (partial !== undefined) withEntries(partial);
      throw error;
    }
    // Closing the file is part of the run: a failure here means dead-lettered findings may be lost.
    if (ownsDeadLetter) {
      await deadLetter.close().catch((error: unknown) => {
        attachReport(error, report);
        throw error;
      });
    }
    return report;
  } finally {
    sender?.close();
    if (limiter !== undefined && options.limiter === undefined) await limiter.stop().catch(() => {});
    if (ownsDeadLetter) await deadLetter.close().catch(() => {});
  }
}

/** A group of findings waiting out their backoff. */
interface DelayedGroup {
  entries: QueuedFinding[];
  timer: NodeJS.Timeout;
}

/** Thrown inside a scheduled job that must not be sent because the run is stopping. */
class RunStopped extends Error {
  override readonly name = 'RunStopped';
}

/**
 * One run of the sink. A single "pump" loop fills batches and hands them to the limiter; request outcomes
 * arrive as callbacks that count findings, dead-letter them or put them back in `ready` (the main queue:
 * retried findings ride in the next full batch instead of small retry requests).
 */
class ImportRun {
  private readonly tally: ReportTally;
  private readonly limits: BatchLimits;
  private readonly concurrency: number;
  private readonly maxRetries: number;
  private readonly maxThrottles: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly iterator: AsyncIterator<AwsSecurityFinding> | Iterator<AwsSecurityFinding>;

  /** Findings put back for another attempt whose backoff is over. */
  private ready: QueuedFinding[] = [];
  private readonly delayed = new Set<DelayedGroup>();
  /**
   * Halves of a batch rejected as a whole (InvalidInputException), sent as they are to find the bad finding:
   * a stack, so the search goes depth-first and reaches single findings in about log2(batch) requests.
   */
  private readonly isolated: QueuedFinding[][] = [];
  /** A whole request was rejected since the last accepted one: send one request at a time, halves first. */
  private suspicion = false;
  /**
   * Single findings rejected as a whole while under suspicion. Dead-lettered once another request is accepted
   * (they were bad); when {@link LONE_REJECTIONS_FOR_CONFIG} pile up first, the request is wrong, not them.
   */
  private suspects: { entry: QueuedFinding; code: string; message: string }[] = [];
  /** A finding read from the input that did not fit the batch just closed: it opens the next one. */
  private carry: QueuedFinding | undefined;
  private readonly inFlight = new Set<QueuedFinding[]>();
  /** Every Id received (12-byte hashes), to notice an Id that comes again after its batch left. */
  private readonly seenIds = new IdHashSet();
  private seq = 0;

  private inputDone = false;
  private inputError: unknown;
  private pendingNext: Promise<IteratorResult<AwsSecurityFinding>> | undefined;
  private fatal: Error | undefined;
  /** The failure code under which findings left unsent by `fatal` are counted. */
  private fatalFailureCode = 'internal-error';
  private abortRequested = false;
  private graceExpired = false;
  private readonly requestAbort = new AbortController();
  /** Ends the read in progress early (abort, or the batch waited long enough). */
  private interruptPull: ((reason: 'linger' | 'aborted') => void) | undefined;

  private holdStartedAt: number | undefined;
  private succeededRequests = 0;
  private readonly pacing: AdaptiveRate;
  /** The rate last written to a shared (Redis) bucket. */
  private adaptedRate: number;
  private readonly circuit: Circuit;
  /** The batch sent as the outage probe, while it is in flight. */
  private probe: QueuedFinding[] | undefined;
  /** The outage budget ran out: nothing more is read, what comes back failing is dead-lettered `outage`. */
  private outageExpired = false;
  private lastUnwell = { code: '', message: '' };
  /** Findings held at most (received, not settled): the batches in flight plus the one being filled. */
  private readonly heldLimit: number;
  private readonly accountId: string | undefined;
  private readonly productArns: ProductArnGuard;
  private wakeUp: (() => void) | undefined;
  /** A wake-up that came while nobody was waiting: the next wait returns at once. */
  private woken = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Dead-letter writes by this run, by code (the rest of the dead letter's growth came from outside). */
  private readonly ownDeadLetters: Record<string, number> = {};
  private readonly externalSeen: Record<string, number> = {};
  private readonly deadLetterStart: Readonly<Record<string, number>>;

  private readonly options: ImportOptions;
  private readonly sender: BatchSender;
  private readonly limiter: RequestLimiter;
  private readonly deadLetter: DeadLetter;

  constructor(
    input: AsyncIterable<AwsSecurityFinding> | Iterable<AwsSecurityFinding>,
    options: ImportOptions,
    sender: BatchSender,
    limiter: RequestLimiter,
    deadLetter: DeadLetter,
    region: string | undefined,
  ) {
    this.options = options;
    this.sender = sender;
    this.limiter = limiter;
    this.deadLetter = deadLetter;
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.tally = new ReportTally(this.now, options.dryRun === true, deadLetter.path);
    this.limits = {
      ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    };
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? IMPORT_CONCURRENCY));
    this.maxRetries = options.maxRetries ?? 6;
    this.maxThrottles = options.maxThrottles ?? 50;
    this.accountId = options.accountId;
    this.productArns = new ProductArnGuard({ accountId: options.accountId, region });
    this.heldLimit = (this.concurrency + 1) * (options.maxCount ?? MAX_BATCH_FINDINGS);
    const maxRate = limiter.settings.reservoirIncreaseAmount ?? undefined;
    const interval = limiter.settings.reservoirIncreaseInterval ?? undefined;
    const ceiling =
      options.rate ??
      (maxRate !== undefined && interval !== undefined && interval > 0
        ? (1000 * maxRate) / interval
        : IMPORT_RATE_PER_SECOND);
    this.pacing = new AdaptiveRate({ maxRate: ceiling, now: this.now });
    this.adaptedRate = ceiling;
    this.circuit = new Circuit({
      baseMs: options.retryBaseMs ?? 200,
      // A probe is one request: probing every few seconds costs the service nothing and resumes sooner.
      capMs: Math.min(options.retryCapMs ?? 20_000, MAX_PROBE_DELAY_MS),
      budgetMs: options.outageBudgetMs ?? 600_000,
      // Never later than one backoff cap: a run with short backoffs (tests) probes soon too.
      openAfterMs: Math.min(1000, options.retryCapMs ?? 20_000),
      now: this.now,
      random: this.random,
    });
    this.deadLetterStart = { ...deadLetter.counts };
    // The SDK adds an abort listener per request in flight; more than Node's default 10 is expected.
    setMaxListeners(this.concurrency + 10, this.requestAbort.signal);
    this.iterator =
      Symbol.asyncIterator in input
        ? (input as AsyncIterable<AwsSecurityFinding>)[Symbol.asyncIterator]()
        : (input as Iterable<AwsSecurityFinding>)[Symbol.iterator]();
  }

  async run(): Promise<ImportReport> {
    const signal = this.options.signal;
    const onAbort = () => this.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted === true) this.abort();
    const progress =
      this.options.onProgress === undefined
        ? undefined
        : setInterval(
            () => this.options.onProgress?.(this.snapshot()),
            this.options.progressIntervalMs ?? 250,
          );
    progress?.unref();
    try {
      await this.pump();
      while (this.inFlight.size > 0) await this.wait();
      if (this.fatal !== undefined) this.stranded((entry) => this.unsent(entry));
      // Fewer lone rejections than make a configuration error, and nothing accepted after them: bad findings.
      this.releaseSuspects();
      this.tally.outageMs += this.circuit.giveUp();
      await this.deadLetter.flush().catch((error: unknown) => this.stop(error, 'E_IO'));
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (progress !== undefined) clearInterval(progress);
      for (const timer of this.timers) clearTimeout(timer);
      for (const group of this.delayed) clearTimeout(group.timer);
      this.closeInput();
    }
    const report = this.snapshot();
    this.options.onProgress?.(report);
    // After an abort, an input error is the input reacting to the same signal: the report says aborted.
    const error = this.fatal ?? (this.abortRequested ? undefined : this.inputError);
    // A non-ConverterError fatal is a bug in the sink: surface it rather than the imbalance it caused.
    if (error === undefined || isConverterError(error) || error === this.inputError) assertBalanced(report);
    if (error !== undefined) {
      attachReport(error, report);
      throw error;
    }
    return report;
  }

  /** The loop: fill a batch whenever a slot is free, until everything received is settled. */
  private async pump(): Promise<void> {
    while (this.fatal === undefined) {
      if (this.graceExpired) {
        this.stranded((entry) => this.deadLetterEntry(entry, 'aborted', ABORTED_UNSENT));
        return;
      }
      if (this.circuit.open) {
        await this.probeOutage();
        continue;
      }
      const pace = this.pacing.delayMs();
      const oneAtATime = this.suspicion && this.inFlight.size > 0;
      if (this.inFlight.size >= this.concurrency || pace > 0 || oneAtATime) {
        await this.wait(pace > 0 ? pace : undefined);
        continue;
      }
      const batch = await this.nextBatch(true);
      if (batch !== undefined) {
        this.pacing.started();
        this.dispatch(batch);
        continue;
      }
      if (this.settled()) return;
      await this.wait(this.holdingFor());
    }
  }

  /**
   * While the circuit is open: no input is read and at most one request (the probe, made of findings in
   * hand) is in flight, after the circuit's backoff. The first answer closes the circuit. When the outage
   * budget runs out, the findings in hand are dead-lettered (`outage`) and no more input is read.
   */
  private async probeOutage(): Promise<void> {
    if (this.circuit.budgetSpent) {
      this.giveUpOutage();
      return;
    }
    const delay = this.circuit.probeDelayMs();
    if (this.probe !== undefined || delay > 0) {
      await this.wait(Math.max(1, Math.min(delay > 0 ? delay : Infinity, this.circuit.budgetLeftMs)));
      return;
    }
    const batch = await this.nextBatch(!this.holdsAny());
    if (batch === undefined) {
      if (this.settled()) this.tally.outageMs += this.circuit.giveUp();
      else await this.wait(Math.max(1, this.circuit.budgetLeftMs));
      return;
    }
    this.probe = batch;
    this.dispatch(batch);
  }

  private giveUpOutage(): void {
    this.tally.outageMs += this.circuit.giveUp();
    this.outageExpired = true;
    this.inputDone = true;
    this.interruptPull?.('aborted');
    this.stranded((entry) => this.deadLetterEntry(entry, 'outage', this.outageMessage()));
  }

  private outageMessage(): string {
    const budget = this.options.outageBudgetMs ?? 600_000;
    const { code, message } = this.lastUnwell;
    return `Security Hub did not answer for ${formatMs(budget)} (the outage budget, --outage-budget): ${code}: ${message}; not imported (importing it again is safe)`;
  }

  /** True when findings wait in hand (not in flight). */
  private holdsAny(): boolean {
    return (
      this.carry !== undefined || this.ready.length > 0 || this.delayed.size > 0 || this.isolated.length > 0
    );
  }

  /**
   * Findings received and not settled yet: in flight, waiting, in the batch being filled. The tally's own
   * count, so that every way a finding settles (`unchanged` too) frees its room: a second count once left out
   * `unchanged`, and a run whose first findings were unchanged stopped reading with nothing in flight.
   */
  private held(): number {
    return this.tally.pending;
  }

  /** More input may be read: the findings held stay within `(concurrency + 1) × maxCount`, whatever fails. */
  private mayRead(): boolean {
    return !this.circuit.open && !this.outageExpired && this.held() < this.heldLimit;
  }

  /** Ms left before a held tail batch must go (see {@link ImportRun.holdTail}), or undefined. */
  private holdingFor(): number | undefined {
    if (this.holdStartedAt === undefined) return undefined;
    return Math.max(1, this.holdStartedAt + (this.options.lingerMs ?? 1000) - this.now());
  }

  /**
   * After the input ended, a batch that is not full waits (up to `lingerMs`) while requests are in flight
   * or retries are backing off: their retried findings can join it. Without this, the tail of a run sent
   * every retried group as its own small request (measured: 14 requests for 360 retried findings at
   * 10 req/s, each costing a full request of the budget).
   */
  private holdTail(builder: BatchBuilder): boolean {
    const mayGrow = this.inFlight.size > 0 || this.delayed.size > 0;
    const readingMore = !this.inputDone && this.held() < this.heldLimit;
    if (builder.full || readingMore || this.graceExpired || !mayGrow) {
      this.holdStartedAt = undefined;
      return false;
    }
    if (!this.inputDone) {
      // At the limit of findings held: wait for a request to settle rather than send a small batch.
      this.ready.unshift(...builder.take());
      return true;
    }
    this.holdStartedAt ??= this.now();
    if (this.now() - this.holdStartedAt >= (this.options.lingerMs ?? 1000)) {
      this.holdStartedAt = undefined;
      return false;
    }
    this.ready.unshift(...builder.take());
    return true;
  }

  private settled(): boolean {
    return (
      this.inputDone &&
      this.carry === undefined &&
      this.ready.length === 0 &&
      this.delayed.size === 0 &&
      this.isolated.length === 0 &&
      this.inFlight.size === 0
    );
  }

  /** The next batch to send, or `undefined` when nothing can be sent now. Reads input only here. */
  private async nextBatch(read: boolean): Promise<QueuedFinding[] | undefined> {
    const isolated = this.isolated.pop();
    if (isolated !== undefined) return isolated;
    const builder = new BatchBuilder(this.limits);
    if (this.carry !== undefined) {
      const carried = this.carry;
      this.carry = undefined;
      this.addTo(builder, carried);
    }
    this.addReady(builder);
    let lingerTimer: NodeJS.Timeout | undefined;
    let lingered = false;
    try {
      while (
        read &&
        !builder.full &&
        !this.inputDone &&
        this.fatal === undefined &&
        this.carry === undefined &&
        (this.mayRead() || (this.circuit.open && builder.size === 0))
      ) {
        if (builder.size > 0 && lingerTimer === undefined) {
          lingerTimer = setTimeout(() => {
            lingered = true;
            this.interruptPull?.('linger');
          }, this.options.lingerMs ?? 1000);
        }
        if (lingered) break;
        const entry = await this.pull();
        if (entry === 'linger') break;
        if (entry !== undefined && !this.addTo(builder, entry)) this.carry = entry;
        this.addReady(builder);
      }
    } finally {
      if (lingerTimer !== undefined) clearTimeout(lingerTimer);
    }
    if (builder.size === 0 || (!this.circuit.open && this.holdTail(builder))) return undefined;
    return builder.take();
  }

  /** Adds to the batch; counts the copy a newer one replaced. False when it does not fit. */
  private addTo(builder: BatchBuilder, entry: QueuedFinding): boolean {
    const result = builder.add(entry);
    if (result.superseded !== undefined) this.tally.skipped += 1;
    return result.added;
  }

  private addReady(builder: BatchBuilder): void {
    if (this.ready.length === 0) return;
    const left: QueuedFinding[] = [];
    for (const entry of this.ready) {
      if (
        builder.full ||
        (!builder.has(entry.id) && !builder.fits(entry.bytes)) ||
        !this.addTo(builder, entry)
      )
        left.push(entry);
    }
    this.ready = left;
  }

  /** Reads one finding; `undefined` when the input ended or the finding was rejected here. */
  private async pull(): Promise<QueuedFinding | 'linger' | undefined> {
    try {
      await this.deadLetter.flush();
    } catch (error) {
      this.stop(error, 'E_IO');
      return undefined;
    }
    if (this.abortRequested) return undefined;
    // Through a promise, so that an iterator throwing synchronously is an input error like any other.
    this.pendingNext ??= Promise.resolve().then(() => this.iterator.next());
    const next = this.pendingNext;
    // Not Promise.race with a long-lived abort or linger promise: every race would leave a reaction on it
    // until it settles, one per finding read. Abort and linger interrupt this one read instead.
    let result: IteratorResult<AwsSecurityFinding> | 'linger' | 'aborted';
    try {
      result = await new Promise<IteratorResult<AwsSecurityFinding> | 'linger' | 'aborted'>(
        (resolve, reject) => {
          this.interruptPull = resolve;
          next.then(resolve, reject);
        },
      ).finally(() => {
        this.interruptPull = undefined;
      });
    } catch (error) {
      this.pendingNext = undefined;
      this.inputError = error;
      this.inputDone = true;
      return undefined;
    }
    if (result === 'linger') return 'linger';
    if (result === 'aborted') {
      this.inputDone = true;
      return undefined;
    }
    this.pendingNext = undefined;
    if (result.done === true) {
      this.inputDone = true;
      return undefined;
    }
    return this.admit(result.value);
  }

  /** Counts a finding read from the input and checks what can be checked before sending it. */
  private admit(finding: AwsSecurityFinding): QueuedFinding | undefined {
    this.tally.received += 1;
    const seq = this.seq++;
    const id = (finding as { Id?: unknown } | null)?.Id;
    const rejected = (code: string, message: string) => {
      this.deadLetterEntry(
        { finding, id: '', bytes: 0, seq, attempts: 0, retries: 0, throttles: 0 },
        code,
        message,
      );
      return undefined;
    };
    if (typeof id !== 'string' || id.length === 0)
      return rejected('invalid-finding', 'the finding has no Id; it was not sent');
    const account = (finding as { AwsAccountId?: unknown }).AwsAccountId;
    if (this.accountId !== undefined && typeof account === 'string' && account !== this.accountId)
      return rejected(
        'foreign-account',
        `the finding's AwsAccountId ${JSON.stringify(account)} is not the account of the credentials (${this.accountId}); Security Hub would refuse the whole request. Not sent: import it with credentials of that account`,
      );
    // A product ARN of another Region or account is refused for every finding: stop before sending any.
    const mismatch = this.productArns.check(finding);
    if (mismatch !== undefined) {
      this.stop(mismatch, PRODUCT_ARN_MISMATCH);
      this.tally.fail(PRODUCT_ARN_MISMATCH, 'unsent');
      return undefined;
    }
    const stripped = withoutCustomerFields(finding);
    if (stripped.dropped.length > 0) {
      finding = stripped.finding;
      this.tally.issue('customer-field-dropped');
      this.options.onIssue?.({
        code: 'customer-field-dropped',
        message: `finding Id ${id} (input finding ${seq}) sets ${stripped.dropped.join(', ')}: ${stripped.dropped.length === 1 ? 'that field belongs' : 'those fields belong'} to Security Hub users, not to finding providers; dropped, the finding was sent without ${stripped.dropped.length === 1 ? 'it' : 'them'}`,
        recordIndex: seq,
      });
    }
    if (this.options.isUnchanged?.(finding) === true) {
      this.tally.unchanged += 1;
      return undefined;
    }
    let bytes: number;
    try {
      bytes = findingBytes(finding);
    } catch (error) {
      return rejected('invalid-finding', `the finding cannot be serialized to JSON: ${String(error)}`);
    }
    const maxBytes = this.limits.maxBytes;
    if (bytes > MAX_FINDING_BYTES || (maxBytes !== undefined && REQUEST_ENVELOPE_BYTES + bytes > maxBytes))
      return rejected(
        'finding-too-large',
        `the finding is ${bytes} bytes of JSON, over the ${MAX_FINDING_BYTES}-byte limit; it was not sent`,
      );
    if (!this.seenIds.add(id)) {
      this.tally.issue('duplicate-id');
      this.options.onIssue?.({
        code: 'duplicate-id',
        message: `finding Id ${id} came again (input finding ${seq}): the later copy is kept; an earlier copy still waiting in its batch is replaced and counted as skipped, one already sent is sent again (Security Hub keeps whichever has the later UpdatedAt)`,
        recordIndex: seq,
      });
    }
    return { finding, id, bytes, seq, attempts: 0, retries: 0, throttles: 0 };
  }

  private dispatch(batch: QueuedFinding[]): void {
    this.inFlight.add(batch);
    this.limiter
      .schedule(() => this.send(batch))
      .then(
        (response) => this.onResponse(batch, response),
        (error: unknown) => this.onRequestError(batch, error),
      )
      .catch((bug: unknown) => this.stop(bug, 'internal-error'))
      .finally(() => {
        this.inFlight.delete(batch);
        if (this.probe === batch) this.probe = undefined;
        this.wake();
      });
  }

  private async send(batch: QueuedFinding[]): Promise<BatchImportFindingsResponse> {
    if (this.fatal !== undefined || this.requestAbort.signal.aborted) throw new RunStopped();
    for (const entry of batch) entry.attempts += 1;
    this.tally.requests += 1;
    return this.sender.send(
      batch.map((entry) => entry.finding),
      this.requestAbort.signal,
    );
  }

  private onResponse(batch: QueuedFinding[], response: BatchImportFindingsResponse): void {
    this.succeededRequests += 1;
    this.serviceAnswered();
    this.pacing.succeeded();
    this.adaptSharedRate();
    if (this.suspicion) {
      this.suspicion = false;
      this.releaseSuspects();
    }
    const failed = new Map<string, { code: string; message: string }>();
    for (const item of response.FailedFindings ?? []) {
      if (item.Id === undefined) continue;
      failed.set(item.Id, { code: item.ErrorCode ?? 'UnknownError', message: item.ErrorMessage ?? '' });
    }
    const transient: QueuedFinding[] = [];
    let transientCode = '';
    let transientMessage = '';
    for (const entry of batch) {
      const failure = failed.get(entry.id);
      if (failure === undefined) {
        this.tally.imported += 1;
        this.options.onImported?.(entry.finding);
        continue;
      }
      const kind = classifyFindingError(failure.code);
      if (kind === 'permanent') {
        this.deadLetterEntry(entry, failure.code, failure.message);
      } else if (kind === 'access') {
        // Security Hub or the integration is not enabled: every finding would get the same answer.
        this.stop(
          new ConverterError(
            'E_AWS_ACCESS',
            findingAccessHint(failure.code, failure.message, entry.finding.ProductArn),
          ),
          failure.code,
        );
        this.unsent(entry);
      } else {
        transient.push(entry);
        transientCode = failure.code;
        transientMessage = failure.message;
      }
    }
    if (transient.length > 0) this.retryLater(transient, transientCode, transientMessage);
  }

  private onRequestError(batch: QueuedFinding[], error: unknown): void {
    if (error instanceof RunStopped) {
      if (this.fatal !== undefined) for (const entry of batch) this.unsent(entry);
      else for (const entry of batch) this.deadLetterEntry(entry, 'aborted', ABORTED_UNSENT);
      return;
    }
    const code = errorCodeOf(error);
    const message = redactSecrets(error instanceof Error ? error.message : String(error));
    switch (classifyRequestError(error)) {
      case 'aborted':
        if (this.requestAbort.signal.aborted) {
          // Security Hub may have stored them: neither imported nor failed.
          for (const entry of batch) this.unknownOutcome(entry);
        } else {
          this.retryUnwell(batch, code, message, true);
        }
        return;
      case 'throttled':
        this.tally.throttled += 1;
        this.serviceAnswered();
        // The server's bucket is empty: empty ours too (puts the two buckets in phase), and lower our rate:
        // other tools may be using most of the account's quota.
        if (this.pacing.throttled()) this.adaptSharedRate();
        void this.limiter.drain().catch(() => {});
        this.retryThrottled(batch, code, message);
        return;
      case 'access':
        this.serviceAnswered();
        this.stop(new ConverterError('E_AWS_ACCESS', accessHint(error), { cause: error }), code);
        for (const entry of batch) this.unsent(entry);
        return;
      case 'invalid-input':
        this.serviceAnswered();
        this.rejectedWhole(batch, code, message);
        return;
      default:
        this.retryUnwell(batch, code, message, httpStatusOf(error) === undefined);
    }
  }

  /** Security Hub answered (anything but a connection failure, a timeout or a 5xx): the circuit closes. */
  private serviceAnswered(): void {
    this.tally.outageMs += this.circuit.answered();
  }

  /** Writes the adapted rate to a shared bucket when it moved by a tenth since the last write. */
  private adaptSharedRate(): void {
    if (this.limiter.adapt === undefined) return;
    const rate = this.pacing.current;
    if (Math.abs(rate - this.adaptedRate) < this.adaptedRate / 10) return;
    this.adaptedRate = rate;
    void this.limiter.adapt(rate).catch(() => {});
  }

  /**
   * A connection failure, timeout or 5xx: the service is unwell. The findings go back (after a backoff while
   * the circuit is closed, at once while it is open: the probes set the pace). Consecutive failures open the
   * circuit. While no request of the run has succeeded, a finding out of retries on connection failures
   * (no HTTP answer at all) stops the run instead: the endpoint is wrong, not the service down.
   */
  private retryUnwell(batch: QueuedFinding[], code: string, message: string, noAnswer: boolean): void {
    this.lastUnwell = { code, message };
    if (!this.outageExpired && this.circuit.failed(batch === this.probe)) {
      this.tally.outages += 1;
      // Everything waiting for a backoff becomes the next probe's material; the probes set the pace now.
      for (const group of this.delayed) {
        clearTimeout(group.timer);
        this.ready.push(...group.entries);
      }
      this.delayed.clear();
    }
    const again: QueuedFinding[] = [];
    let highest = 0;
    for (const entry of batch) {
      entry.retries += 1;
      if (this.outageExpired) {
        this.deadLetterEntry(entry, 'outage', this.outageMessage());
      } else if (noAnswer && this.succeededRequests === 0 && entry.retries > this.maxRetries) {
        this.stopUnreachable(entry, code, message);
      } else {
        again.push(entry);
        highest = Math.max(highest, entry.retries);
      }
    }
    const delay = this.circuit.open
      ? 0
      : retryDelay(
          highest - 1,
          { baseMs: this.options.retryBaseMs ?? 200, capMs: this.options.retryCapMs ?? 20_000 },
          this.random,
        );
    this.requeue(again, delay);
  }

  /**
   * A batch rejected as a whole: split it in halves sent on their own until the bad findings stand alone
   * and can be dead-lettered. One bad finding in 100 costs about 14 extra requests; a batch of only bad
   * findings costs 199 (the whole tree).
   */
  private rejectedWhole(batch: QueuedFinding[], code: string, message: string): void {
    if (this.fatal !== undefined) {
      for (const entry of batch) this.unsent(entry);
      return;
    }
    if (this.graceExpired) {
      for (const entry of batch) this.deadLetterEntry(entry, 'aborted', ABORTED_UNSENT);
      return;
    }
    this.suspicion = true;
    if (batch.length === 1) {
      this.suspects.push({ entry: batch[0]!, code, message });
      if (this.suspects.length >= LONE_REJECTIONS_FOR_CONFIG)
        this.stop(
          new ConverterError(
            'E_AWS_ACCESS',
            `${code}: ${message} — Security Hub rejected every request as a whole, even ${this.suspects.length} single findings in a row: the request is wrong, not the findings. Check --product-arn (its Region and account must be those of the run), --region and --account.`,
          ),
          code,
        );
      return;
    }
    const half = Math.ceil(batch.length / 2);
    // A stack: the first half goes next.
    this.isolated.push(batch.slice(half), batch.slice(0, half));
    this.tally.retries += batch.length;
  }

  /** Dead-letters the single findings rejected as a whole (bad findings after all); none once the run stopped. */
  private releaseSuspects(): void {
    const suspects = this.suspects;
    this.suspects = [];
    for (const { entry, code, message } of suspects) {
      if (this.fatal !== undefined) this.unsent(entry);
      else this.deadLetterEntry(entry, code, message);
    }
  }

  private retryThrottled(batch: QueuedFinding[], code: string, message: string): void {
    const again: QueuedFinding[] = [];
    for (const entry of batch) {
      entry.throttles += 1;
      if (entry.throttles > this.maxThrottles)
        this.deadLetterEntry(entry, code, `still throttled after ${entry.throttles} attempts: ${message}`);
      else again.push(entry);
    }
    this.requeue(again, 0);
  }

  /** Puts findings back after a backoff, or dead-letters those out of retries. */
  private retryLater(entries: QueuedFinding[], code: string, message: string): void {
    const again: QueuedFinding[] = [];
    let highest = 0;
    for (const entry of entries) {
      entry.retries += 1;
      if (entry.retries <= this.maxRetries) {
        again.push(entry);
        highest = Math.max(highest, entry.retries);
      } else if (this.succeededRequests === 0 && this.fatal === undefined) {
        this.stopUnreachable(entry, code, message);
      } else if (this.fatal !== undefined) {
        this.unsent(entry);
      } else {
        this.deadLetterEntry(entry, code, `${message} (gave up after ${entry.attempts} attempts)`);
      }
    }
    const delay = retryDelay(
      highest - 1,
      { baseMs: this.options.retryBaseMs ?? 200, capMs: this.options.retryCapMs ?? 20_000 },
      this.random,
    );
    this.requeue(again, delay);
  }

  private requeue(entries: QueuedFinding[], delayMs: number): void {
    if (entries.length === 0) return;
    if (this.fatal !== undefined) {
      for (const entry of entries) this.unsent(entry);
      return;
    }
    if (this.graceExpired) {
      for (const entry of entries) this.deadLetterEntry(entry, 'aborted', ABORTED_UNSENT);
      return;
    }
    if (this.outageExpired) {
      for (const entry of entries) this.deadLetterEntry(entry, 'outage', this.outageMessage());
      return;
    }
    this.tally.retries += entries.length;
    if (delayMs <= 0 || this.circuit.open) {
      this.ready.push(...entries);
      return;
    }
    const group: DelayedGroup = {
      entries,
      timer: setTimeout(() => {
        this.delayed.delete(group);
        this.ready.push(...group.entries);
        this.wake();
      }, delayMs),
    };
    this.delayed.add(group);
  }

  /**
   * Not one request has reached the service: the endpoint, Region or network is wrong, not the findings. Stops the
   * run (exit 4) and counts the finding as unsent.
   */
  private stopUnreachable(entry: QueuedFinding, code: string, message: string): void {
    this.stop(
      new ConverterError(
        'E_AWS_ACCESS',
        `${code}: ${message} — no request to Security Hub has succeeded after ${entry.attempts} attempts. Check --endpoint-url, --region and the network.`,
      ),
      code,
    );
    this.unsent(entry);
  }

  private deadLetterEntry(entry: QueuedFinding, code: string, message: string): void {
    this.deadLetter.write(entry.finding, code, message, entry.attempts);
    this.ownDeadLetters[code] = (this.ownDeadLetters[code] ?? 0) + 1;
    this.tally.fail(code, 'dead-lettered');
  }

  /** A finding whose request was cut off by the end of the grace period: it may have been imported. */
  private unknownOutcome(entry: QueuedFinding): void {
    this.deadLetter.write(entry.finding, 'aborted', ABORTED_IN_FLIGHT, entry.attempts);
    this.ownDeadLetters.aborted = (this.ownDeadLetters.aborted ?? 0) + 1;
    this.tally.unknown += 1;
  }

  /** Counts a finding left unsent by the error that stopped the run (it is not dead-lettered). */
  private unsent(_entry: QueuedFinding): void {
    this.tally.fail(this.fatalFailureCode, 'unsent');
  }

  /** Stops the run on the first fatal error; `code` names it in `failures` for the findings left unsent. */
  private stop(error: unknown, code: string): void {
    if (this.fatal !== undefined) return;
    this.fatal = error instanceof Error ? error : new Error(String(error));
    this.fatalFailureCode = code;
    this.wake();
  }

  /** Hands every finding not in flight to `settle` and forgets it. */
  private stranded(settle: (entry: QueuedFinding) => void): void {
    const entries = [
      ...this.suspects.map((suspect) => suspect.entry),
      ...(this.carry !== undefined ? [this.carry] : []),
      ...this.ready,
      ...this.isolated.flat(),
      ...[...this.delayed].flatMap((group) => {
        clearTimeout(group.timer);
        return group.entries;
      }),
    ];
    this.suspects = [];
    this.carry = undefined;
    this.ready = [];
    this.isolated.length = 0;
    this.delayed.clear();
    for (const entry of entries) settle(entry);
  }

  private abort(): void {
    if (this.abortRequested) return;
    this.abortRequested = true;
    this.tally.aborted = true;
    this.inputDone = true;
    this.interruptPull?.('aborted');
    const timer = setTimeout(() => {
      this.graceExpired = true;
      this.requestAbort.abort();
      this.wake();
    }, this.options.abortGraceMs ?? 5000);
    this.timers.add(timer);
    this.wake();
  }

  private closeInput(): void {
    const iterator = this.iterator;
    const close = () => {
      try {
        const result = iterator.return?.();
        if (result instanceof Promise) result.catch(() => {});
      } catch {
        // The input's own cleanup failing must not hide the report.
      }
    };
    if (this.inputError !== undefined) return;
    if (this.pendingNext !== undefined) this.pendingNext.then(close, () => {});
    else if (!this.inputDone || this.abortRequested || this.fatal !== undefined || this.outageExpired)
      close();
  }

  private wait(ms?: number): Promise<void> {
    if (this.woken) {
      // Something happened while the pump was busy (e.g. reading input): look again at once.
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.wakeUp = () => {
        if (timer !== undefined) {
          clearTimeout(timer);
          this.timers.delete(timer);
        }
        this.wakeUp = undefined;
        resolve();
      };
      if (ms !== undefined) {
        timer = setTimeout(() => {
          this.timers.delete(timer!);
          this.wake();
        }, Math.ceil(ms));
        this.timers.add(timer);
      }
    });
  }

  private wake(): void {
    if (this.wakeUp !== undefined) this.wakeUp();
    else this.woken = true;
  }

  /** The report now, including findings dead-lettered from outside (e.g. `convert`'s `onReject`). */
  private snapshot(): ImportReport {
    for (const [code, total] of Object.entries(this.deadLetter.counts)) {
      const external =
        total -
        (this.deadLetterStart[code] ?? 0) -
        (this.ownDeadLetters[code] ?? 0) -
        (this.externalSeen[code] ?? 0);
      for (let i = 0; i < external; i++) {
        this.tally.received += 1;
        this.tally.fail(code, 'dead-lettered');
      }
      if (external > 0) this.externalSeen[code] = (this.externalSeen[code] ?? 0) + external;
    }
    return this.tally.snapshot();
  }
}

const ABORTED_UNSENT = 'the run was aborted before this finding was sent';
const ABORTED_IN_FLIGHT =
  'the run was aborted while this finding was in flight; it may or may not have been imported (importing it again is safe)';

/** Longest wait between two outage probes, ms (shorter when `retryCapMs` is). */
const MAX_PROBE_DELAY_MS = 5_000;

/** Single findings rejected as a whole in a row, with nothing accepted between, that mean "the request is wrong". */
const LONE_REJECTIONS_FOR_CONFIG = 3;

function formatMs(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
