import type { AwsEc2InstanceDetails, Partition, Resource } from '@aws-sdk/client-securityhub';
import { partitionOf } from '../../src/asff/build.js';
import { MAX_DETAILS_OTHER_VALUE_LENGTH } from '../../src/asff/limits.js';
import { distinct } from '../../src/internal/distinct.js';
import type { HostRecord } from './reader.js';
import { clip, oneLine, tidy } from './text.js';

/** A trimmed host property, or `undefined` when absent or blank. */
function property(host: HostRecord, name: string): string | undefined {
  return tidy(host.properties.get(name));
}

/** `ReportHost@name`, trimmed; a positional stand-in when a host has no name at all. */
function hostName(host: HostRecord): string {
  return host.name.trim() || `host-${host.index}`;
}

/**
 * The value that identifies a host in finding Ids: the EC2 instance id when Nessus saw one, else the IP, else the
 * FQDN, else `ReportHost@name` (an IP, a host name, or a URL in Tenable WAS exports).
 */
export function hostKey(host: HostRecord): string {
  return (
    property(host, 'aws-instance-instanceId') ??
    property(host, 'host-ip') ??
    property(host, 'host-fqdn') ??
    hostName(host)
  );
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT_PATTERN = /^\d{12}$/;
const IPV4_PATTERN = /^(\d{1,3})(\.\d{1,3}){3}$/;

/** `us-east-1a` → `us-east-1`. */
function regionOfZone(zone: string | undefined): string | undefined {
  const region = zone?.replace(/[a-z]$/, '');
  return region !== undefined && REGION_PATTERN.test(region) ? region : undefined;
}

/** Host facts kept in `Details.Other`, under the Nessus tag names. */
function detailsOther(host: HostRecord): Record<string, string> | undefined {
  const other: Record<string, string> = {};
  const put = (key: string, value: string | undefined): void => {
    if (value !== undefined) other[key] = clip(value, MAX_DETAILS_OTHER_VALUE_LENGTH);
  };
  put('host-ip', property(host, 'host-ip'));
  put('host-fqdn', property(host, 'host-fqdn'));
  put('hostname', property(host, 'hostname'));
  put('netbios-name', property(host, 'netbios-name'));
  put('mac-address', oneLine(property(host, 'mac-address'), ', '));
  put('operating-system', oneLine(property(host, 'operating-system') ?? property(host, 'os'), '; '));
  put('system-type', property(host, 'system-type'));
  put('report-host-name', tidy(host.name));
  return Object.keys(other).length > 0 ? other : undefined;
}

/**
 * The host as an ASFF resource: `AwsEc2Instance` when Nessus recorded an EC2 instance id (Id = the instance ARN
 * when its Region and account are known too, else the bare instance id), otherwise `Other` named as Nessus names
 * the host (`ReportHost@name`, the CSV export's `Host`; else the FQDN, else the IP). Host facts (IP, FQDN …) go
 * to `Details.Other` in both cases.
 */
export function hostResource(host: HostRecord): Resource {
  const other = detailsOther(host);
  const instanceId = property(host, 'aws-instance-instanceId');
  if (instanceId === undefined) {
    return {
      Type: 'Other',
      Id: tidy(host.name) ?? property(host, 'host-fqdn') ?? property(host, 'host-ip') ?? hostName(host),
      ...(other !== undefined ? { Details: { Other: other } } : {}),
    };
  }
  const declaredRegion = property(host, 'aws-instance-region');
  const region =
    declaredRegion !== undefined && REGION_PATTERN.test(declaredRegion)
      ? declaredRegion
      : regionOfZone(property(host, 'aws-instance-availabilityZone'));
  const account = property(host, 'aws-instance-accountId');
  const partition = region !== undefined ? (partitionOf(region) as Partition) : undefined;
  const id =
    region !== undefined && partition !== undefined && account !== undefined && ACCOUNT_PATTERN.test(account)
      ? `arn:${partition}:ec2:${region}:${account}:instance/${instanceId}`
      : instanceId;
  const addresses = [property(host, 'host-ip'), property(host, 'aws-instance-local-ipv4')].filter(
    (ip): ip is string => ip !== undefined && IPV4_PATTERN.test(ip),
  );
  const ec2: AwsEc2InstanceDetails = {};
  const type = property(host, 'aws-instance-instanceType');
  const image = property(host, 'aws-instance-imageId');
  const vpc = property(host, 'aws-instance-vpc-id');
  const subnet = property(host, 'aws-instance-subnet-id');
  if (type !== undefined) ec2.Type = type;
  if (image !== undefined) ec2.ImageId = image;
  if (addresses.length > 0) ec2.IpV4Addresses = distinct(addresses);
  if (vpc !== undefined) ec2.VpcId = vpc;
  if (subnet !== undefined) ec2.SubnetId = subnet;
  return {
    Type: 'AwsEc2Instance',
    Id: id,
    ...(partition !== undefined ? { Partition: partition } : {}),
    ...(region !== undefined ? { Region: region } : {}),
    Details: { AwsEc2Instance: ec2, ...(other !== undefined ? { Other: other } : {}) },
  };
}

/** `HOST_START_TIMESTAMP` (epoch seconds) or an ISO `HOST_START` with a zone, as an ASFF timestamp. */
function observedAt(host: HostRecord, epochTag: string, textTag: string): string | undefined {
  const epoch = property(host, epochTag);
  if (epoch !== undefined && /^\d{9,11}$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
  const text = property(host, textTag);
  // Nessus' classic `Wed Mar 23 14:31:51 2022` has no time zone: reading it would depend on this machine's zone.
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    return undefined;
  }
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** When the host was scanned, from its `HOST_START*`/`HOST_END*` tags, where unambiguous. */
export function hostObservedTimes(host: HostRecord): { firstObservedAt?: string; lastObservedAt?: string } {
  const start = observedAt(host, 'HOST_START_TIMESTAMP', 'HOST_START');
  const end = observedAt(host, 'HOST_END_TIMESTAMP', 'HOST_END') ?? start;
  return {
    ...(start !== undefined ? { firstObservedAt: start } : {}),
    ...(end !== undefined ? { lastObservedAt: end } : {}),
  };
}
