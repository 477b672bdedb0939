import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { MAX_BATCH_BYTES, MAX_BATCH_FINDINGS } from '../asff/limits.js';

/** One finding on its way to Security Hub, with what the sink needs to know about it. */
export interface QueuedFinding {
  readonly finding: AwsSecurityFinding;
  readonly id: string;
  /** UTF-8 bytes of `JSON.stringify(finding)`. */
  readonly bytes: number;
  /** Position in the input (0-based); a higher `seq` is a later copy of the same Id. */
  readonly seq: number;
  /** Requests this finding has been part of so far. */
  attempts: number;
  /** Failures that counted against the retry budget (throttling does not). */
  retries: number;
  /** Throttled requests this finding was part of. */
  throttles: number;
}

/** Bytes of `{"Findings":[` + `]}` around the findings of a BatchImportFindings request body. */
export const REQUEST_ENVELOPE_BYTES = '{"Findings":[]}'.length;

/** UTF-8 size of a finding as it is serialized into a request (an upper bound: the SDK drops unknown keys). */
export function findingBytes(finding: AwsSecurityFinding): number {
  return Buffer.byteLength(JSON.stringify(finding), 'utf8');
}

/** Size of a request body carrying findings of these sizes. */
export function requestBytes(findingSizes: readonly number[]): number {
  let total = REQUEST_ENVELOPE_BYTES;
  for (const size of findingSizes) total += size;
  return total + Math.max(0, findingSizes.length - 1);
}

/** Limits of one batch. */
export interface BatchLimits {
  /**
   * Findings per request.
   * @defaultValue 100 (`MAX_BATCH_FINDINGS`)
   */
  maxCount?: number;
  /**
   * Serialized request bytes.
   * @defaultValue 5,500,000 (`MAX_BATCH_BYTES`), below the 6 MB quota
   */
  maxBytes?: number;
}

/** Result of {@link BatchBuilder.add}. */
export type AddResult =
  /** The finding is in the batch; `superseded` is the older copy with the same Id it replaced, if any. */
  | { added: true; superseded?: QueuedFinding }
  /** The finding does not fit; close this batch and start the next one with it. `superseded` as above. */
  | { added: false; superseded?: QueuedFinding };

/**
 * The batch being filled. It holds at most `maxCount` findings and `maxBytes` request bytes, never two
 * findings with the same Id: a second copy replaces the first in place, and the copy with the higher `seq`
 * (the later one in the input) is kept whichever arrives last (a retried older copy loses to a newer one).
 */
export class BatchBuilder {
  readonly maxCount: number;
  readonly maxBytes: number;
  private readonly entries: (QueuedFinding | undefined)[] = [];
  private readonly indexById = new Map<string, number>();
  private count = 0;
  private bytesOfFindings = 0;

  constructor(limits: BatchLimits = {}) {
    this.maxCount = limits.maxCount ?? MAX_BATCH_FINDINGS;
    this.maxBytes = limits.maxBytes ?? MAX_BATCH_BYTES;
  }

  /** Findings in the batch. */
  get size(): number {
    return this.count;
  }

  /** Request bytes of the batch as it is now. */
  get bytes(): number {
    return REQUEST_ENVELOPE_BYTES + this.bytesOfFindings + Math.max(0, this.count - 1);
  }

  /** True when no further finding can be added. */
  get full(): boolean {
    return this.count >= this.maxCount || this.bytes >= this.maxBytes;
  }

  /** True when a finding of `bytes` would fit as a new member (not as a replacement). */
  fits(bytes: number): boolean {
    if (this.count === 0) return REQUEST_ENVELOPE_BYTES + bytes <= this.maxBytes;
    return this.count < this.maxCount && this.bytes + 1 + bytes <= this.maxBytes;
  }

  /** True when a finding with this Id is in the batch. */
  has(id: string): boolean {
    return this.indexById.has(id);
  }

  /** Adds a finding, replacing an older copy with the same Id (see the class comment). */
  add(entry: QueuedFinding): AddResult {
    const index = this.indexById.get(entry.id);
    if (index === undefined) {
      if (!this.fits(entry.bytes)) return { added: false };
      this.indexById.set(entry.id, this.entries.length);
      this.entries.push(entry);
      this.count += 1;
      this.bytesOfFindings += entry.bytes;
      return { added: true };
    }
    const current = this.entries[index]!;
    if (current.seq > entry.seq) return { added: true, superseded: entry };
    // The newer copy replaces the older one in place; if it is too big to take its place, the older one
    // leaves the batch anyway and the newer one opens the next batch.
    this.bytesOfFindings -= current.bytes;
    if (this.bytes + entry.bytes > this.maxBytes) {
      this.entries[index] = undefined;
      this.indexById.delete(entry.id);
      this.count -= 1;
      return { added: false, superseded: current };
    }
    this.entries[index] = entry;
    this.bytesOfFindings += entry.bytes;
    return { added: true, superseded: current };
  }

  /** Returns the findings in the order they were added and empties the builder. */
  take(): QueuedFinding[] {
    const taken = this.entries.filter((entry): entry is QueuedFinding => entry !== undefined);
    this.entries.length = 0;
    this.indexById.clear();
    this.count = 0;
    this.bytesOfFindings = 0;
    return taken;
  }
}
