import type { EmulatorStats, RequestRecord } from './types.js';

/** Mutable counters kept next to the log. */
export interface Counters {
  created: number;
  updated: number;
  ignoredStale: number;
  failedFindings: Record<string, number>;
  faults: Record<string, number>;
}

/**
 * The request log and the counters behind `stats()`. Keeps the newest `limit` records; older ones are
 * folded into the totals, so `stats()` stays exact while `requests()` and the window helper only see the
 * records kept.
 */
export class RequestLog {
  private records: RequestRecord[] = [];
  private dropped = emptyTotals();
  counters: Counters = emptyCounters();
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
  }

  /** Appends a record; the caller fills status and the rest as the request proceeds. */
  add(record: RequestRecord): RequestRecord {
    this.records.push(record);
    if (this.records.length > this.limit) {
      const cut = Math.max(1, Math.floor(this.limit / 10));
      for (const old of this.records.splice(0, cut)) tally(this.dropped, old);
    }
    return record;
  }

  countFailure(code: string): void {
    this.counters.failedFindings[code] = (this.counters.failedFindings[code] ?? 0) + 1;
  }

  countFault(kind: string): void {
    this.counters.faults[kind] = (this.counters.faults[kind] ?? 0) + 1;
  }

  list(): RequestRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  stats(storedFindings: number): EmulatorStats {
    const totals: Totals = {
      requests: this.dropped.requests,
      byOperation: { ...this.dropped.byOperation },
      byStatus: { ...this.dropped.byStatus },
    };
    for (const r of this.records) tally(totals, r);
    return {
      ...totals,
      throttled: totals.byStatus['429'] ?? 0,
      storedFindings,
      created: this.counters.created,
      updated: this.counters.updated,
      ignoredStale: this.counters.ignoredStale,
      failedFindings: { ...this.counters.failedFindings },
      faults: { ...this.counters.faults },
    };
  }

  /** Largest number of (filtered) arrivals within any `windowMs` sliding window. */
  maxInWindow(windowMs: number, filter?: (record: RequestRecord) => boolean): number {
    const times = this.records
      .filter((r) => filter === undefined || filter(r))
      .map((r) => r.elapsedMs)
      .sort((a, b) => a - b);
    let best = 0;
    let start = 0;
    for (let end = 0; end < times.length; end++) {
      while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start++;
      best = Math.max(best, end - start + 1);
    }
    return best;
  }

  clear(): void {
    this.records = [];
    this.dropped = emptyTotals();
    this.counters = emptyCounters();
  }
}

interface Totals {
  requests: number;
  byOperation: Record<string, number>;
  byStatus: Record<string, number>;
}

function emptyTotals(): Totals {
  return { requests: 0, byOperation: {}, byStatus: {} };
}

function tally(totals: Totals, r: RequestRecord): void {
  totals.requests++;
  totals.byOperation[r.operation] = (totals.byOperation[r.operation] ?? 0) + 1;
  totals.byStatus[String(r.status)] = (totals.byStatus[String(r.status)] ?? 0) + 1;
}

function emptyCounters(): Counters {
  return { created: 0, updated: 0, ignoredStale: 0, failedFindings: {}, faults: {} };
}
