import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateAsff } from '../asff/validate.js';
import { type Caller, parseAuthorization, resolveCaller } from './auth.js';
import { batchImportFindings } from './batch-import.js';
import { batchUpdateFindings } from './batch-update.js';
import { isJsonObject, type JsonObject, type OperationContext } from './context.js';
import { FaultInjector } from './faults.js';
import { getFindings } from './get-findings.js';
import { DEFAULT_RATES } from './rates.js';
import { RequestLog } from './request-log.js';
import { ServiceError } from './service-error.js';
import { FindingStore } from './store.js';
import { answerSts } from './sts.js';
import { TokenBucket } from './token-bucket.js';
import type {
  AccessKeyRule,
  EmulatorOperation,
  EmulatorOptions,
  EmulatorViolation,
  FaultOptions,
  FindingValidator,
  RateLimit,
  RequestRecord,
} from './types.js';
import { sendJson, sendJsonError } from './wire.js';

/**
 * `validateAsff`, minus reserved-key complaints about the `aws/securityhub/*` ProductFields Security Hub adds
 * itself: a finding read back with GetFindings and re-imported (to archive it) carries them.
 */
function validateStoredShape(finding: unknown): readonly EmulatorViolation[] {
  return validateAsff(finding).filter(
    (v) => !(v.rule === 'reserved-key' && v.path.includes('aws/securityhub/')),
  );
}

type SecurityHubOperation = keyof typeof DEFAULT_RATES;

const HANDLERS: Record<SecurityHubOperation, (ctx: OperationContext, body: JsonObject) => unknown> = {
  BatchImportFindings: batchImportFindings,
  GetFindings: getFindings,
  BatchUpdateFindings: batchUpdateFindings,
};

const ACTION = {
  BatchImportFindings: 'BatchImportFindings',
  GetFindings: 'GetFindings',
  BatchUpdateFindings: 'BatchUpdateFindings',
} as const;

function route(method: string | undefined, pathname: string): EmulatorOperation {
  if (method === 'POST' && pathname === '/findings/import') return 'BatchImportFindings';
  if (method === 'POST' && pathname === '/findings') return 'GetFindings';
  if (method === 'PATCH' && pathname === '/findings/batchupdate') return 'BatchUpdateFindings';
  if (method === 'POST' && pathname === '/') return 'GetCallerIdentity';
  return 'Unknown';
}

/** The request handler and all emulator state behind one `http.Server`. */
export class EmulatorCore {
  readonly store = new FindingStore();
  readonly log: RequestLog;
  faults: FaultInjector;
  private faultOptions: FaultOptions;
  private buckets = new Map<string, TokenBucket>();
  private startedAt: number;
  private readonly accountId: string;
  private readonly region: string;
  private readonly accessKeys: Readonly<Record<string, string | AccessKeyRule>>;
  private readonly rejectUnknownAccessKeys: boolean;
  private readonly disabledAccounts: ReadonlySet<string>;
  private readonly enabledProductArns: ReadonlySet<string>;
  private readonly disabledHubAnswer: 'exception' | 'failed-findings';
  private readonly getFindingsTokens: 'cursor' | 'offset';
  private readonly rates: Partial<Record<SecurityHubOperation, RateLimit>>;
  private readonly validate: FindingValidator;
  private readonly maxFindingBytes: number;
  private readonly maxRequestBytes: number;
  private readonly now: () => Date;
  private readonly clock: () => number;
  private readonly onRequest: ((record: RequestRecord) => void) | undefined;

  constructor(options: EmulatorOptions) {
    this.log = new RequestLog(options.requestLogLimit ?? 100_000);
    this.accountId = options.accountId ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
    this.accessKeys = options.accessKeys ?? {};
    this.rejectUnknownAccessKeys = options.rejectUnknownAccessKeys ?? false;
    this.disabledAccounts = new Set(options.disabledAccounts ?? []);
    this.enabledProductArns = new Set(options.enabledProductArns ?? []);
    this.disabledHubAnswer = options.disabledHubAnswer ?? 'exception';
    this.getFindingsTokens = options.getFindingsTokens ?? 'cursor';
    this.rates = resolveRates(options.throttling);
    this.validate = options.validate ?? validateStoredShape;
    this.maxFindingBytes = options.maxFindingBytes ?? 240_000;
    this.maxRequestBytes = options.maxRequestBytes ?? 6_000_000;
    this.now = options.now ?? (() => new Date());
    this.clock = options.clock ?? (() => performance.now());
    this.onRequest = options.onRequest;
    this.faultOptions = options.faults ?? {};
    this.faults = new FaultInjector(this.faultOptions);
    this.startedAt = this.clock();
  }

  /** Milliseconds since start (or the last reset) on the monotonic clock. */
  elapsed(): number {
    return this.clock() - this.startedAt;
  }

  setFaults(options: FaultOptions): void {
    this.faultOptions = options;
    this.faults = new FaultInjector(options);
  }

  reset(): void {
    this.store.clear();
    this.log.clear();
    this.buckets.clear();
    this.faults = new FaultInjector(this.faultOptions);
    this.startedAt = this.clock();
  }

  /** Handles one HTTP request end to end. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const operation = route(req.method, new URL(req.url ?? '/', 'http://x').pathname);
    const record = this.log.add({
      time: this.now().getTime(),
      elapsedMs: this.elapsed(),
      operation,
      status: 0,
      findingCount: 0,
    });
    const onRequest = this.onRequest;
    if (onRequest !== undefined) res.once('close', () => onRequest({ ...record }));
    readBody(req, this.maxRequestBytes).then(
      (body) => this.dispatch(req, res, operation, body, record),
      () => {
        record.status = 0;
      },
    );
  }

  private dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    operation: EmulatorOperation,
    body: Buffer | undefined,
    record: RequestRecord,
  ): void {
    const scope = parseAuthorization(req.headers.authorization);
    const region = scope?.region ?? this.region;
    const caller = resolveCaller(scope, {
      accountId: this.accountId,
      accessKeys: this.accessKeys,
      rejectUnknownAccessKeys: this.rejectUnknownAccessKeys,
    });
    if (caller.kind === 'known') record.accountId = caller.accountId;
    record.region = region;

    if (operation === 'GetCallerIdentity') {
      const form = new URLSearchParams(body?.toString('utf8') ?? '');
      record.status = answerSts(res, form, caller, region);
      return;
    }
    const fail = (error: ServiceError): void => {
      record.status = error.status;
      record.errorCode = error.name;
      sendJsonError(res, error.status, error.name, error.message);
    };
    if (operation === 'Unknown') {
      record.status = 404;
      record.errorCode = 'UnknownOperationException';
      sendJsonError(res, 404, 'UnknownOperationException', `No operation at ${req.method} ${req.url}`);
      return;
    }
    if (body === undefined) {
      fail(
        new ServiceError(
          'RequestEntityTooLargeException',
          `Request body is larger than the maximum of 6 MB (${this.maxRequestBytes} bytes)`,
        ),
      );
      return;
    }
    let input: JsonObject;
    try {
      const parsed: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      if (!isJsonObject(parsed)) throw new Error('not an object');
      input = parsed;
    } catch {
      fail(new ServiceError('InvalidInputException', 'Request body is not a JSON object'));
      return;
    }
    const items = operation === 'BatchUpdateFindings' ? input.FindingIdentifiers : input.Findings;
    if (operation !== 'GetFindings' && Array.isArray(items)) record.findingCount = items.length;

    try {
      const accountId = this.authorize(caller, operation);
      record.accountId = accountId;
      this.throttle(operation, accountId, region, record);
      const fault = this.faults.requestFault(operation);
      if (fault === 'reset') {
        record.fault = 'reset';
        this.log.countFault('reset');
        req.socket.destroy();
        return;
      }
      if (fault === 'server-error') {
        record.fault = 'server-error';
        this.log.countFault('server-error');
        throw new ServiceError('InternalException', 'Internal service error (injected by the emulator)');
      }
      const ctx: OperationContext = {
        accountId,
        region,
        now: this.now(),
        store: this.store,
        log: this.log,
        faults: this.faults,
        validate: this.validate,
        maxFindingBytes: this.maxFindingBytes,
        enabledProductArns: this.enabledProductArns,
        hubEnabled: !this.disabledAccounts.has(accountId),
        getFindingsTokens: this.getFindingsTokens,
      };
      const output = HANDLERS[operation](ctx, input);
      if (operation === 'BatchImportFindings') {
        record.failedCount = (output as { FailedCount?: number }).FailedCount ?? 0;
      }
      if (fault === 'lost-response') {
        record.fault = 'lost-response';
        this.log.countFault('lost-response');
        req.socket.destroy();
        return;
      }
      record.status = 200;
      sendJson(res, output);
    } catch (error) {
      if (error instanceof ServiceError) fail(error);
      else fail(new ServiceError('InternalException', 'Internal service error'));
    }
  }

  private authorize(caller: Caller, operation: SecurityHubOperation): string {
    if (caller.kind === 'anonymous') {
      throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    if (caller.kind === 'unknown') {
      throw new ServiceError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    }
    if (caller.denied.has(operation)) {
      throw new ServiceError(
        'AccessDeniedException',
        `User: arn:aws:iam::${caller.accountId}:user/asff-stream-emulator is not authorized to perform: ` +
          `securityhub:${ACTION[operation]} because no identity-based policy allows the ${ACTION[operation]} action`,
      );
    }
    if (this.disabledAccounts.has(caller.accountId)) {
      // The documented answer of BatchImportFindings: every finding in FailedFindings (see batch-import.ts).
      if (operation === 'BatchImportFindings' && this.disabledHubAnswer === 'failed-findings')
        return caller.accountId;
      throw new ServiceError(
        'InvalidAccessException',
        `Account ${caller.accountId} is not subscribed to AWS Security Hub`,
      );
    }
    return caller.accountId;
  }

  private throttle(
    operation: SecurityHubOperation,
    accountId: string,
    region: string,
    record: RequestRecord,
  ): void {
    const elapsed = this.elapsed();
    if (this.faults.inStorm(operation, elapsed)) {
      record.fault = 'throttle-storm';
      this.log.countFault('throttle-storm');
      throw new ServiceError(
        'LimitExceededException',
        'Rate exceeded (throttling storm injected by the emulator)',
      );
    }
    const rate = this.rates[operation];
    if (rate === undefined) return;
    const key = `${operation}\u0000${accountId}\u0000${region}`;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(rate.ratePerSecond, rate.burst, elapsed);
      this.buckets.set(key, bucket);
    }
    if (!bucket.take(elapsed)) {
      throw new ServiceError(
        'LimitExceededException',
        `Rate exceeded: ${operation} allows ${rate.ratePerSecond} requests per second with a burst of ${rate.burst}`,
      );
    }
  }
}

function resolveRates(
  throttling: EmulatorOptions['throttling'],
): Partial<Record<SecurityHubOperation, RateLimit>> {
  if (throttling === false) return {};
  const pick = (value: RateLimit | false | undefined, fallback: RateLimit): RateLimit | undefined =>
    value === false ? undefined : (value ?? fallback);
  const out: Partial<Record<SecurityHubOperation, RateLimit>> = {};
  const entries = [
    ['BatchImportFindings', pick(throttling?.import, DEFAULT_RATES.BatchImportFindings)],
    ['GetFindings', pick(throttling?.getFindings, DEFAULT_RATES.GetFindings)],
    ['BatchUpdateFindings', pick(throttling?.batchUpdate, DEFAULT_RATES.BatchUpdateFindings)],
  ] as const;
  for (const [operation, rate] of entries) if (rate !== undefined) out[operation] = rate;
  return out;
}

/**
 * Reads the body; stops keeping bytes past `limit` (but keeps draining, so the answer reaches the client)
 * and then resolves `undefined`.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
