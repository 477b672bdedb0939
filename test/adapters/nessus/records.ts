import { hostKey, hostObservedTimes, hostResource } from '../../../adapters/nessus/host.js';
import { itemIdentity, mapItem } from '../../../adapters/nessus/map.js';
import type { HostRecord, ItemRecord } from '../../../adapters/nessus/reader.js';
import type { Finding, Issue } from '../../../src/adapter.js';

/** A host record as the reader builds it (ReportHost@name, wanted HostProperties, Report attributes). */
export function host(properties: Record<string, string>, name = '10.0.0.1', report = {}): HostRecord {
  return { name, properties: new Map(Object.entries(properties)), index: 0, report };
}

/** An item record as the reader builds it (ReportItem attributes, wanted children). */
export function item(attributes: Record<string, string>, fields: Record<string, string[]> = {}): ItemRecord {
  return { attributes, fields: new Map(Object.entries(fields)), index: 3, line: 42 };
}

/** Maps one item of a host the way the converter does (no duplicate ordinal), collecting its issues. */
export function mapped(
  record: ItemRecord,
  hostRecord = host({ 'host-ip': '10.0.0.1' }),
): { finding: Finding; issues: Issue[] } {
  const issues: Issue[] = [];
  const finding = mapItem(
    record,
    { host: hostRecord, resource: hostResource(hostRecord), times: hostObservedTimes(hostRecord) },
    itemIdentity(hostKey(hostRecord), record),
    (issue) => issues.push(issue),
  );
  return { finding, issues };
}
