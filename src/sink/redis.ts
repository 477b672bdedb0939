import type { Redis as RedisClient } from 'ioredis';
import { ConverterError } from '../errors.js';

/** The environment variable read when `--redis` is not given. */
export const REDIS_URL_ENV = 'ASFF_STREAM_REDIS_URL';

/** The Security Hub operations that have their own quota, hence their own shared bucket. */
export type LimitedOperation = 'BatchImportFindings' | 'GetFindings';

/**
 * The Redis URL to use: the flag, else `ASFF_STREAM_REDIS_URL`, else `undefined` (no clustering).
 * Throws `E_CONFIG` for a URL that is not `redis://` or `rediss://`.
 */
export function resolveRedisUrl(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const value = (flag ?? env[REDIS_URL_ENV] ?? '').trim();
  if (value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConverterError('E_CONFIG', `--redis "${redactRedisUrl(value)}" is not a URL`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new ConverterError(
      'E_CONFIG',
      `--redis must be a redis:// or rediss:// URL, got ${redactRedisUrl(value)}`,
    );
  return value;
}

/** The URL with any password replaced by `***`, for messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)([^@/]*)@/i, (_, scheme: string, userInfo: string) => {
    const user = userInfo.includes(':') ? userInfo.slice(0, userInfo.indexOf(':')) : '';
    return `${scheme}${user}:***@`;
  });
}

/**
 * The Bottleneck cluster id for one quota: limiters with the same id share one budget, so it names the
 * account, the Region and the operation (each operation has its own quota in Security Hub, asff-facts §0).
 */
export function limiterClusterId(accountId: string, region: string, operation: LimitedOperation): string {
  return `asff-stream:securityhub:${accountId}:${region}:${operation}`;
}

/** Options of {@link connectRedis}. */
export interface ConnectRedisOptions {
  /**
   * How long to wait for the first connection, in ms.
   * @defaultValue 5000
   */
  connectTimeoutMs?: number;
}

/**
 * Opens an ioredis client and waits until it is ready. ioredis retries a refused connection forever by
 * default, and Bottleneck's `ready()` would then wait forever (measured: a wrong port hangs the run with
 * no message), so the first connection gets a deadline and later reconnects a bounded retry budget
 * (about 10 s), after which commands fail instead of queueing without end.
 * Throws `E_CONFIG` naming the URL (password redacted) when Redis cannot be reached.
 */
export async function connectRedis(url: string, options: ConnectRedisOptions = {}): Promise<RedisClient> {
  const { Redis } = await import('ioredis');
  const timeoutMs = options.connectTimeoutMs ?? 5_000;
  let connected = false;
  const client = new Redis(url, {
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 3,
    // No retry before the first connection (a wrong URL fails at once); then ~10 s of reconnects.
    retryStrategy: (times: number) => (!connected || times > 20 ? null : Math.min(50 * times, 500)),
  });
  client.once('ready', () => {
    connected = true;
  });
  let lastError: unknown;
  const onError = (error: unknown) => {
    lastError = error;
  };
  client.on('error', onError);
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = () => reject(new Error(describe(lastError)));
      const timer = setTimeout(fail, timeoutMs);
      client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
      client.once('end', () => {
        clearTimeout(timer);
        fail();
      });
    });
  } catch (error) {
    // After 'end' the socket is closed; disconnect() would arm ioredis's 2 s disconnect timer for nothing
    // and keep the process alive that long.
    if (client.status !== 'end') client.disconnect();
    throw new ConverterError(
      'E_CONFIG',
      `cannot connect to Redis at ${redactRedisUrl(url)} (${(error as Error).message}): check --redis / ${REDIS_URL_ENV} and that redis-server is running`,
    );
  } finally {
    client.off('error', onError);
  }
  return client;
}

function describe(error: unknown): string {
  if (error === undefined) return 'no answer';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : String((error as Error).message ?? error);
}

/** A token bucket for Bottleneck's Redis store: start/maximum `reservoir`, `amount` every `intervalMs`. */
export interface ClusterBucket {
  reservoir: number;
  amount: number;
  intervalMs: number;
}

/**
 * How far the moment Security Hub counts a request may lag behind the moment the shared bucket granted
 * it, beyond the lag of the requests around it, in seconds: event-loop delays in the sending process,
 * connection setup, the network, and the service's own queueing. Requests granted apart can be counted
 * together. Chosen from measurements (docs/lifecycle.md): with 0.1 s, four processes on a loaded machine
 * still met a 429 in one run of three; with 0.4 s, none in eleven.
 */
const ARRIVAL_JITTER_S = 0.4;

/**
 * The shared bucket for a quota of `rate` requests/s with a burst of `burst`, such that the service's
 * continuously refilled bucket never runs dry before ours does.
 *
 * Ours refills in steps of `amount` tokens; the service refills continuously. Right after both are empty,
 * our next step grants `amount` requests at once while the service has earned almost nothing, so a bucket
 * with the service's own numbers (+5 every 500 ms, burst 30) is ahead of the service by up to one step
 * (measured: four processes, 80 requests, 1–3 429s in every run). In any window holding n of our steps we
 * grant at most `reservoir + n × amount`, and the window lasts at least `(n − 1) × amount / rate` minus the
 * arrival jitter, in which the service allows `burst + rate × length`; so no 429 happens when
 * `reservoir + amount + rate × jitter ≤ burst`. With steps of one token (Redis keeps the rest of each
 * interval, unlike Bottleneck's local store) that is 25 of 30 for BatchImportFindings and 3 of 6 for
 * GetFindings. The sustained rate is unchanged (the interval is rounded up, never faster); only the first
 * burst after a quiet spell is smaller (about 0.5 s of work for imports).
 */
export function clusterBucket(rate: number, burst: number): ClusterBucket {
  const amount = 1;
  return {
    reservoir: Math.max(1, Math.floor(burst - amount - rate * ARRIVAL_JITTER_S)),
    amount,
    intervalMs: Math.ceil((1000 * amount) / rate),
  };
}
