import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { CUSTOMER_FIELDS, SERVER_FIELDS } from '../sink/reconcile.js';
import { sha1 } from './sha1.js';

/**
 * Top-level fields left out of the fingerprint: the timestamps of a run (they move on every run) and the
 * fields Security Hub or the customer own, which a provider never sends back unchanged.
 */
const NOT_FINGERPRINTED = new Set<string>([
  'CreatedAt',
  'UpdatedAt',
  'FirstObservedAt',
  'LastObservedAt',
  ...SERVER_FIELDS,
  ...CUSTOMER_FIELDS,
]);

/**
 * 64 bits (16 hex digits) of SHA-1 over the finding's JSON without the run's timestamps and the fields the
 * provider does not own ({@link NOT_FINGERPRINTED}). Two runs that convert the same scanner output give
 * the same fingerprint; any change of content the provider sends (title, severity, resources, RecordState,
 * ProductFields…) gives another. Keys are taken in the order the finding has them, which the pipeline
 * keeps the same from run to run.
 */
export function findingFingerprint(finding: AwsSecurityFinding): string {
  return sha1(fingerprintedJson(finding)).toString('hex', 0, 8);
}

/** The JSON the fingerprint is taken of. A shallow copy: a replacer function would run for every nested key. */
function fingerprintedJson(finding: AwsSecurityFinding): string {
  const kept: Record<string, unknown> = {};
  for (const key in finding)
    if (!NOT_FINGERPRINTED.has(key)) kept[key] = (finding as unknown as Record<string, unknown>)[key];
  return JSON.stringify(kept);
}
