import type { DetectSample } from '../../src/adapter.js';

/** Trivy v2 reports: a numeric SchemaVersion (ASFF's is the string "2018-10-08"). */
const SCHEMA_VERSION = /"SchemaVersion"\s*:\s*\d/;
const REPORT_KEY = /"(?:Results|ArtifactName|ArtifactType)"\s*:/;
const CLUSTER_NAME = /"ClusterName"\s*:/;
const K8S_KEY = /"(?:Resources|Vulnerabilities|Misconfigurations)"\s*:\s*(?:\[|null)/;
/** Schema v1: a top-level array of results. */
const V1_ARRAY = /^\[\s*\{\s*"Target"\s*:/;
/** SARIF logs have `runs` (and usually `$schema`/`version`); never claim them. */
const SARIF = /"runs"\s*:\s*\[|"\$schema"\s*:\s*"[^"]*sarif/i;

/**
 * How sure we are that a sample is Trivy JSON: 0.95 for a v2 report (`SchemaVersion` plus `Results`,
 * `ArtifactName` or `ArtifactType`), 0.9 for `trivy k8s` (`ClusterName`), 0.9 for a schema v1 array
 * (`[` then `{"Target"`), 0.8 for the literal `null` old Trivy printed for a clean scan, else 0.
 * SARIF is never claimed, even SARIF written by Trivy.
 */
export function detectTrivy(sample: DetectSample): number {
  const head = sample.head.trimStart();
  if (head.trimEnd() === 'null') return 0.8;
  if (head.startsWith('[')) return V1_ARRAY.test(head) ? 0.9 : 0;
  if (!head.startsWith('{') || SARIF.test(head)) return 0;
  if (SCHEMA_VERSION.test(head) && REPORT_KEY.test(head)) return 0.95;
  if (CLUSTER_NAME.test(head) && K8S_KEY.test(head)) return 0.9;
  if (CLUSTER_NAME.test(head)) return 0.7;
  return 0;
}
