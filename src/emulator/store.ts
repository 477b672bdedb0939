import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';

/** A finding as the emulator keeps it. */
export interface StoredFinding {
  /** Creation order over the whole emulator; the pagination tiebreaker. */
  readonly seq: number;
  readonly accountId: string;
  readonly region: string;
  finding: AwsSecurityFinding;
  /** Top-level fields a BatchUpdateFindings call has changed; later imports leave them alone. */
  readonly customerChanged: Set<string>;
}

/** Findings of every (account, Region) hub, each keyed by ProductArn + Id. */
export class FindingStore {
  private readonly hubs = new Map<string, Map<string, StoredFinding>>();
  private nextSeq = 1;

  /** The findings of one hub, in creation order. */
  hub(accountId: string, region: string): Map<string, StoredFinding> {
    const key = `${accountId}\u0000${region}`;
    let hub = this.hubs.get(key);
    if (hub === undefined) {
      hub = new Map();
      this.hubs.set(key, hub);
    }
    return hub;
  }

  get(accountId: string, region: string, productArn: string, id: string): StoredFinding | undefined {
    return this.hub(accountId, region).get(findingKey(productArn, id));
  }

  /** Stores a new finding and returns its record. */
  create(accountId: string, region: string, finding: AwsSecurityFinding): StoredFinding {
    const stored: StoredFinding = {
      seq: this.nextSeq++,
      accountId,
      region,
      finding,
      customerChanged: new Set(),
    };
    this.hub(accountId, region).set(findingKey(finding.ProductArn ?? '', finding.Id ?? ''), stored);
    return stored;
  }

  /** Every stored finding, in creation order. */
  all(): StoredFinding[] {
    const out: StoredFinding[] = [];
    for (const hub of this.hubs.values()) out.push(...hub.values());
    return out.sort((a, b) => a.seq - b.seq);
  }

  get size(): number {
    let n = 0;
    for (const hub of this.hubs.values()) n += hub.size;
    return n;
  }

  clear(): void {
    this.hubs.clear();
    this.nextSeq = 1;
  }
}

function findingKey(productArn: string, id: string): string {
  return `${productArn}\u0000${id}`;
}
