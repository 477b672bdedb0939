import type Bottleneck from 'bottleneck';
import { IMPORT_BURST, IMPORT_CONCURRENCY, IMPORT_RATE_PER_SECOND } from '../asff/limits.js';
import { ConverterError } from '../errors.js';
import { clusterBucket, connectRedis } from './redis.js';

/** Where a shared (clustered) limiter keeps its state, so several processes share one request budget. */
export interface LimiterClusterOptions {
  /** Redis URL, e.g. `redis://localhost:6379/0`. */
  url: string;
  /** Limiters with the same id share one budget: use one per account and Region, e.g. `securityhub:123456789012:us-east-1`. */
  id: string;
}

/** Options of {@link createLimiter}. */
export interface LimiterOptions {
  /**
   * Sustained requests per second.
   * @defaultValue 10 (BatchImportFindings quota)
   */
  rate?: number;
  /**
   * Requests that may go at once after a quiet spell.
   * @defaultValue 30 (BatchImportFindings quota)
   */
  burst?: number;
  /**
   * Requests in flight at the same time.
   * @defaultValue 10
   */
  concurrency?: number;
  /**
   * How often the limiter adds tokens, in ms. Bottleneck checks its refill only on this heartbeat and
   * drops the rest of each interval, so it must be short against the refill interval.
   * @defaultValue 10
   */
  heartbeatMs?: number;
  /** Share the budget through Redis (Bottleneck clustering). */
  redis?: LimiterClusterOptions;
}

/** The request pacing the sink uses; a thin face over Bottleneck so tests and dry runs can swap it. */
export interface RequestLimiter {
  /** Runs `task` when the budget allows, at most `concurrency` at a time. */
  schedule<T>(task: () => Promise<T>): Promise<T>;
  /**
   * Empties the budget after the service answered 429: the server's bucket is empty, so ours is put in
   * phase with it and the next request waits for the next refill.
   */
  drain(): Promise<void>;
  /**
   * Sets the sustained rate of a shared (Redis) bucket to `rate` requests/s for every process using it (the
   * sink's adaptive pacing after throttling). Absent on local limiters: the sink paces those itself.
   */
  adapt?(rate: number): Promise<void>;
  /** Stops the heartbeat (and disconnects from Redis); pending tasks are rejected. */
  stop(): Promise<void>;
  /** The settings in force (for the report and tests). */
  readonly settings: LimiterSettings;
}

/** Bottleneck constructor options, plus `heartbeatInterval`, which Bottleneck reads but does not declare. */
export type LimiterSettings = Bottleneck.ConstructorOptions & { readonly heartbeatInterval?: number };

/** The refill step chosen for a rate: `amount` tokens every `intervalMs`. */
export interface RefillStep {
  amount: number;
  intervalMs: number;
}

/**
 * Picks the refill step: about two refills a second, each a whole number of tokens.
 * "+1 every 100 ms" would be exact in theory, but Bottleneck's local store refills only on its heartbeat
 * and restarts the interval at the heartbeat that refilled, so every refill loses up to one heartbeat
 * (measured: 8.2 req/s with the default heartbeat, 9.7 with a 10 ms one). With +5 every 500 ms the loss is
 * a few ms per 500 (measured ≈ 9.9 req/s whatever the heartbeat).
 */
export function refillStep(rate: number): RefillStep {
  const amount = Math.max(1, Math.round(rate / 2));
  return { amount, intervalMs: Math.round((1000 * amount) / rate) };
}

/** The Bottleneck options for these limiter options (pure; exported for tests and docs). */
export function limiterSettings(options: LimiterOptions = {}): LimiterSettings {
  const rate = options.rate ?? IMPORT_RATE_PER_SECOND;
  const burst = options.burst ?? IMPORT_BURST;
  const concurrency = options.concurrency ?? IMPORT_CONCURRENCY;
  for (const [name, value] of [
    ['rate', rate],
    ['burst', burst],
    ['concurrency', concurrency],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0)
      throw new ConverterError('E_CONFIG', `${name} must be a positive number, got ${value}`);
  }
  const step = refillStep(rate);
  const initial = Math.max(1, Math.floor(burst));
  const settings: LimiterSettings = {
    maxConcurrent: Math.max(1, Math.floor(concurrency)),
    reservoir: initial,
    reservoirIncreaseAmount: step.amount,
    reservoirIncreaseInterval: step.intervalMs,
    reservoirIncreaseMaximum: Math.max(initial, step.amount),
    heartbeatInterval: options.heartbeatMs ?? 10,
  };
  if (options.redis === undefined) return settings;
  if (options.redis.id.trim() === '')
    throw new ConverterError('E_CONFIG', 'a clustered limiter needs a non-empty id');
  // Lifecycle change: a shared bucket a little below the quota, refilled one token at a time, so that
  // several processes never get ahead of the service's bucket (see clusterBucket in redis.ts).
  const bucket = clusterBucket(rate, burst);
  return {
    ...settings,
    reservoir: bucket.reservoir,
    reservoirIncreaseAmount: bucket.amount,
    reservoirIncreaseInterval: bucket.intervalMs,
    reservoirIncreaseMaximum: bucket.reservoir,
    // Clustered, Bottleneck counts running jobs in Redis; a process killed mid-request never gives its
    // slots back, and the shared cap would then block every other process. The sink caps its own requests
    // in flight, so the cluster shares only the token bucket (lifecycle change, see docs/lifecycle.md).
    maxConcurrent: null,
    id: options.redis.id,
    datastore: 'ioredis',
    // The Redis store's default heartbeat is 5 s; its refill keeps the remainder of each interval, but a
    // slow heartbeat still delays every refill, so it is set explicitly (design.md, "Import sink rules").
    heartbeatInterval: options.heartbeatMs ?? 50,
    clearDatastore: false,
    timeout: 10 * 60_000,
  };
}

/**
 * Creates the request limiter: a Bottleneck token bucket of `burst` tokens refilled at `rate` per second,
 * at most `concurrency` jobs at a time. With `redis` it is a Bottleneck cluster (ioredis) so several
 * processes with the same `id` share one budget. Bottleneck and ioredis are loaded here, on first use.
 */
export async function createLimiter(options: LimiterOptions = {}): Promise<RequestLimiter> {
  const settings = limiterSettings(options);
  const { default: BottleneckClass } = await import('bottleneck');
  let connection: Bottleneck.IORedisConnection | undefined;
  if (options.redis !== undefined) {
    // connectRedis fails fast on a wrong URL; a bare `new Redis(url)` retries forever (lifecycle change).
    connection = new BottleneckClass.IORedisConnection({ client: await connectRedis(options.redis.url) });
  }
  const limiter = new BottleneckClass(connection === undefined ? settings : { ...settings, connection });
  // Bottleneck emits 'error' for store problems (Redis down); without a listener they would be lost.
  let storeError: unknown;
  limiter.on('error', (error: unknown) => {
    storeError = error;
  });
  if (connection !== undefined) {
    await limiter.ready();
    // Bottleneck writes the settings into Redis only when the cluster id is new (clearDatastore: false), so
    // a later process with other --rate/--burst would silently run with the first one's. This process's
    // refill settings take effect on the cluster (the tokens in the bucket stay; the new maximum caps refills).
    await limiter.updateSettings({
      reservoirIncreaseAmount: settings.reservoirIncreaseAmount,
      reservoirIncreaseInterval: settings.reservoirIncreaseInterval,
      reservoirIncreaseMaximum: settings.reservoirIncreaseMaximum,
    });
  }
  // Concurrent 429s each asked for a drain; one read-then-subtract at a time, or each would subtract the
  // same tokens and drive the reservoir negative (measured: several refills lost per throttled burst).
  let draining: Promise<void> = Promise.resolve();
  return {
    settings,
    schedule<T>(task: () => Promise<T>): Promise<T> {
      if (storeError !== undefined)
        return Promise.reject(
          new ConverterError('E_CONFIG', `rate limiter store failed: ${String(storeError)}`),
        );
      return limiter.schedule(task);
    },
    drain() {
      // Clustered: one atomic write in Redis (every process shares the bucket). Local: not
      // `updateSettings({reservoir: 0})`: in Bottleneck 2.19.5 that restarts the local heartbeat by clearing
      // it (`_startHeartbeat` clears an existing interval), so the reservoir would never refill.
      const run = draining.then(async () => {
        if (connection !== undefined) {
          await limiter.updateSettings({ reservoir: 0 });
          return;
        }
        const current = await limiter.currentReservoir();
        if (current !== null && current > 0) await limiter.incrementReservoir(-current);
      });
      draining = run.catch(() => {});
      return run;
    },
    ...(connection !== undefined
      ? {
          async adapt(rate: number) {
            const bucket = clusterBucket(rate, options.burst ?? IMPORT_BURST);
            await limiter.updateSettings({ reservoirIncreaseInterval: bucket.intervalMs });
          },
        }
      : {}),
    async stop() {
      await limiter.stop({ dropWaitingJobs: true });
      if (connection !== undefined) await connection.disconnect();
    },
  };
}

/** A limiter that runs everything at once (dry runs, and tests where pacing is not the point). */
export function unlimited(): RequestLimiter {
  return {
    settings: {},
    schedule: (task) => task(),
    drain: async () => {},
    stop: async () => {},
  };
}
