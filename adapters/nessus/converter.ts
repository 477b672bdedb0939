import type { AdapterContext, Finding, Issue, SeverityLabel } from '../../src/adapter.js';
import { ConverterError } from '../../src/errors.js';
import { isAtLeast, labelFromNessusSeverity, parseSeverityOption } from '../../src/severity.js';
import { hostKey, hostObservedTimes, hostResource } from './host.js';
import { type HostContext, itemIdentity, itemLabel, mapItem } from './map.js';
import type { HostRecord, ItemRecord, ReaderSink } from './reader.js';

/** Distinct item keys remembered per host to number duplicates; a host with more stops numbering them. */
export const MAX_TRACKED_KEYS_PER_HOST = 200_000;

/**
 * Reads `minSeverity` from the adapter options (`'LOW'`, `'high'`, `'info'` …); `undefined` keeps every item.
 * Throws `E_CONFIG` for a value that is not a severity.
 */
export function minSeverityOption(options: Readonly<Record<string, unknown>>): SeverityLabel | undefined {
  const value = options.minSeverity;
  if (value === undefined || value === null || value === '') return undefined;
  const label = typeof value === 'string' ? parseSeverityOption(value) : undefined;
  if (label === undefined) {
    throw new ConverterError(
      'E_CONFIG',
      `minSeverity must be one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL (got ${JSON.stringify(String(value)).slice(0, 40)})`,
      { adapter: 'nessus' },
    );
  }
  return label;
}

/**
 * The reader's sink: turns each item into a finding (queued until the parse loop yields it), applies
 * `minSeverity`, and numbers items whose identity repeats within a host so every finding gets its own Id.
 */
export class FindingQueue implements ReaderSink {
  private readonly ctx: AdapterContext;
  private readonly minSeverity: SeverityLabel | undefined;
  private readonly belowMessage: string;
  private queue: Finding[] = [];
  private hostIndex = -1;
  private hostContext: HostContext | undefined;
  private hostKeyValue = '';
  private seen = new Map<string, number>();
  private seenCapped = false;
  private readonly report = (issue: Issue): void => this.ctx.onIssue(issue);

  constructor(ctx: AdapterContext, minSeverity: SeverityLabel | undefined) {
    this.ctx = ctx;
    this.minSeverity = minSeverity;
    this.belowMessage = `severity below minSeverity ${minSeverity ?? ''}`;
  }

  wants(attributes: Readonly<Record<string, string>>, index: number, line: number): boolean {
    if (this.minSeverity === undefined) return true;
    // Decided from the start tag when it carries a severity: the item's children are then never read.
    const label = labelFromNessusSeverity(attributes.severity?.trim());
    if (label === undefined || isAtLeast(label, this.minSeverity)) return true;
    this.skipBelowMinimum(index, line);
    return false;
  }

  item(host: HostRecord, item: ItemRecord): void {
    if (this.minSeverity !== undefined) {
      const label = itemLabel(item) ?? 'INFORMATIONAL';
      if (!isAtLeast(label, this.minSeverity)) {
        this.skipBelowMinimum(item.index, item.line);
        return;
      }
    }
    const context = this.contextOf(host);
    const identity = itemIdentity(this.hostKeyValue, item);
    const ordinal = this.ordinal(identity, host);
    if (ordinal > 1) identity.push(`#${ordinal}`);
    const finding = mapItem(item, context, identity, this.report);
    // The same plugin twice on one port (e.g. Service Detection once per TLS layer): the title says which.
    // WAS titles name the URL instead, which already tells the results of one plugin apart.
    if (ordinal > 1 && host.report.type !== 'was') finding.title = `${finding.title} (result ${ordinal})`;
    this.queue.push(finding);
  }

  issue(issue: Issue): void {
    this.ctx.onIssue(issue);
  }

  /** Hands over the findings queued so far. */
  *drain(): Generator<Finding, void, undefined> {
    const queued = this.queue;
    this.queue = [];
    yield* queued;
  }

  private skipBelowMinimum(index: number, line: number): void {
    this.ctx.onIssue({
      code: 'below-min-severity',
      message: this.belowMessage,
      skipped: true,
      recordIndex: index,
      line,
    });
  }

  private contextOf(host: HostRecord): HostContext {
    if (this.hostContext === undefined || this.hostIndex !== host.index) {
      this.hostIndex = host.index;
      this.hostContext = { host, resource: hostResource(host), times: hostObservedTimes(host) };
      this.hostKeyValue = hostKey(host);
      this.seen = new Map();
      this.seenCapped = false;
    }
    return this.hostContext;
  }

  /**
   * 1 for the first item with this identity on the host, 2 for the second … Nessus repeats an item on one port
   * when a plugin reports several things there (e.g. plugin 22964 "Service Detection" once per TLS layer).
   */
  private ordinal(identity: readonly string[], host: HostRecord): number {
    // The host key (identity[0]) is the same for every item of the map: it is left out of the key.
    let key = identity[1] ?? '';
    for (let i = 2; i < identity.length; i++) key += `\u0000${identity[i]}`;
    const count = (this.seen.get(key) ?? 0) + 1;
    if (count > 1 || this.seen.size < MAX_TRACKED_KEYS_PER_HOST) {
      this.seen.set(key, count);
    } else if (!this.seenCapped) {
      this.seenCapped = true;
      this.ctx.onIssue({
        code: 'duplicate-tracking-capped',
        message: `host "${host.name.slice(0, 200)}" has more than ${MAX_TRACKED_KEYS_PER_HOST} distinct items; repeats beyond that are not numbered and may share an Id`,
        recordIndex: host.index,
      });
    }
    return count;
  }
}
