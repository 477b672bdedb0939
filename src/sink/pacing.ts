/**
 * Adaptive request pacing (AIMD): the sink's own estimate of the request rate Security Hub allows right now.
 * Other tools in the account share the BatchImportFindings quota, so the rate left for us can be far below
 * the 10 requests/s the limiter allows. Pure apart from the injected clock.
 */

/** Options of {@link AdaptiveRate}. */
export interface AdaptiveRateOptions {
  /** The ceiling: the limiter's rate (never exceeded). */
  maxRate: number;
  /**
   * The floor, requests/s.
   * @defaultValue 0.2
   */
  minRate?: number;
  /**
   * Factor applied on throttling, at most once per {@link AdaptiveRateOptions.decreaseEveryMs}.
   * @defaultValue 0.75
   */
  decrease?: number;
  /**
   * Requests/s added per accepted request.
   * @defaultValue 0.1
   */
  increase?: number;
  /**
   * Throttles closer together than this count as one (the answers of one burst).
   * @defaultValue 1000
   */
  decreaseEveryMs?: number;
  /**
   * The decrease never goes below the rate the service accepted over this window: that much is evidently left.
   * @defaultValue 5000
   */
  acceptedWindowMs?: number;
  now: () => number;
}

/**
 * Multiplicative decrease on throttling (never below the rate the service accepted over the last 5 s: that
 * much is evidently left), additive increase on success. While the rate is below its ceiling,
 * request starts are spaced `1000 / rate` ms apart ({@link AdaptiveRate.delayMs}); at the ceiling the limiter's
 * token bucket alone decides (bursts allowed). A throttled request costs the service nothing, so a rate a
 * little above what is left still delivers all of it; the decrease is gentle (×0.75, once a second) so the
 * rate seldom falls far below it.
 */
export class AdaptiveRate {
  private rate: number;
  private readonly maxRate: number;
  private readonly minRate: number;
  private readonly decrease: number;
  private readonly increase: number;
  private readonly decreaseEveryMs: number;
  private readonly now: () => number;
  private readonly acceptedWindowMs: number;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private nextStartAt = 0;
  private readonly startedAt: number;
  /** Times of the accepted requests within the window (oldest first). */
  private accepted: number[] = [];

  constructor(options: AdaptiveRateOptions) {
    this.maxRate = options.maxRate;
    this.rate = options.maxRate;
    this.minRate = Math.min(options.minRate ?? 0.2, options.maxRate);
    this.decrease = options.decrease ?? 0.75;
    this.increase = options.increase ?? 0.1;
    this.decreaseEveryMs = options.decreaseEveryMs ?? 1000;
    this.acceptedWindowMs = options.acceptedWindowMs ?? 5000;
    this.now = options.now;
    this.startedAt = options.now();
  }

  /** Requests per second now. */
  get current(): number {
    return this.rate;
  }

  /** True while the rate is below its ceiling. */
  get adapted(): boolean {
    return this.rate < this.maxRate;
  }

  /** A request was throttled; returns true when the rate went down (once per window). */
  throttled(): boolean {
    const now = this.now();
    if (now - this.lastDecreaseAt < this.decreaseEveryMs) return false;
    this.lastDecreaseAt = now;
    this.rate = Math.max(this.minRate, this.rate * this.decrease, Math.min(this.rate, this.acceptedRate()));
    return true;
  }

  /** A request was answered (not throttled). */
  succeeded(): void {
    this.rate = Math.min(this.maxRate, this.rate + this.increase);
    this.accepted.push(this.now());
  }

  /** Requests/s accepted over the last window (or since the start, when shorter). */
  private acceptedRate(): number {
    const now = this.now();
    const since = now - this.acceptedWindowMs;
    let drop = 0;
    while (drop < this.accepted.length && this.accepted[drop]! < since) drop += 1;
    if (drop > 0) this.accepted = this.accepted.slice(drop);
    const span = Math.min(this.acceptedWindowMs, now - this.startedAt);
    return span > 0 ? (1000 * this.accepted.length) / span : 0;
  }

  /** Ms to wait before the next request may start (0 at the ceiling). */
  delayMs(): number {
    if (!this.adapted) return 0;
    return Math.max(0, this.nextStartAt - this.now());
  }

  /** Records a request start (call when {@link AdaptiveRate.delayMs} is 0). */
  started(): void {
    this.nextStartAt = this.now() + 1000 / this.rate;
  }
}
