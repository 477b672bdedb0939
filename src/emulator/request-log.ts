import type { EmulatorStats, RequestRecord } from './types.js';

/** Mutable counters kept next to the log. */
export interface Counters {
  created: number;
  updated: number;
  ignoredStale: number;
  failedFindings: Record<string, number>;
  faults: Record<string, number>;
}

/** The request log and the counters behind `stats()`. */
export class RequestLog {
  private records: RequestRecord[] = [];
  counters: Counters = emptyCounters();

  /** Appends a record; the caller fills status and the rest as the request proceeds. */
  add(record: RequestRecord): RequestRecord {
    this.records.push(record);
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
    const byOperation: Record<string, number> = {};
    const byStatus: Record<string, number> = {};
    let throttled = 0;
    for (const r of this.records) {
      byOperation[r.operation] = (byOperation[r.operation] ?? 0) + 1;
      byStatus[String(r.status)] = (byStatus[String(r.status)] ?? 0) + 1;
      if (r.status === 429) throttled++;
    }
    return {
      requests: this.records.length,
      byOperation,
      byStatus,
      throttled,
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
    this.counters = emptyCounters();
  }
}

function emptyCounters(): Counters {
  return { created: 0, updated: 0, ignoredStale: 0, failedFindings: {}, faults: {} };
}
