import { describe, expect, it } from 'vitest';
import { Circuit } from '../../src/sink/circuit.js';
import { AdaptiveRate } from '../../src/sink/pacing.js';

describe('AdaptiveRate', () => {
  function clock() {
    const state = { now: 0 };
    return { state, now: () => state.now };
  }

  it('lowers the rate ×0.75 once per second of throttles, never below what was accepted, and raises it +0.1 per success', () => {
    const { state, now } = clock();
    const pace = new AdaptiveRate({ maxRate: 10, now });
    expect(pace.adapted).toBe(false);
    expect(pace.delayMs()).toBe(0);
    expect(pace.throttled()).toBe(true);
    expect(pace.current).toBeCloseTo(7.5);
    // The other 429s of the same burst do not compound.
    expect(pace.throttled()).toBe(false);
    expect(pace.current).toBeCloseTo(7.5);
    state.now = 1_000;
    pace.succeeded();
    expect(pace.current).toBeCloseTo(7.6);
    // One accepted request a second for 5 s: a throttle at rate ~1.2 stops at ~1.0, not 0.9.
    state.now = 0;
    const low = new AdaptiveRate({ maxRate: 1.2, now });
    for (let s = 1; s <= 5; s++) {
      state.now = 1_000 * s;
      low.succeeded();
    }
    state.now = 5_000;
    low.throttled();
    expect(low.current).toBeCloseTo(1, 1);
    expect(low.current).toBeGreaterThan(0.9);
  });

  it('spaces request starts 1000 / rate ms apart while below the ceiling', () => {
    const { state, now } = clock();
    const pace = new AdaptiveRate({ maxRate: 4, decrease: 0.5, now });
    pace.throttled();
    expect(pace.current).toBe(2);
    pace.started();
    expect(pace.delayMs()).toBe(500);
    state.now = 400;
    expect(pace.delayMs()).toBe(100);
    state.now = 500;
    expect(pace.delayMs()).toBe(0);
  });
});

describe('Circuit', () => {
  function circuit(extra: Partial<ConstructorParameters<typeof Circuit>[0]> = {}) {
    const state = { now: 0 };
    const c = new Circuit({
      baseMs: 100,
      capMs: 1_000,
      budgetMs: 10_000,
      openAfterMs: 500,
      now: () => state.now,
      random: () => 1,
      ...extra,
    });
    return { state, c };
  }

  it('opens after three failures in a row with no answer for openAfterMs, not before', () => {
    const { state, c } = circuit();
    expect(c.failed()).toBe(false);
    expect(c.failed()).toBe(false);
    expect(c.failed()).toBe(false);
    expect(c.open).toBe(false);
    state.now = 500;
    expect(c.failed()).toBe(true);
    expect(c.open).toBe(true);
    expect(c.probeDelayMs()).toBe(100);
  });

  it('lengthens the probe backoff only for failed probes, up to the cap, and closes on an answer', () => {
    const { state, c } = circuit({ openAfterMs: 0, threshold: 1 });
    c.failed();
    expect(c.probeDelayMs()).toBe(100);
    c.failed();
    c.failed();
    expect(c.probeDelayMs()).toBe(100);
    for (let i = 0; i < 6; i++) c.failed(true);
    expect(c.probeDelayMs()).toBe(1_000);
    state.now = 2_000;
    expect(c.answered()).toBe(2_000);
    expect(c.open).toBe(false);
    expect(c.unwellForMs).toBe(0);
  });

  it('spends the budget from the first failure after the last answer', () => {
    const { state, c } = circuit({ openAfterMs: 0, threshold: 1, budgetMs: 3_000 });
    state.now = 1_000;
    c.failed();
    state.now = 3_999;
    expect(c.budgetSpent).toBe(false);
    expect(c.budgetLeftMs).toBe(1);
    state.now = 4_000;
    expect(c.budgetSpent).toBe(true);
  });
});
