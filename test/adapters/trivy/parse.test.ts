import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { isConverterError } from '../../../src/errors.js';
import { chunksOf, fileChunks, randomSizes } from '../../helpers/chunks.js';
import { corpusFile, HAS_CORPUS } from '../../helpers/corpus.js';
import { canonical, generatedReport, parseAll, reorderKeys } from './helpers.js';

const FIXTURES = new URL('../../../fixtures/trivy/', import.meta.url);
const fixture = (name: string): string => new URL(name, FIXTURES).pathname;
const whole = (path: string): AsyncGenerator<Uint8Array> => fileChunks(path);

/** Fixtures that are valid Trivy output, with the findings each must give (licenses on). */
const VALID_FIXTURES = [
  ['v1-null.json', 0],
  ['v1-array.json', 2],
  ['v2-image.json', 4],
  ['v2-ecr-metadata-last.json', 2],
  ['v2-no-results.json', 0],
  ['v2-sorted-keys.json', 2],
  ['v2-fs-misconfig-secrets.json', 7],
  ['v2-repository-licenses.json', 4],
  ['k8s-lists.json', 3],
  ['k8s-resources.json', 2],
  ['k8s-workload-images.json', 5],
  ['v2-vm.json', 2],
  ['v2-image-unnamed.json', 1],
  ['same-cve-collisions.json', 5],
] as const;

const LICENSES = { options: { trivyLicenses: true } };

describe('layouts', () => {
  it.each(VALID_FIXTURES)('%s gives %i findings and leaves no temp file', async (name, count) => {
    const { findings, leftovers, error } = await parseAll(whole(fixture(name)), LICENSES);
    expect(error).toBeUndefined();
    expect(findings).toHaveLength(count);
    expect(leftovers).toEqual([]);
  });

  it('schema v1: the package manager comes from the result Type; Vulnerabilities null is nothing', async () => {
    const { findings } = await parseAll(whole(fixture('v1-array.json')), { filename: '/ci/work/trivy.json' });
    expect(findings.map((f) => f.vulnerabilities?.[0]?.VulnerablePackages?.[0]?.PackageManager)).toEqual([
      'debian',
      'debian',
    ]);
    // The OS result names the image it scanned (`shop:1.0 (debian 10.2)`): that, not the input file, is the resource.
    expect(findings[0]?.resources[0]).toMatchObject({ Type: 'Container', Id: 'shop:1.0' });
    expect(findings[0]?.scopeHint).toBeUndefined();
    // UNKNOWN without any CVSS → INFORMATIONAL, Trivy's word kept.
    expect(findings[1]?.severity).toEqual({ label: 'INFORMATIONAL', original: 'UNKNOWN' });
  });

  it('k8s lists: the same image CVE in two Deployments gives two findings with Kubernetes resources', async () => {
    const { findings } = await parseAll(whole(fixture('k8s-lists.json')));
    const [a, b, misconfig] = findings;
    // A workload is a Container; its Id names the image of the result (each workload image is a resource).
    expect(a?.resources[0]).toMatchObject({
      Type: 'Container',
      Id: 'arn:aws:eks:us-east-1:123456789012:cluster/prod/shop/Deployment/redis/docker.io/redis:6.0.5',
      Details: { Container: { ImageName: 'docker.io/redis:6.0.5' } },
    });
    expect(b?.resources[0]?.Id).toBe(
      'arn:aws:eks:us-east-1:123456789012:cluster/prod/shop/Deployment/redis-replica/docker.io/redis:6.0.5',
    );
    expect(a?.resources[1]?.Type).toBe('AwsEksCluster');
    expect(JSON.stringify(a?.identity)).not.toBe(JSON.stringify(b?.identity));
    expect(misconfig?.ruleId).toBe('KSV001');
    expect(a?.scopeHint).toBe('arn:aws:eks:us-east-1:123456789012:cluster/prod');
  });

  it('k8s resources: a cluster-scoped resource has no namespace; a resource whose header follows Results waits for it', async () => {
    const { findings } = await parseAll(whole(fixture('k8s-resources.json')));
    expect(findings.map((f) => f.resources[0]?.Id)).toEqual([
      'kind-lab/ClusterRole/system:controller:bootstrap-signer',
      'kind-lab/shop/Deployment/api',
    ]);
    expect(findings[1]?.productFields).toMatchObject({ Namespace: 'shop', Kind: 'Deployment', Name: 'api' });
  });

  it('licenses are off by default, counted in one issue, and included with trivyLicenses', async () => {
    const off = await parseAll(whole(fixture('v2-repository-licenses.json')));
    expect(off.findings).toHaveLength(1);
    expect(off.issues).toEqual([
      {
        code: 'licenses-not-included',
        message: '3 license findings were not converted; enable them with --trivy-licenses',
      },
    ]);
    const on = await parseAll(whole(fixture('v2-repository-licenses.json')), LICENSES);
    expect(on.findings.map((f) => f.ruleId)).toEqual([
      'CVE-2021-23337',
      'license/GPL-3.0',
      'license/MIT',
      'license/Custom-License',
    ]);
    expect(on.issues).toEqual([]);
  });

  it('a result without findings (custom class, empty Target) gives nothing and no issue', async () => {
    const { findings, issues } = await parseAll(whole(fixture('v2-image.json')));
    expect(findings.map((f) => f.productFields?.Class)).toEqual([
      'os-pkgs',
      'os-pkgs',
      'os-pkgs',
      'lang-pkgs',
    ]);
    expect(issues).toEqual([]);
  });
});

describe('key order does not matter (metadata after Results, Target after the findings)', () => {
  it('Metadata, ArtifactType and ArtifactName after Results still reach every finding', async () => {
    const { findings } = await parseAll(whole(fixture('v2-ecr-metadata-last.json')));
    for (const finding of findings) {
      expect(finding.resources[0]?.Type).toBe('AwsEcrContainerImage');
      expect(finding.resources[0]?.Details?.AwsEcrContainerImage?.ImageDigest).toMatch(/^sha256:6{64}$/);
      expect(finding.scopeHint).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:1.4');
    }
  });

  it.each(VALID_FIXTURES.filter(([name]) => name !== 'v1-null.json'))(
    '%s: reversed and sorted keys at every level give the same findings',
    async (name) => {
      const document = JSON.parse(readFileSync(fixture(name), 'utf8')) as unknown;
      const reference = canonical((await parseAll(chunksOf(JSON.stringify(document)), LICENSES)).findings);
      for (const order of ['reverse', 'sorted'] as const) {
        const text = JSON.stringify(reorderKeys(document, order));
        const outcome = await parseAll(chunksOf(text, 997), LICENSES);
        expect(outcome.leftovers).toEqual([]);
        expect(canonical(outcome.findings)).toEqual(reference);
      }
    },
  );

  it('a result key that arrives after its header was complete reaches the records after it', async () => {
    // A secret result is complete without Type; one written later must reach the records that follow it.
    const report = {
      SchemaVersion: 2,
      ArtifactName: '.',
      ArtifactType: 'filesystem',
      Results: [
        {
          Target: 'app/.env',
          Class: 'secret',
          Secrets: [{ RuleID: 'aws-access-key-id', Category: 'AWS', Title: 'AWS', StartLine: 1, EndLine: 1 }],
          Type: 'dotenv',
          Misconfigurations: [{ ID: 'X-1', AVDID: 'AVD-X-1', Title: 'x', Status: 'FAIL', Severity: 'LOW' }],
        },
      ],
    };
    const { findings } = await parseAll(chunksOf(JSON.stringify(report)));
    expect(findings.map((finding) => finding.productFields?.Type)).toEqual([undefined, 'dotenv']);
  });

  it('spools records to a temp file while the report header is incomplete, replays them, deletes the file', async () => {
    const seen: string[][] = [];
    const { findings, leftovers } = await parseAll(generatedReport(3000, { metadataLast: true }), {
      tuning: { spoolMemoryBytes: 16 * 1024 },
      onFinding: async (_finding, tempDir) => {
        if (seen.length === 0) seen.push(await readdir(tempDir));
        return true;
      },
    });
    expect(findings).toHaveLength(3000);
    expect(seen[0]).toHaveLength(1);
    expect(seen[0]?.[0]).toMatch(/^asff-stream-trivy-report-.*\.ndjson$/);
    expect(findings.every((f) => f.resources[0]?.Details?.Container?.ImageId === 'sha256:feed')).toBe(true);
    expect(leftovers).toEqual([]);
  });

  it('spools per result when Target, Class and Type follow the vulnerabilities', async () => {
    const seen: string[][] = [];
    const { findings, leftovers } = await parseAll(generatedReport(3000, { resultHeaderLast: true }), {
      tuning: { spoolMemoryBytes: 16 * 1024 },
      onFinding: async (_finding, tempDir) => {
        if (seen.length === 0) seen.push(await readdir(tempDir));
        return true;
      },
    });
    expect(findings).toHaveLength(3000);
    expect(seen[0]?.[0]).toMatch(/^asff-stream-trivy-result-.*\.ndjson$/);
    expect(new Set(findings.map((f) => f.productFields?.Target))).toEqual(
      new Set(['gen/app:1 (debian 12.5)']),
    );
    expect(
      findings.every((f) => f.vulnerabilities?.[0]?.VulnerablePackages?.[0]?.PackageManager === 'debian'),
    ).toBe(true);
    expect(leftovers).toEqual([]);
  });

  it('deletes the spool when the consumer stops early', async () => {
    const { findings, leftovers } = await parseAll(generatedReport(2000, { metadataLast: true }), {
      tuning: { spoolMemoryBytes: 8 * 1024 },
      onFinding: () => false,
    });
    expect(findings).toHaveLength(1);
    expect(leftovers).toEqual([]);
  });

  it('deletes the spool when the input is truncated, after a fatal E_TRUNCATED', async () => {
    async function* truncated(): AsyncGenerator<Uint8Array> {
      let sent = 0;
      for await (const chunk of generatedReport(2000, { metadataLast: true })) {
        if (sent++ > 5) return;
        yield chunk;
      }
    }
    const { findings, leftovers, error } = await parseAll(truncated(), {
      tuning: { spoolMemoryBytes: 8 * 1024 },
    });
    expect(isConverterError(error) && error.code).toBe('E_TRUNCATED');
    expect(findings).toEqual([]);
    expect(leftovers).toEqual([]);
  });
});

describe('streaming', () => {
  it('yields the first finding of a 20,000-vulnerability result long before the input ends, spooling nothing', async () => {
    const pulled = { chunks: 0 };
    let pulledAtFirst = -1;
    const { findings } = await parseAll(generatedReport(20_000, { pulled }), {
      onFinding: async (_finding, tempDir) => {
        if (pulledAtFirst < 0) {
          pulledAtFirst = pulled.chunks;
          expect(await readdir(tempDir)).toEqual([]);
        }
        return true;
      },
    });
    expect(findings).toHaveLength(20_000);
    // 202 chunks in all (header, 200 batches of 100, trailer); the first finding comes with the first batch.
    expect(pulled.chunks).toBe(202);
    expect(pulledAtFirst).toBeLessThanOrEqual(3);
  });

  // Every fixture in 1, 7 and 4096-byte chunks: the conformance suite in fixtures.test.ts.
  it
    .skipIf(!HAS_CORPUS)
    .each([
      'defectdojo__issue_14136.json',
      'trivy__secrets.json.golden',
      'defectdojo__kubernetes_cluster_scoped_resources.json',
      'defectdojo__legacy_trivy_mix.json',
      'defectdojo__cvssv4_severity_source.json',
    ])('corpus %s: 1-byte chunks give exactly what one chunk gives', async (name) => {
    const path = corpusFile('trivy', name);
    const one = await parseAll(whole(path));
    const split = await parseAll(fileChunks(path, 1));
    expect(split.findings.length).toBeGreaterThan(0);
    expect(split.findings).toEqual(one.findings);
  });

  it('random chunk sizes over the largest corpus report give the same findings', async () => {
    if (!HAS_CORPUS) return;
    const path = corpusFile('trivy', 'securekube-devsecops__trivy.json');
    const one = await parseAll(whole(path));
    const split = await parseAll(fileChunks(path, randomSizes(7, 97)));
    expect(split.findings).toHaveLength(181);
    expect(split.findings).toEqual(one.findings);
  });
});

describe('not Trivy, or broken Trivy: E_FORMAT naming what was found', () => {
  const failure = async (input: AsyncIterable<Uint8Array>): Promise<{ code?: string; message: string }> => {
    const { error, leftovers } = await parseAll(input);
    expect(leftovers).toEqual([]);
    if (!isConverterError(error)) throw new Error(`expected a ConverterError, got ${String(error)}`);
    return { code: error.code, message: error.message };
  };

  it.each([
    [
      'invalid-sarif.json',
      'not a Trivy JSON report: found a JSON object with keys "$schema", "version", "runs"; expected SchemaVersion/ArtifactName/Results (Trivy schema v2), ClusterName (trivy k8s), a top-level array of results (schema v1) or null',
    ],
    [
      'invalid-v1-scalars.json',
      'not a Trivy schema v1 report: a top-level array element is a number, expected a result object',
    ],
    ['invalid-results-object.json', 'not a Trivy JSON report: "Results" is an object, expected an array'],
    [
      'invalid-scalar.json',
      'not a Trivy JSON report: found a JSON scalar (string, number or boolean); expected a Trivy report object, a schema v1 array or null',
    ],
  ])('%s', async (name, message) => {
    expect(await failure(whole(fixture(name)))).toEqual({ code: 'E_FORMAT', message });
  });

  it('an array of objects that are not results names their keys', async () => {
    expect(await failure(chunksOf('[{"Id":"x","Severity":{"Label":"LOW"}}]'))).toEqual({
      code: 'E_FORMAT',
      message:
        'not a Trivy schema v1 report: the first array element has keys "Id", "Severity", expected Target, Type and Vulnerabilities',
    });
  });

  it('record-level problems are issues, not errors', async () => {
    const text = JSON.stringify({
      SchemaVersion: 2,
      ArtifactName: 'a',
      ArtifactType: 'filesystem',
      Results: [
        'not a result',
        { Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: [{ VulnerabilityID: 'CVE-1', PkgName: 'x' }] },
        { Target: 'b', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: { oops: true } },
        { Target: 'c', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: [null, { PkgName: 'y' }] },
      ],
    });
    const { findings, issues } = await parseAll(chunksOf(text));
    expect(findings).toHaveLength(1);
    expect(issues.map((issue) => [issue.code, issue.skipped ?? false])).toEqual([
      ['invalid-result', false],
      ['missing-target', false],
      ['invalid-list', false],
      ['invalid-record', true],
      ['missing-vulnerability-id', true],
    ]);
    expect(issues[3]?.recordIndex).toBe(1);
    expect(issues[3]?.line).toBe(1);
  });
});
