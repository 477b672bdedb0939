import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { ConverterError } from '../../src/errors.js';
import { importFindings } from '../../src/sink/import.js';
import { createLimiter, limiterSettings, type RequestLimiter } from '../../src/sink/limiter.js';
import {
  clusterBucket,
  connectRedis,
  limiterClusterId,
  redactRedisUrl,
  resolveRedisUrl,
} from '../../src/sink/redis.js';
import { findings } from '../helpers/fake-security-hub.js';
import { freePort, HAS_REDIS, NO_REDIS_REASON, startRedis, type TestRedis } from '../helpers/redis.js';

describe('Redis settings', () => {
  it.each([
    [
      'flag wins over the environment',
      'redis://flag:6379',
      { ASFF_STREAM_REDIS_URL: 'redis://env:1' },
      'redis://flag:6379',
    ],
    [
      'environment when no flag',
      undefined,
      { ASFF_STREAM_REDIS_URL: ' rediss://env:6380/2 ' },
      'rediss://env:6380/2',
    ],
    ['nothing → no clustering', undefined, {}, undefined],
    ['empty environment value → no clustering', undefined, { ASFF_STREAM_REDIS_URL: '' }, undefined],
  ])('resolveRedisUrl: %s', (_, flag, env, expected) => {
    expect(resolveRedisUrl(flag, env)).toBe(expected);
  });

  it.each([['http://localhost:6379'], ['localhost:6379'], ['not a url']])(
    'resolveRedisUrl refuses %s with E_CONFIG',
    (value) => {
      expect(() => resolveRedisUrl(value, {})).toThrow(ConverterError);
    },
  );

  it('never repeats a password in its messages', () => {
    expect(() => resolveRedisUrl('http://user:s3cret@host:1', {})).toThrow(
      'must be a redis:// or rediss:// URL, got http://user:***@host:1',
    );
    expect(redactRedisUrl('redis://:s3cret@host:6379/0')).toBe('redis://:***@host:6379/0');
    expect(redactRedisUrl('redis://host:6379')).toBe('redis://host:6379');
  });

  it('keys the shared budget by account, Region and operation', () => {
    expect(limiterClusterId('123456789012', 'eu-west-1', 'BatchImportFindings')).toBe(
      'asff-stream:securityhub:123456789012:eu-west-1:BatchImportFindings',
    );
    expect(limiterClusterId('123456789012', 'eu-west-1', 'GetFindings')).not.toBe(
      limiterClusterId('123456789012', 'eu-west-1', 'BatchImportFindings'),
    );
  });

  it('clustered settings: explicit short heartbeat, no shared concurrency cap, +1 every 100 ms up to 25', () => {
    const settings = limiterSettings({ redis: { url: 'redis://x', id: 'id' } });
    expect(settings).toMatchObject({
      datastore: 'ioredis',
      id: 'id',
      clearDatastore: false,
      heartbeatInterval: 50,
      maxConcurrent: null,
      reservoir: 25,
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: 100,
      reservoirIncreaseMaximum: 25,
    });
  });

  it.each([
    ['BatchImportFindings 10/s burst 30', 10, 30, { reservoir: 25, amount: 1, intervalMs: 100 }],
    ['GetFindings 3/s burst 6', 3, 6, { reservoir: 3, amount: 1, intervalMs: 334 }],
    ['a tiny burst still lets one request through', 10, 1, { reservoir: 1, amount: 1, intervalMs: 100 }],
  ])('clusterBucket: %s', (_, rate, burst, expected) => {
    const bucket = clusterBucket(rate, burst);
    expect(bucket).toEqual(expected);
    // Never faster than the quota.
    expect((1000 * bucket.amount) / bucket.intervalMs).toBeLessThanOrEqual(rate);
  });
});

describe.skipIf(!HAS_REDIS)(
  `clustered limiter on a real redis-server${HAS_REDIS ? '' : ` (skipped: ${NO_REDIS_REASON})`}`,
  () => {
    let redis: TestRedis;
    let admin: Redis;
    beforeAll(async () => {
      redis = await startRedis();
      admin = new Redis(redis.url);
    });
    afterAll(async () => {
      admin?.disconnect();
      await redis?.stop();
    });

    it('fails fast with E_CONFIG (password redacted) when Redis cannot be reached', async () => {
      const closed = `redis://:hunter2@127.0.0.1:${await freePort()}`;
      const error = await connectRedis(closed).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConverterError);
      expect(error).toMatchObject({ code: 'E_CONFIG' });
      expect((error as Error).message).toMatch(
        /^cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
      );
      expect((error as Error).message).not.toContain('hunter2');
      await expect(createLimiter({ redis: { url: closed, id: 'x' } })).rejects.toMatchObject({
        code: 'E_CONFIG',
      });
    });

    it('two limiters with one id share one token bucket; another id has its own', async () => {
      const id = 'test:shared';
      // rate 0.5/s: +1 token every 2 s, so nothing refills while the test runs; burst 12 → a shared 10.
      const options = { rate: 0.5, burst: 12, redis: { url: redis.url, id } };
      const a = await createLimiter(options);
      const b = await createLimiter(options);
      const other = await createLimiter({ ...options, redis: { url: redis.url, id: 'test:other' } });
      const limiters: RequestLimiter[] = [a, b, other];
      try {
        const ran: string[] = [];
        const job = (name: string) => async () => {
          ran.push(name);
        };
        await Promise.all([
          ...Array.from({ length: 6 }, () => a.schedule(job('a'))),
          ...Array.from({ length: 4 }, () => b.schedule(job('b'))),
        ]);
        expect(await admin.hget(`b_${id}_settings`, 'reservoir')).toBe('0');

        // The shared bucket is empty: b's next job waits for a refill, while the other id still has 10.
        const late = b.schedule(job('b-late'));
        await Promise.all(Array.from({ length: 10 }, () => other.schedule(job('other'))));
        expect(ran.filter((name) => name === 'other')).toHaveLength(10);
        expect(ran).not.toContain('b-late');
        late.catch(() => {});
      } finally {
        for (const limiter of limiters) await limiter.stop();
      }
    });

    it('drain() empties the shared bucket for every process (after a 429 the server’s bucket is empty)', async () => {
      const id = 'test:drain';
      const a = await createLimiter({ rate: 0.5, burst: 12, redis: { url: redis.url, id } });
      try {
        await a.drain();
        expect(await admin.hget(`b_${id}_settings`, 'reservoir')).toBe('0');
      } finally {
        await a.stop();
      }
    });

    it('a later process’s --rate and --burst take effect on the shared bucket', async () => {
      const id = 'test:settings';
      const first = await createLimiter({ rate: 10, burst: 30, redis: { url: redis.url, id } });
      const second = await createLimiter({ rate: 2, burst: 6, redis: { url: redis.url, id } });
      try {
        expect(await admin.hget(`b_${id}_settings`, 'reservoirIncreaseInterval')).toBe('500');
        expect(await admin.hget(`b_${id}_settings`, 'reservoirIncreaseMaximum')).toBe(
          String(clusterBucket(2, 6).reservoir),
        );
      } finally {
        await first.stop();
        await second.stop();
      }
    });

    it('adapt() sets the refill of the shared bucket for every process', async () => {
      const id = 'test:adapt';
      const a = await createLimiter({ rate: 10, burst: 30, redis: { url: redis.url, id } });
      try {
        await a.adapt?.(2.5);
        expect(await admin.hget(`b_${id}_settings`, 'reservoirIncreaseInterval')).toBe('400');
      } finally {
        await a.stop();
      }
    });

    it('the sink slows the shared bucket down when a 1 req/s quota throttles it (emulator)', async () => {
      const id = 'test:sink-adapts';
      const hub = await startEmulator({ throttling: { import: { ratePerSecond: 1, burst: 1 } } });
      const limiter = await createLimiter({ redis: { url: redis.url, id } });
      try {
        const report = await importFindings(findings(300), {
          limiter,
          accountId: '123456789012',
          region: 'us-east-1',
          endpoint: hub.url,
          credentials: { accessKeyId: 'AKIDREDIS', secretAccessKey: 'x' },
        });
        expect(report).toMatchObject({ imported: 300, failed: 0 });
        expect(report.throttled).toBeGreaterThan(0);
        // 100 ms at 10/s; the adapted rate reached the cluster's settings.
        expect(Number(await admin.hget(`b_${id}_settings`, 'reservoirIncreaseInterval'))).toBeGreaterThan(
          100,
        );
      } finally {
        await limiter.stop();
        await hub.stop();
      }
    });

    it('stop() closes both Redis connections', async () => {
      const before = Number(/connected_clients:(\d+)/.exec(await admin.info('clients'))?.[1]);
      const limiter = await createLimiter({ redis: { url: redis.url, id: 'test:stop' } });
      const during = Number(/connected_clients:(\d+)/.exec(await admin.info('clients'))?.[1]);
      await limiter.stop();
      let after = during;
      for (let i = 0; i < 50 && after !== before; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        after = Number(/connected_clients:(\d+)/.exec(await admin.info('clients'))?.[1]);
      }
      expect(during).toBe(before + 2);
      expect(after).toBe(before);
    });
  },
);
