import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectTrivy } from '../../../adapters/trivy/detect.js';
import trivy from '../../../adapters/trivy/index.js';
import { corpusFiles, HAS_CORPUS } from '../../helpers/corpus.js';

/** What detection sees: the first ~8 KB, possibly cut mid-token. */
function head(path: string): string {
  return readFileSync(path).subarray(0, 8192).toString('utf8');
}

describe('detectTrivy on samples', () => {
  it.each([
    [
      'v2 report',
      '{\n  "SchemaVersion": 2,\n  "CreatedAt": "2026-01-01T00:00:00Z",\n  "ArtifactName": "alpine"',
      0.95,
    ],
    [
      'v2 report with sorted keys',
      '{"ArtifactName":"infra","ArtifactType":"filesystem","Results":[],"SchemaVersion":2}',
      0.95,
    ],
    ['trivy k8s (resources)', '{\n  "ClusterName": "kind",\n  "Resources": [', 0.9],
    ['trivy k8s (lists)', '{"ClusterName":"arn:aws:eks:us-east-1:1:cluster/x","Vulnerabilities":[', 0.9],
    ['schema v1 array', '[\n  {\n    "Target": "debian (debian 10.8)",\n    "Type": "debian"', 0.9],
    ['literal null', 'null\n', 0.8],
    [
      'SARIF',
      '{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":',
      0,
    ],
    [
      'SARIF written by Trivy',
      '{"version":"2.1.0","$schema":"https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json","runs":[{"tool":{"driver":{"name":"Trivy"',
      0,
    ],
    ['ASFF NDJSON', '{"SchemaVersion":"2018-10-08","Id":"x","Resources":[]}', 0],
    ['an array of ASFF findings', '[{"SchemaVersion":"2018-10-08","Id":"x"}]', 0],
    ['empty array', '[]', 0],
    ['CSV', 'Plugin ID,CVE,CVSS\n1,CVE-1,5', 0],
    ['XML', '<?xml version="1.0"?><NessusClientData_v2>', 0],
  ])('%s → %s', (_name, sample, score) => {
    expect(detectTrivy({ head: sample })).toBe(score);
  });

  it('is the detect of the adapter', () => {
    expect(trivy.detect({ head: 'null' })).toBe(0.8);
  });
});

describe.skipIf(!HAS_CORPUS)('detectTrivy on the corpus', () => {
  it.each(corpusFiles('trivy').map((path) => [basename(path), path]))('claims %s', (_name, path) => {
    expect(detectTrivy({ head: head(path) })).toBeGreaterThanOrEqual(0.8);
  });

  const others = ['sarif', 'nessus', 'csv'].flatMap((format) => corpusFiles(format));
  it.each(others.map((path) => [basename(path), path]))('does not claim %s', (_name, path) => {
    expect(detectTrivy({ head: head(path) })).toBe(0);
  });
});
