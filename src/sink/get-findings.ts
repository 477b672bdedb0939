import type {
  AwsSecurityFinding,
  AwsSecurityFindingFilters,
  GetFindingsCommand,
  GetFindingsResponse,
} from '@aws-sdk/client-securityhub';
import { GET_FINDINGS_BURST, GET_FINDINGS_RATE_PER_SECOND } from '../asff/limits.js';
import { ConverterError } from '../errors.js';
import { createLimiter, type LimiterClusterOptions, type RequestLimiter } from './limiter.js';
import { classifyRequestError, errorCodeOf, redactSecrets, retryDelay } from './retry.js';

/**
 * The part of `SecurityHubClient` the scoped fetch uses; it receives a `GetFindingsCommand`. A real
 * `SecurityHubClient` fits (create it with `maxAttempts: 1`, so every attempt goes through the limiter).
 */
export interface GetFindingsClient {
  /** Sends one GetFindings request (one page); called once per attempt, the fetch paces and retries itself. */
  send(command: GetFindingsCommand, options?: { abortSignal?: AbortSignal }): Promise<GetFindingsResponse>;
}

/** Counters of the GetFindings requests of one fetch (shared by the pages of one call). */
export interface FetchCounters {
  /** GetFindings requests sent, every attempt included. */
  requests: number;
  /** Requests answered with throttling (retried, never a failure). */
  throttled: number;
  /** Requests retried after a 5xx, a timeout or a dropped connection. */
  retries: number;
}

/** Retry settings of GetFindings requests. */
export interface FetchRetryOptions {
  /**
   * Retries of one page after 5xx, timeouts and dropped connections.
   * @defaultValue 6
   */
  maxRetries?: number;
  /**
   * Throttled answers one page may get before the fetch gives up.
   * @defaultValue 50
   */
  maxThrottles?: number;
  /**
   * Backoff scale in ms (full jitter, as in the sink).
   * @defaultValue 200
   */
  retryBaseMs?: number;
  /**
   * Longest backoff in ms.
   * @defaultValue 20000
   */
  retryCapMs?: number;
}

/** Options of {@link pageFindings}. */
export interface PageFindingsOptions extends FetchRetryOptions {
  client: GetFindingsClient;
  filters: AwsSecurityFindingFilters;
  /** Paces the requests; make it with {@link createGetFindingsLimiter} (3 req/s, burst 6). */
  limiter: RequestLimiter;
  signal?: AbortSignal;
  /**
   * Findings per page (GetFindings `MaxResults`, 1–100).
   * @defaultValue 100
   */
  pageSize?: number;
  /** Counted into; pass one object to several calls to total them. */
  counters?: FetchCounters;
}

/** A fresh set of {@link FetchCounters}. */
export function fetchCounters(): FetchCounters {
  return { requests: 0, throttled: 0, retries: 0 };
}

/**
 * The limiter for GetFindings: its own quota (3 requests/s, burst 6, asff-facts §0), one request at a
 * time (pages are sequential anyway: each needs the previous page's NextToken). With `redis` the budget
 * is shared by every process using the same id (see `limiterClusterId`).
 */
export function createGetFindingsLimiter(
  options: { redis?: LimiterClusterOptions; rate?: number; burst?: number } = {},
): Promise<RequestLimiter> {
  return createLimiter({
    rate: options.rate ?? GET_FINDINGS_RATE_PER_SECOND,
    burst: options.burst ?? GET_FINDINGS_BURST,
    concurrency: 1,
    ...(options.redis !== undefined ? { redis: options.redis } : {}),
  });
}

/**
 * Pages through GetFindings with these filters (NextToken pagination, `MaxResults` 100), yielding one page
 * at a time, so memory holds one page. Every request goes through `limiter`; a throttled answer empties
 * the limiter's budget and is retried after a backoff; 5xx, timeouts and resets are retried up to
 * `maxRetries`. Throws `ConverterError` `E_AWS_ACCESS` for access problems and for a page that keeps
 * failing, `E_ABORTED` when `signal` aborts.
 */
export async function* pageFindings(options: PageFindingsOptions): AsyncGenerator<AwsSecurityFinding[]> {
  const { GetFindingsCommand } = await import('@aws-sdk/client-securityhub');
  const counters = options.counters ?? fetchCounters();
  const pageSize = options.pageSize ?? 100;
  let nextToken: string | undefined;
  do {
    const input = {
      Filters: options.filters,
      MaxResults: pageSize,
      ...(nextToken !== undefined ? { NextToken: nextToken } : {}),
    };
    const page = await sendWithRetry(options, counters, () => new GetFindingsCommand(input));
    nextToken = page.NextToken === '' ? undefined : page.NextToken;
    const findings = page.Findings ?? [];
    if (findings.length > 0) yield findings;
  } while (nextToken !== undefined);
}

async function sendWithRetry(
  options: PageFindingsOptions,
  counters: FetchCounters,
  command: () => GetFindingsCommand,
): Promise<GetFindingsResponse> {
  const maxRetries = options.maxRetries ?? 6;
  const maxThrottles = options.maxThrottles ?? 50;
  const backoff = { baseMs: options.retryBaseMs ?? 200, capMs: options.retryCapMs ?? 20_000 };
  let retries = 0;
  let throttles = 0;
  for (;;) {
    throwIfAborted(options.signal);
    try {
      return await options.limiter.schedule(() => {
        throwIfAborted(options.signal);
        counters.requests += 1;
        return options.client.send(command(), {
          ...(options.signal !== undefined ? { abortSignal: options.signal } : {}),
        });
      });
    } catch (error) {
      if (error instanceof ConverterError) throw error;
      const code = errorCodeOf(error);
      const message = redactSecrets(error instanceof Error ? error.message : String(error));
      switch (classifyRequestError(error)) {
        case 'aborted':
          throw new ConverterError('E_ABORTED', 'interrupted while reading findings from Security Hub');
        case 'access':
          throw new ConverterError(
            'E_AWS_ACCESS',
            `${code}: ${message.split('\n')[0]} ${GET_FINDINGS_HINT}`,
            {
              cause: error,
            },
          );
        case 'invalid-input':
          throw new ConverterError('E_CONFIG', `GetFindings refused the query: ${code}: ${message}`, {
            cause: error,
          });
        case 'throttled':
          counters.throttled += 1;
          throttles += 1;
          if (throttles > maxThrottles)
            throw new ConverterError(
              'E_AWS_ACCESS',
              `GetFindings still throttled after ${throttles} attempts (${code}): another client is using the account's GetFindings quota`,
              { cause: error },
            );
          // The service's bucket is empty: empty ours too, then wait (asff-facts §1.3).
          await options.limiter.drain().catch(() => {});
          await sleep(retryDelay(throttles - 1, backoff), options.signal);
          break;
        default:
          retries += 1;
          counters.retries += 1;
          if (retries > maxRetries)
            throw new ConverterError(
              'E_AWS_ACCESS',
              `GetFindings failed ${retries} times (${code}: ${message.split('\n')[0]}); check --endpoint-url, --region, the proxy settings (HTTPS_PROXY, NO_PROXY) and the network`,
              { cause: error },
            );
          await sleep(retryDelay(retries - 1, backoff), options.signal);
      }
    }
  }
}

const GET_FINDINGS_HINT =
  'Reading existing findings (history and --archive-missing) needs securityhub:GetFindings on the account; grant it, or run without --archive-missing.';

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true)
    throw new ConverterError('E_ABORTED', 'interrupted while reading findings from Security Hub');
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted === true) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
