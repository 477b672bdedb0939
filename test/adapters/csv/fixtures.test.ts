import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import csv from '../../../adapters/csv/index.js';
import { EXPECTED_SUFFIX, testAdapter } from '../../../src/testing/index.js';
import { detectedFormat, expectRefused, type Refusal } from '../../helpers/asff.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/csv/', import.meta.url));
/** The `--csv-map` file of generic-findings.csv: beside the fixtures, not itself a fixture. */
const MAP_FILE = 'generic-findings.map.json';
const MAP = join(FIXTURES, MAP_FILE);

interface Expected {
  /** Profile that must be picked (ProductFields `asff-stream/csv/profile`), or the user map's name. */
  profile?: string;
  findings: number;
  /** Issue counts by code, exactly (field truncation by toAsff included). */
  issues?: Record<string, number>;
  /** Findings emitted as RecordState ARCHIVED. */
  archived?: number;
  options?: { adapterOptions: Record<string, unknown> };
}

/**
 * One hand-written fixture per profile and per dialect. Each expected output is the fixture's `.asff.ndjson`
 * next to it (regenerate on purpose with `vitest -u` and review the diff); the counts below say why.
 */
const CASES: Record<string, Expected> = {
  // 5 rows; the two RC4 rows (one per CVE) merge into one finding with both CVEs.
  'nessus-default.csv': { profile: 'nessus', findings: 4 },
  // 4 rows; the SMTP row is repeated verbatim (a per-CVE row without the CVE column): merged silently.
  'nessus-custom-columns.csv': { profile: 'nessus', findings: 3 },
  // Risk blank on the SSH row: severity from the CVSS v4 score (5.3 → MEDIUM).
  'nessus-newer-columns.csv': { profile: 'nessus', findings: 2 },
  // One scan also exported as fixtures/nessus/pair-branch-office.nessus; 6 rows, the two per-CVE rows merge.
  'nessus-pair-branch-office.csv': { profile: 'nessus', findings: 5 },
  // 3 rows, the last is all commas: skipped as empty.
  'tenable-sc.csv': { profile: 'tenable-sc', findings: 2, issues: { 'empty-row': 1 } },
  // Two per-CVE rows merge; the Fixed row is archived.
  'tenable-vm.csv': { profile: 'tenable-vm', findings: 2, archived: 1 },
  'tenable-vm-findings.csv': { profile: 'tenable-vm-findings', findings: 2, archived: 1 },
  // The user's own 20-column selection (no asset.id): recognised by its key columns, hosts told apart by name.
  'tenable-vm-custom-columns.csv': { profile: 'tenable-vm-findings', findings: 3, archived: 1 },
  'tenable-was.csv': { profile: 'tenable-was', findings: 2, issues: { 'empty-row': 1 } },
  'openvas.csv': { profile: 'openvas', findings: 3 },
  'qualys-vm.csv': { profile: 'qualys-vm', findings: 2, archived: 1 },
  'qualys-vmdr-preamble.csv': {
    profile: 'qualys-vmdr',
    findings: 2,
    archived: 1,
    issues: { 'preamble-skipped': 1 },
  },
  'qualys-pci.csv': { profile: 'qualys-pci', findings: 1 },
  'alertlogic.csv': { profile: 'alertlogic', findings: 2 },
  'azure-defender.csv': { profile: 'azure-defender', findings: 2, archived: 1 },
  'veracode-sca.csv': { profile: 'veracode-sca', findings: 2, archived: 1 },
  'prisma-cloud.csv': { profile: 'prisma-cloud', findings: 2 },
  // A host scan: one compliance check failing for two files (two rows, merged: both causes in the description),
  // a vulnerability fixed in two versions and one that will not be fixed.
  'prisma-cloud-host.csv': { profile: 'prisma-cloud', findings: 3, issues: { 'merged-row': 1 } },
  'wiz.csv': { profile: 'wiz', findings: 2, archived: 1 },
  'sysdig.csv': { profile: 'sysdig', findings: 2 },
  'dialect-semicolon.csv': { profile: 'nessus', findings: 2 },
  'dialect-tab.tsv': { profile: 'nessus', findings: 2 },
  'dialect-excel-sep.csv': { profile: 'nessus', findings: 2 },
  'dialect-mixed-endings.csv': { profile: 'nessus', findings: 4 },
  'dialect-duplicate-empty-columns.csv': { profile: 'nessus', findings: 1 },
  'header-only.csv': { findings: 0 },
  'empty.csv': { findings: 0 },
  // 7 data rows: one too long, one too short, one empty, one without identity → 3 findings.
  'ragged-rows.csv': {
    profile: 'nessus',
    findings: 3,
    issues: { 'ragged-row': 2, 'empty-row': 1, 'missing-identity': 1 },
  },
  'latin1.csv': { profile: 'nessus', findings: 2, issues: { 'latin1-fallback': 1 } },
  'utf8-multibyte.csv': { profile: 'nessus', findings: 2 },
  // 4 rows with a user map: CHK-003 has no title, the last row no identity value; CHK-002 is closed.
  'generic-findings.csv': {
    profile: 'acme-audit',
    findings: 2,
    archived: 1,
    issues: { 'missing-title': 1, 'missing-identity': 1 },
    options: { adapterOptions: { csvMap: MAP } },
  },
};

/**
 * Inputs refused with an error: its code, the findings converted before it, and words its message must contain.
 * Not named `invalid-*`: the folder also holds the map file, which no folder convention would tell from a fixture, so
 * the suite gets lists (and test/adapters/csv/adapter.test.ts reads this file by name).
 */
const REFUSED: Record<string, Refusal> = {
  'unclosed-quote.csv': ['E_TRUNCATED', 1, 'ends inside a quoted cell'],
};

// The conformance suite every adapter passes (docs/adapters.md): each fixture's expected .asff.ndjson, valid ASFF
// with one Id each, the same findings and issues in 1/7/4096-byte chunks, the same Ids for
// nessus-default.reordered.csv, and the unclosed quote refused with a positioned error, the same in every chunk size.
// `inspect` adds each case's profile, counts and issues above.
testAdapter(csv, {
  fixtures: Object.keys(CASES).map((name) => join(FIXTURES, name)),
  invalid: Object.keys(REFUSED).map((name) => join(FIXTURES, name)),
  convertOptions: (name) => CASES[name]?.options ?? {},
  inspect: (input, conversion) => {
    const refused = REFUSED[input];
    if (refused !== undefined) return expectRefused(conversion, refused);
    const { findings, stats } = conversion;
    const expected = CASES[input];
    if (expected === undefined) throw new Error(`${input} is not in CASES`);
    expect(stats.complete).toBe(true);
    expect(findings).toHaveLength(expected.findings);
    expect(stats.issues).toEqual(expected.issues ?? {});
    expect(findings.filter((f) => f.RecordState === 'ARCHIVED')).toHaveLength(expected.archived ?? 0);
    for (const finding of findings) {
      expect(finding.ProductFields?.['asff-stream/csv/profile']).toBe(expected.profile);
    }
  },
});

describe('CSV fixtures', () => {
  it('lists every file of fixtures/csv: a case and its expected output, a reordered variant, the map or a refused input', () => {
    const cases = Object.keys(CASES);
    const expectedOutputs = cases.map((name) => `${name.replace(/\.[a-z]+$/, '')}${EXPECTED_SUFFIX}`);
    const listed = [...cases, ...expectedOutputs, ...Object.keys(REFUSED), MAP_FILE].sort();
    const present = readdirSync(FIXTURES).filter((name) => !/\.reordered\.[a-z]+$/.test(name));
    expect(present.sort()).toEqual(listed);
  });

  it('detects every fixture as csv without --format', async () => {
    for (const [name, expected] of Object.entries(CASES)) {
      expect(await detectedFormat(join(FIXTURES, name), expected.options), name).toBe('csv');
    }
  });
});
