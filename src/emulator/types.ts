import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';

/** One problem `validate` found in a finding; the same shape as `AsffViolation` of `src/asff/validate.ts`. */
export interface EmulatorViolation {
  /** Dotted path inside the finding, e.g. `Resources[0].Type` (empty for the finding itself). */
  path: string;
  /** Short rule name, e.g. `maxLength`, `required`. */
  rule: string;
  /** Human-readable text in AJV wording, e.g. `should NOT be longer than 256 characters`. */
  message: string;
}

/** A finding validator: returns every violation, or an empty array for a valid finding. */
export type FindingValidator = (finding: unknown) => readonly EmulatorViolation[];

/** The Security Hub operations (plus STS GetCallerIdentity) the emulator answers. */
export type EmulatorOperation =
  | 'BatchImportFindings'
  | 'GetFindings'
  | 'BatchUpdateFindings'
  | 'GetCallerIdentity'
  | 'Unknown';

/** A token bucket: `ratePerSecond` tokens are added every second, up to `burst`. */
export interface RateLimit {
  /** Requests per second sustained (tokens added per second); fractions allowed. */
  ratePerSecond: number;
  /** Requests answered at once from a full bucket: the bucket's size; it starts full. */
  burst: number;
}

/**
 * Token buckets per account + Region. Each operation can be given its own limit or `false` (unlimited).
 * Defaults are the documented Security Hub quotas.
 */
export interface ThrottlingOptions {
  /** Limit of BatchImportFindings. @defaultValue `{ ratePerSecond: 10, burst: 30 }` */
  import?: RateLimit | false;
  /** Limit of GetFindings. @defaultValue `{ ratePerSecond: 3, burst: 6 }` */
  getFindings?: RateLimit | false;
  /** Limit of BatchUpdateFindings. @defaultValue `{ ratePerSecond: 10, burst: 30 }` */
  batchUpdate?: RateLimit | false;
}

/** A time window, relative to the emulator's start, in which every Security Hub request gets a 429. */
export interface ThrottleStorm {
  /** Milliseconds after `startEmulator` resolved. */
  startMs: number;
  /** How long the storm lasts, in milliseconds; requests from `startMs` to `startMs + durationMs` get a 429. */
  durationMs: number;
}

/**
 * Fault injection. Every decision comes from a hash of `seed` and a counter (see docs/emulator.md), so a
 * sequential client sees the same faults on every run.
 */
export interface FaultOptions {
  /** Seed of the fault decisions: the same seed and request order give the same faults. @defaultValue `1` */
  seed?: number;
  /** Fraction of Security Hub requests answered with 500 `InternalException` (not processed). @defaultValue `0` */
  serverErrorRate?: number;
  /** Fraction of Security Hub requests whose socket is destroyed before processing. @defaultValue `0` */
  resetRate?: number;
  /**
   * Fraction of Security Hub requests that are processed (findings stored) but whose socket is then
   * destroyed instead of answered: the client cannot know the import happened. @defaultValue `0`
   */
  lostResponseRate?: number;
  /** Fraction of findings (per Id and attempt) returned in `FailedFindings` with a transient code. @defaultValue `0` */
  findingFailureRate?: number;
  /** Codes used for injected per-finding failures, picked by the same hash. @defaultValue `['InternalFailure']` */
  findingFailureCodes?: readonly string[];
  /** Windows in which every Security Hub request is throttled. @defaultValue `[]` */
  throttleStorms?: readonly ThrottleStorm[];
  /** Security Hub operations the faults apply to (never STS). @defaultValue all three Security Hub operations */
  operations?: readonly EmulatorOperation[];
}

/** How one access key id is treated. */
export interface AccessKeyRule {
  /** The account the key belongs to. @defaultValue the emulator's `accountId` */
  accountId?: string;
  /**
   * `allow`: normal caller. `deny`: STS answers (as real STS does, it needs no permission) but every
   * Security Hub call gets 403 `AccessDeniedException`. `unknown`: the key does not exist (403
   * `UnrecognizedClientException` from Security Hub, `InvalidClientTokenId` from STS).
   * @defaultValue `'allow'`
   */
  access?: 'allow' | 'deny' | 'unknown';
  /**
   * Security Hub operations this key may not call (403 `AccessDeniedException`), the others are allowed: an
   * import-only IAM role is `{ deny: ['GetFindings'] }`. Ignored with `access: 'deny'` (which denies all).
   */
  deny?: readonly EmulatorOperation[];
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port to listen on; `0` lets the system pick a free one (read it from `RunningEmulator.port`). @defaultValue `0` (any free port) */
  port?: number;
  /** Address to listen on; keep it loopback unless something off the machine must reach it. @defaultValue `'127.0.0.1'` */
  host?: string;
  /**
   * Serve HTTPS with this key and certificate (PEM) instead of plain HTTP; `url` then starts with
   * `https://`. Clients must trust the certificate (e.g. `NODE_EXTRA_CA_CERTS` for a spawned CLI).
   */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Account of callers whose access key is not mapped. @defaultValue `'123456789012'` */
  accountId?: string;
  /** Region used when the request's SigV4 credential scope names none. @defaultValue `'us-east-1'` */
  region?: string;
  /** Access key id → account id or rule. */
  accessKeys?: Readonly<Record<string, string | AccessKeyRule>>;
  /** Treat keys absent from `accessKeys` as unknown (403). @defaultValue `false` */
  rejectUnknownAccessKeys?: boolean;
  /** Accounts in which Security Hub is not enabled: every call gets 401 `InvalidAccessException`. */
  disabledAccounts?: readonly string[];
  /**
   * How BatchImportFindings answers in a `disabledAccounts` account. `exception`: 401 `InvalidAccessException`
   * for the whole request. `failed-findings`: HTTP 200 with every finding in `FailedFindings` with ErrorCode
   * `InvalidAccess`, as the API reference documents for a hub or integration that is not enabled. GetFindings
   * and BatchUpdateFindings always answer 401. @defaultValue `'exception'`
   */
  disabledHubAnswer?: 'exception' | 'failed-findings';
  /**
   * GetFindings NextToken style. `cursor`: the token names the last finding returned, so changes while a client
   * pages never shift a page. `offset`: the token is a position in the result list, as many paginated APIs do:
   * a finding that stops matching the filters (e.g. archived while a client pages on RecordState ACTIVE)
   * shifts every later finding one place forward, and the next page skips one. AWS does not document which
   * one Security Hub uses, so a client must be right under both. @defaultValue `'cursor'`
   */
  getFindingsTokens?: 'cursor' | 'offset';
  /** Non-default product ARNs the accounts are subscribed to (others fail with `InvalidAccess`). */
  enabledProductArns?: readonly string[];
  /** Token buckets; `false` turns throttling off entirely. */
  throttling?: ThrottlingOptions | false;
  /** Injected faults (server errors, resets, lost responses, failed findings, storms). @defaultValue none */
  faults?: FaultOptions;
  /** Finding validator. @defaultValue `validateAsff` of `src/asff/validate.ts` */
  validate?: FindingValidator;
  /** Largest accepted finding, in UTF-8 bytes of its JSON. @defaultValue `240_000` */
  maxFindingBytes?: number;
  /** Largest accepted request body, in bytes. @defaultValue `6_000_000` */
  maxRequestBytes?: number;
  /** Wall clock for `ProcessedAt`, note timestamps and the request log. @defaultValue `() => new Date()` */
  now?: () => Date;
  /** Monotonic milliseconds for token buckets and storms. @defaultValue `performance.now` */
  clock?: () => number;
  /** Records kept by `requests()`; older ones only count in `stats()`. @defaultValue `100_000` */
  requestLogLimit?: number;
  /** Called with each request's log record once its answer was sent (or its socket destroyed). */
  onRequest?: (record: RequestRecord) => void;
}

/** One entry of the request log. */
export interface RequestRecord {
  /** Arrival time, epoch milliseconds (from `now`). */
  time: number;
  /** Arrival time on the monotonic `clock`, milliseconds since the emulator started. */
  elapsedMs: number;
  /** The operation the request named (`Unknown` for a method and path the emulator does not serve). */
  operation: EmulatorOperation;
  /** HTTP status sent, or `0` when the socket was destroyed. */
  status: number;
  /** Findings in a BatchImportFindings body (or identifiers in BatchUpdateFindings), else 0. */
  findingCount: number;
  /** Caller account, when the access key was resolved. */
  accountId?: string;
  /** Region of the request's SigV4 credential scope (the emulator's `region` when it names none); absent when the request was answered before it was dispatched. */
  region?: string;
  /** Error shape name for non-200 answers. */
  errorCode?: string;
  /** The injected fault, if any. */
  fault?: 'server-error' | 'reset' | 'lost-response' | 'throttle-storm';
  /** Findings returned in FailedFindings (BatchImportFindings only). */
  failedCount?: number;
}

/** Counters over the emulator's lifetime (since the last `reset`). */
export interface EmulatorStats {
  /** Requests received, those dropped from the request log (`requestLogLimit`) included. */
  requests: number;
  /** Requests by {@link EmulatorOperation} name; an operation never called has no key. */
  byOperation: Record<string, number>;
  /** Requests by HTTP status sent (`'200'`, `'429'`, …; `'0'` for a destroyed socket). */
  byStatus: Record<string, number>;
  /** Requests answered 429. */
  throttled: number;
  /** Findings currently stored (all accounts and Regions). */
  storedFindings: number;
  /** Findings created by BatchImportFindings. */
  created: number;
  /** Findings updated (incoming UpdatedAt newer than the stored one). */
  updated: number;
  /** Findings accepted but ignored (incoming UpdatedAt not newer). */
  ignoredStale: number;
  /** FailedFindings returned, by ErrorCode. */
  failedFindings: Record<string, number>;
  /** Injected faults, by kind. */
  faults: Record<string, number>;
}

/** Selects which stored findings {@link RunningEmulator.findings} returns. */
export interface FindingQuery {
  /** Only findings stored for this account; all accounts when absent. */
  accountId?: string;
  /** Only findings stored in this Region; all Regions when absent. */
  region?: string;
}

/** A started emulator. */
export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`: pass it as `endpoint` to the SDK clients or `--endpoint-url` to the CLI. */
  readonly url: string;
  /** The port it listens on (the one picked when `port` was `0`); kept across `outage`. */
  readonly port: number;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
  /** Stored findings (copies), in insertion order. */
  findings(query?: FindingQuery): AwsSecurityFinding[];
  /** The request log (copies), oldest first. */
  requests(): RequestRecord[];
  /** A snapshot of the counters since start or the last `reset`. */
  stats(): EmulatorStats;
  /** Most requests whose arrival fell into any window of `windowMs` (sliding), optionally filtered. */
  maxRequestsInAnyWindow(windowMs: number, filter?: (record: RequestRecord) => boolean): number;
  /**
   * Forgets findings, the log, the counters, the token buckets, the fault counters and storms started with
   * `startThrottleStorm`, and restarts the clock that `throttleStorms` windows count from (the seed stays).
   */
  reset(): void;
  /**
   * An outage: closes the listening socket and every open connection now (clients see ECONNREFUSED, requests
   * in flight ECONNRESET) and listens again on the same port after `durationMs`. Stored findings stay.
   * Resolves when the emulator is back.
   */
  outage(durationMs: number): Promise<void>;
  /** Throttle every Security Hub request for the next `durationMs` milliseconds. */
  startThrottleStorm(durationMs: number): void;
  /** Replace the fault options from now on (counters restart so the sequence is reproducible). */
  setFaults(faults: FaultOptions): void;
}
