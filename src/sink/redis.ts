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
    client.disconnect();
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
