import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLimiter, limiterSettings, type RequestLimiter, refillStep } from '../../src/sink/limiter.js';

describe('refillStep', () => {
  it.each([
    [10, 5, 500],
    [200, 100, 500],
    [1, 1, 1000],
    [3, 2, 667],
    [0.5, 1, 2000],
  ])('rate %f/s refills %i every %i ms', (rate, amount, intervalMs) => {
    expect(refillStep(rate)).toEqual({ amount, intervalMs });
  });
});

describe('limiterSettings', () => {
  it('defaults to the BatchImportFindings quota: 30 at once, +5 every 500 ms, 10 in flight, 10 ms heartbeat', () => {
    expect(limiterSettings()).toEqual({
      maxConcurrent: 10,
      reservoir: 30,
      reservoirIncreaseAmount: 5,
      reservoirIncreaseInterval: 500,
      reservoirIncreaseMaximum: 30,
      heartbeatInterval: 10,
    });
  });

  it('follows rate, burst and concurrency', () => {
    expect(limiterSettings({ rate: 200, burst: 200, concurrency: 4 })).toMatchObject({
      maxConcurrent: 4,
      reservoir: 200,
      reservoirIncreaseAmount: 100,
      reservoirIncreaseInterval: 500,
      reservoirIncreaseMaximum: 200,
    });
  });

  it('configures a Redis cluster with an explicit heartbeat and the shared id', () => {
    expect(
      limiterSettings({ redis: { url: 'redis://localhost:6379', id: 'securityhub:123456789012:us-east-1' } }),
    ).toMatchObject({
      datastore: 'ioredis',
      id: 'securityhub:123456789012:us-east-1',
      heartbeatInterval: 50,
      clearDatastore: false,
    });
  });

  it.each([
    [{ rate: 0 }, /rate must be a positive number/],
    [{ burst: -1 }, /burst must be a positive number/],
    [{ concurrency: Number.NaN }, /concurrency must be a positive number/],
    [{ redis: { url: 'redis://x', id: ' ' } }, /non-empty id/],
  ])('refuses %o with E_CONFIG', (options, message) => {
    expect(() => limiterSettings(options)).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', message: expect.stringMatching(message) }),
    );
  });
});

describe('createLimiter (fake clock)', () => {
  let limiter: RequestLimiter | undefined;
  afterEach(async () => {
    // Bottleneck waits on setTimeout(0) inside every call: stop it on the real clock.
    vi.useRealTimers();
    await limiter?.stop();
    limiter = undefined;
  });

  function startJobs(l: RequestLimiter, count: number) {
    const started: number[] = [];
    for (let i = 0; i < count; i++)
      void l
        .schedule(async () => {
          started.push(Date.now());
        })
        .catch(() => {});
    return started;
  }

  it('lets the burst go at once, then 5 more every 500 ms', async () => {
    vi.useFakeTimers();
    limiter = await createLimiter({ rate: 10, burst: 30, concurrency: 100 });
    const started = startJobs(limiter, 50);
    await vi.advanceTimersByTimeAsync(250);
    expect(started).toHaveLength(30);
    await vi.advanceTimersByTimeAsync(500);
    expect(started).toHaveLength(35);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toHaveLength(45);
    // 5 per 500 ms is 10/s: the 15 jobs after the burst started 500 ms apart in groups of 5.
    const groups = [...new Set(started.slice(30).map((t) => Math.round((t - started[0]!) / 100) * 100))];
    expect(groups).toHaveLength(3);
    expect(groups[1]! - groups[0]!).toBeGreaterThanOrEqual(500);
  });

  it('never runs more than concurrency jobs at a time', async () => {
    vi.useFakeTimers();
    limiter = await createLimiter({ rate: 100, burst: 100, concurrency: 3 });
    let running = 0;
    let most = 0;
    const jobs = Array.from({ length: 12 }, () =>
      limiter!.schedule(async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running -= 1;
      }),
    );
    await vi.advanceTimersByTimeAsync(2_000);
    await Promise.all(jobs);
    expect(most).toBe(3);
  });

  it('drain() empties the budget and the refill keeps going afterwards', async () => {
    vi.useFakeTimers();
    limiter = await createLimiter({ rate: 10, burst: 30, concurrency: 100 });
    const first = startJobs(limiter, 2);
    await vi.advanceTimersByTimeAsync(100);
    expect(first).toHaveLength(2);
    const drained = limiter.drain();
    await vi.advanceTimersByTimeAsync(1);
    await drained;
    const later = startJobs(limiter, 12);
    await vi.advanceTimersByTimeAsync(100);
    expect(later).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(later).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(500);
    expect(later).toHaveLength(10);
  });

  it('concurrent drain() calls (one per 429 of a burst) empty the budget once, not once each', async () => {
    vi.useFakeTimers();
    limiter = await createLimiter({ rate: 10, burst: 30, concurrency: 100 });
    const drains = Promise.all([limiter.drain(), limiter.drain(), limiter.drain(), limiter.drain()]);
    for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(1);
    await drains;
    // Each drain read 30 and subtracted 30 before: the reservoir went to −90 and needed 9 s to recover.
    const later = startJobs(limiter, 12);
    await vi.advanceTimersByTimeAsync(550);
    expect(later).toHaveLength(5);
  });
});
