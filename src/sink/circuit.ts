/**
 * The outage circuit of the sink: consecutive connection failures or 5xx open it; while it is open the sink
 * reads no input and sends only probes, spaced by capped exponential backoff; the first answer closes it.
 * Pure apart from the injected clock and random source.
 */

/** Options of {@link Circuit}. */
export interface CircuitOptions {
  /**
   * Consecutive failed requests (connection failures, timeouts, 5xx) that open the circuit.
   * @defaultValue 3
   */
  threshold?: number;
  /**
   * How long the service must have gone without answering before those failures open the circuit, ms. Under a
   * partial failure (85 % 5xx) an answer comes every few requests and the circuit should stay closed; in an
   * outage every request fails at once and this passes after the first retries.
   * @defaultValue 1000
   */
  openAfterMs?: number;
  /** First probe delay, ms. */
  baseMs: number;
  /** Longest probe delay, ms. */
  capMs: number;
  /** How long the service may stay unwell (from the first failure after the last answer) before giving up, ms. */
  budgetMs: number;
  now: () => number;
  random: () => number;
}

/** Closed → (threshold failures) → open, probing → (any answer) → closed. */
export class Circuit {
  private readonly threshold: number;
  private readonly options: CircuitOptions;
  private consecutive = 0;
  private unwellSince: number | undefined;
  private openedAt: number | undefined;
  private probes = 0;
  private nextProbeAt = 0;

  constructor(options: CircuitOptions) {
    this.options = options;
    this.threshold = Math.max(1, options.threshold ?? 3);
  }

  /** True while the circuit is open. */
  get open(): boolean {
    return this.openedAt !== undefined;
  }

  /** Ms since the service last answered, while it is failing; 0 otherwise. */
  get unwellForMs(): number {
    return this.unwellSince === undefined ? 0 : this.options.now() - this.unwellSince;
  }

  /** True when the circuit is open and the outage budget is used up. */
  get budgetSpent(): boolean {
    return this.open && this.unwellForMs >= this.options.budgetMs;
  }

  /** Ms until the budget is spent (while open), for the pump's wait. */
  get budgetLeftMs(): number {
    return Math.max(0, this.options.budgetMs - this.unwellForMs);
  }

  /**
   * A request failed as "service unwell"; `probe` when it was the probe sent while open (only a failed probe
   * lengthens the backoff: the requests that were in flight when the circuit opened fail too, and must not).
   * Returns true when this failure opened the circuit.
   */
  failed(probe = false): boolean {
    const now = this.options.now();
    this.unwellSince ??= now;
    this.consecutive += 1;
    if (this.openedAt !== undefined) {
      if (probe) {
        this.nextProbeAt = now + this.backoff(this.probes);
        this.probes += 1;
      }
      return false;
    }
    if (this.consecutive < this.threshold) return false;
    if (now - this.unwellSince < (this.options.openAfterMs ?? 1000)) return false;
    this.openedAt = now;
    this.probes = 0;
    this.nextProbeAt = now + this.backoff(this.probes);
    this.probes += 1;
    return true;
  }

  /** The service answered (any answer but a connection failure or 5xx). Returns the ms the circuit was open. */
  answered(): number {
    const now = this.options.now();
    const openFor = this.openedAt === undefined ? 0 : now - this.openedAt;
    this.consecutive = 0;
    this.unwellSince = undefined;
    this.openedAt = undefined;
    this.probes = 0;
    return openFor;
  }

  /** Ms until the next probe may go (0: now). Only meaningful while open. */
  probeDelayMs(): number {
    return Math.max(0, this.nextProbeAt - this.options.now());
  }

  /** Closes the circuit for good after the budget was spent (the run gives up); returns the ms it was open. */
  giveUp(): number {
    return this.answered();
  }

  /** Equal-jitter exponential backoff: between half and all of `min(cap, base × 2^n)`. */
  private backoff(n: number): number {
    const ceiling = Math.min(this.options.capMs, this.options.baseMs * 2 ** Math.min(n, 30));
    return Math.floor(ceiling / 2 + (this.options.random() * ceiling) / 2);
  }
}
