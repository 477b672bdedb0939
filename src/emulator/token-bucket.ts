/**
 * A token bucket: holds up to `burst` tokens, refilled continuously at `ratePerSecond`. A request takes one
 * token or is refused. Starts full, like the service quota after a quiet period.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly ratePerSecond: number;
  private readonly burst: number;

  constructor(ratePerSecond: number, burst: number, now: number) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token at time `now` (milliseconds); false when the bucket is empty. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
