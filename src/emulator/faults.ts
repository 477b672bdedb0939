import type { EmulatorOperation, FaultOptions, ThrottleStorm } from './types.js';

/**
 * A deterministic number in [0, 1) from a seed and some keys (FNV-1a, then the murmur3 finalizer). Faults are
 * drawn from keys (request number, finding Id + attempt) rather than from one PRNG stream, so the decision
 * for a finding does not depend on how findings were batched or on which request arrived first.
 */
export function seededUnit(seed: number, ...keys: readonly (string | number)[]): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  const text = keys.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

/** What happens to a request before it is processed. */
export type RequestFault = 'none' | 'server-error' | 'reset' | 'lost-response';

const SECURITY_HUB_OPERATIONS: readonly EmulatorOperation[] = [
  'BatchImportFindings',
  'GetFindings',
  'BatchUpdateFindings',
];

/** Draws the injected faults; all state lives here so `reset()` makes a run reproducible again. */
export class FaultInjector {
  private requestCounter = 0;
  private readonly attempts = new Map<string, number>();
  private readonly storms: ThrottleStorm[];
  private readonly seed: number;
  private readonly operations: ReadonlySet<EmulatorOperation>;
  private readonly options: FaultOptions;

  constructor(options: FaultOptions) {
    this.options = options;
    this.seed = options.seed ?? 1;
    this.storms = [...(options.throttleStorms ?? [])];
    this.operations = new Set(options.operations ?? SECURITY_HUB_OPERATIONS);
  }

  /** Adds a storm window (milliseconds since start). */
  addStorm(storm: ThrottleStorm): void {
    this.storms.push(storm);
  }

  /** True inside a throttling storm, for the operations faults apply to. */
  inStorm(operation: EmulatorOperation, elapsedMs: number): boolean {
    if (!this.operations.has(operation)) return false;
    return this.storms.some((s) => elapsedMs >= s.startMs && elapsedMs < s.startMs + s.durationMs);
  }

  /** The fault for the next request of a faultable operation (one counter for all of them). */
  requestFault(operation: EmulatorOperation): RequestFault {
    if (!this.operations.has(operation)) return 'none';
    const reset = this.options.resetRate ?? 0;
    const serverError = this.options.serverErrorRate ?? 0;
    const lost = this.options.lostResponseRate ?? 0;
    if (reset + serverError + lost <= 0) return 'none';
    const draw = seededUnit(this.seed, 'request', this.requestCounter++);
    if (draw < reset) return 'reset';
    if (draw < reset + serverError) return 'server-error';
    if (draw < reset + serverError + lost) return 'lost-response';
    return 'none';
  }

  /** The injected FailedFindings code for this attempt at finding `id`, or undefined. */
  findingFault(id: string): string | undefined {
    const rate = this.options.findingFailureRate ?? 0;
    if (rate <= 0) return undefined;
    const attempt = this.attempts.get(id) ?? 0;
    this.attempts.set(id, attempt + 1);
    if (seededUnit(this.seed, 'finding', id, attempt) >= rate) return undefined;
    const codes = this.options.findingFailureCodes ?? ['InternalFailure'];
    if (codes.length === 0) return undefined;
    const pick = Math.floor(seededUnit(this.seed, 'code', id, attempt) * codes.length);
    return codes[pick];
  }
}

/** Messages of the per-finding transient codes the emulator injects. */
export const TRANSIENT_FINDING_MESSAGES: Readonly<Record<string, string>> = {
  InternalFailure: 'Internal service failure',
  ConcurrentUpdateError: 'Concurrent finding updates detected',
  ThrottlingException: 'Rate exceeded',
};
