import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import trivy from '../../../adapters/trivy/index.js';
import { testAdapter } from '../../../src/testing/index.js';
import { convertAll, detectedFormat } from '../../helpers/asff.js';

const DIR = new URL('../../../fixtures/trivy/', import.meta.url).pathname;
/** Every hand-written fixture that is valid Trivy output (the `invalid-*` ones are tested in parse.test.ts). */
const SCENARIOS = readdirSync(DIR)
  .filter((name) => name.endsWith('.json') && !name.startsWith('invalid-'))
  .sort();
/** The licenses fixture is converted with licenses on; every other with the defaults. */
const optionsFor = (name: string) =>
  name === 'v2-repository-licenses.json' ? { adapterOptions: { trivyLicenses: true } } : {};

// The conformance suite every adapter passes (docs/adapters.md): each fixture's expected .asff.ndjson, valid ASFF
// with one Id each, the same findings in 1/7/4096-byte chunks, no planted secret, and a positioned error for every
// invalid-* file.
testAdapter(trivy, {
  fixtures: DIR,
  invalid: DIR,
  convertOptions: optionsFor,
  secrets: ['glpat-', 'FAKEfake', 'SECONDfake', 'hunter2'],
});

describe('Trivy fixtures → expected ASFF', () => {
  it('covers every layout and case', () => {
    expect(SCENARIOS).toEqual([
      'k8s-lists.json',
      'k8s-resources.json',
      'k8s-workload-images.json',
      'same-cve-collisions.json',
      'v1-array.json',
      'v1-null.json',
      'v2-ecr-metadata-last.json',
      'v2-fs-misconfig-secrets.json',
      'v2-image-unnamed.json',
      'v2-image.json',
      'v2-no-results.json',
      'v2-repository-licenses.json',
      'v2-sorted-keys.json',
      'v2-vm.json',
    ]);
  });

  it('same-cve-collisions: one CVE in two versions, two packages, two paths and two targets → five Ids', async () => {
    const { findings } = await convertAll(`${DIR}same-cve-collisions.json`);
    expect(findings.map((f) => f.GeneratorId)).toEqual(Array(5).fill('trivy/CVE-2022-24999'));
    expect(new Set(findings.map((f) => f.Id)).size).toBe(5);
  });

  it('v2-fs-misconfig-secrets: no secret text anywhere; PASS and EXCEPTION archived', async () => {
    const { findings } = await convertAll(`${DIR}v2-fs-misconfig-secrets.json`);
    const text = JSON.stringify(findings);
    // Secret values from Match, Code and a misconfiguration's cause line (the variable name DB_PASSWORD may appear).
    for (const secret of ['glpat-', 'FAKEfake', 'SECONDfake', 'hunter2', 'GITLAB_TOKEN=']) {
      expect(text).not.toContain(secret);
    }
    expect(findings.map((f) => [f.GeneratorId, f.RecordState, f.Compliance?.Status])).toEqual([
      ['trivy/AVD-AZU-0047', 'ACTIVE', 'FAILED'],
      ['trivy/AVD-AZU-0047', 'ACTIVE', 'FAILED'],
      ['trivy/AVD-AZU-0038', 'ARCHIVED', 'PASSED'],
      ['trivy/AVD-AZU-0049', 'ARCHIVED', 'WARNING'],
      ['trivy/DS-0031', 'ACTIVE', 'FAILED'],
      ['trivy/gitlab-pat', 'ACTIVE', undefined],
      ['trivy/gitlab-pat', 'ACTIVE', undefined],
    ]);
    expect(new Set(findings.map((f) => f.Id)).size).toBe(7);
    // Two module instances of one check: same lines, different occurrence chains, two findings.
    expect(findings[0]?.ProductFields?.['asff-stream/trivy/Occurrences']).toContain('ssh["office"]');
    expect(findings[1]?.ProductFields?.['asff-stream/trivy/Occurrences']).toContain('ssh["vpn"]');
    // ANSI-free code, Highlighted used where Content is empty:
    expect(findings[0]?.ProductFields?.['asff-stream/trivy/Code']).toBe(
      '39:   source_address_prefix = "*"\n40:   destination_port_range = "22"',
    );
    // A check about secrets keeps no code (its cause line is the secret).
    expect(findings[4]?.ProductFields?.['asff-stream/trivy/Code']).toBeUndefined();
    expect(findings[4]?.ProductFields?.['asff-stream/trivy/CodeOmitted']).toBe('the check is about secrets');
  });

  it('is detected without --format', async () => {
    for (const name of SCENARIOS) expect(await detectedFormat(`${DIR}${name}`), name).toBe('trivy');
  });
});
