import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import csv from '../../../adapters/csv/index.js';
import { convertAll, expectAllValid } from '../../helpers/asff.js';
import { fileChunks, randomSizes } from '../../helpers/chunks.js';
import { CORPUS_SKIP_REASON, corpusFile, corpusFiles, HAS_CORPUS } from '../../helpers/corpus.js';

/** Issue codes the CSV adapter itself reports (toAsff's truncation notices are not part of this table). */
const ADAPTER_CODES = [
  'ragged-row',
  'empty-row',
  'missing-identity',
  'missing-title',
  'merged-row',
  'latin1-fallback',
  'preamble-skipped',
  'unknown-severity',
];

interface Row {
  profile: string | undefined;
  /** Findings emitted. */
  findings: number;
  /** Distinct ASFF Ids (fewer than findings when the same identity comes back on non-adjacent rows). */
  ids: number;
  archived: number;
  /** Findings with at least one Vulnerabilities[] entry. */
  withCve: number;
  issues?: Record<string, number>;
  /** Non-adjacent repeats the pipeline merged through the adapter's mergeRepeat hook (counted as skipped). */
  repeatsMerged?: number;
}

/**
 * Every file of ../shared/corpus/csv, with counts derived independently of this code: Python's csv module reading
 * each file, the profile's identity columns restated, then data rows − ragged − empty − no-identity − merged
 * (adjacent rows with the same identity) = findings. The derivation and its full table are in docs/csv.md.
 */
const CORPUS: Record<string, Row> = {
  // 901 rows; 470 are verbatim repeats of the row before (Nessus writes one row per CVE, the CVE column was not
  // exported), merged silently.
  'IshraqQureshi-data__nessus.csv': { profile: 'nessus', findings: 431, ids: 431, archived: 0, withCve: 0 },
  // 738 rows; 15 adjacent repeats merged (4 of them with a different Plugin Output: service detection and
  // traceroute report one port twice); 26 more repeats are not adjacent: the pipeline merges them through the
  // adapter's mergeRepeat hook, so 697 findings with 697 Ids.
  'darkreporter__nessus.csv': {
    profile: 'nessus',
    findings: 697,
    ids: 697,
    archived: 0,
    withCve: 27,
    issues: { 'merged-row': 4 },
    repeatsMerged: 26,
  },
  'defectdojo__Qualys_Sample_Report.csv': {
    profile: 'qualys-vm',
    findings: 6,
    ids: 6,
    archived: 0,
    withCve: 1,
  },
  'defectdojo__alertlogic-many_vulns.csv': {
    profile: 'alertlogic',
    findings: 7,
    ids: 7,
    archived: 0,
    withCve: 4,
  },
  // One Healthy recommendation → archived.
  'defectdojo__azure_security_center-many_vulns.csv': {
    profile: 'azure-defender',
    findings: 4,
    ids: 4,
    archived: 1,
    withCve: 0,
  },
  // Zero bytes: no header, no findings, no error.
  'defectdojo__intsights-empty_with_error.csv': {
    profile: undefined,
    findings: 0,
    ids: 0,
    archived: 0,
    withCve: 0,
  },
  'defectdojo__issue_11102.csv': { profile: 'tenable-sc', findings: 3, ids: 3, archived: 0, withCve: 3 },
  'defectdojo__monthly_pci_issue6932.csv': {
    profile: 'qualys-pci',
    findings: 1,
    ids: 1,
    archived: 0,
    withCve: 0,
  },
  'defectdojo__nessus-template.csv': { profile: 'nessus', findings: 5, ids: 5, archived: 0, withCve: 5 },
  // 533 rows of which 529 are all commas.
  'defectdojo__nessus_many_vuln.csv': {
    profile: 'tenable-sc',
    findings: 4,
    ids: 4,
    archived: 0,
    withCve: 2,
    issues: { 'empty-row': 529 },
  },
  'defectdojo__nessus_many_vuln2-all.csv': {
    profile: 'nessus',
    findings: 29,
    ids: 29,
    archived: 0,
    withCve: 1,
    issues: { 'merged-row': 1 },
  },
  'defectdojo__nessus_many_vuln2-default.csv': {
    profile: 'nessus',
    findings: 29,
    ids: 29,
    archived: 0,
    withCve: 1,
    issues: { 'merged-row': 1 },
  },
  'defectdojo__nessus_new.csv': {
    profile: 'tenable-vm-findings',
    findings: 99,
    ids: 99,
    archived: 0,
    withCve: 50,
  },
  'defectdojo__nessus_was_many_vuln.csv': {
    profile: 'tenable-was',
    findings: 5,
    ids: 5,
    archived: 0,
    withCve: 0,
    issues: { 'empty-row': 24 },
  },
  // Header only, no trailing newline.
  'defectdojo__nessus_was_no_vuln.csv': { profile: undefined, findings: 0, ids: 0, archived: 0, withCve: 0 },
  'defectdojo__openvas-many_vuln.csv': { profile: 'openvas', findings: 4, ids: 4, archived: 0, withCve: 1 },
  // The CVE scanner's results use the CVE as NVT OID (the CVEs column is empty).
  'defectdojo__openvas-report_using_CVE.csv': {
    profile: 'openvas',
    findings: 43,
    ids: 43,
    archived: 0,
    withCve: 43,
  },
  // 3 preamble rows before the header; one FIXED row.
  'defectdojo__qualys_vmdr-many_vulns_cve.csv': {
    profile: 'qualys-vmdr',
    findings: 5,
    ids: 5,
    archived: 1,
    withCve: 5,
    issues: { 'preamble-skipped': 1 },
  },
  // 21-column header, one 25-field row: skipped, nothing else.
  'defectdojo__sysdig_reports_empty_with_error.csv': {
    profile: undefined,
    findings: 0,
    ids: 0,
    archived: 0,
    withCve: 0,
    issues: { 'ragged-row': 1 },
  },
  'defectdojo__sysdig_reports_many_vul.csv': {
    profile: 'sysdig',
    findings: 50,
    ids: 50,
    archived: 0,
    withCve: 50,
  },
  // 22 rows: 2 empty; 11 per-CVE rows merge into the row before them (only the CVE differs).
  'defectdojo__tenable_many_vuln.csv': {
    profile: 'tenable-vm',
    findings: 9,
    ids: 9,
    archived: 0,
    withCve: 9,
    issues: { 'empty-row': 2 },
  },
  'defectdojo__twistlock-scan_report_many_vuln.csv': {
    profile: 'prisma-cloud',
    findings: 3,
    ids: 3,
    archived: 0,
    withCve: 3,
  },
  // Bare CVE numbers (2022-31159) read as CVE ids; one Resolved issue.
  'defectdojo__veracode_sca.csv': { profile: 'veracode-sca', findings: 3, ids: 3, archived: 1, withCve: 3 },
  'defectdojo__wiz-multiple_findings.csv': { profile: 'wiz', findings: 98, ids: 98, archived: 1, withCve: 0 },
  // 94 rows; a compliance check on one host repeated with two other causes: 2 merges.
  'heimdall2__prismacloud_sample.csv': {
    profile: 'prisma-cloud',
    findings: 92,
    ids: 92,
    archived: 0,
    withCve: 65,
    issues: { 'merged-row': 2 },
  },
};

function adapterIssues(issues: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(issues).filter(([code]) => ADAPTER_CODES.includes(code)));
}

describe.skipIf(!HAS_CORPUS)('CSV corpus', () => {
  if (!HAS_CORPUS) it.skip(CORPUS_SKIP_REASON, () => {});

  it('lists every corpus CSV in the table', () => {
    expect(corpusFiles('csv').map((path) => basename(path))).toEqual(Object.keys(CORPUS).sort());
  });

  it.each(Object.entries(CORPUS))('%s converts with the expected counts', async (name, row) => {
    const { findings, stats } = await convertAll(corpusFile('csv', name), { scope: 'corpus' });
    expect(stats.adapter).toBe('csv');
    expect(stats.complete).toBe(true);
    expect(stats.failed).toBe(0);
    expect(findings).toHaveLength(row.findings);
    expectAllValid(findings);
    expect(new Set(findings.map((f) => f.Id)).size).toBe(row.ids);
    expect(findings.filter((f) => f.RecordState === 'ARCHIVED')).toHaveLength(row.archived);
    expect(findings.filter((f) => (f.Vulnerabilities ?? []).length > 0)).toHaveLength(row.withCve);
    expect(adapterIssues(stats.issues)).toEqual(row.issues ?? {});
    const skippedByAdapter = ['ragged-row', 'empty-row', 'missing-identity', 'missing-title']
      .map((code) => row.issues?.[code] ?? 0)
      .reduce((a, b) => a + b, 0);
    expect(stats.issues['repeated-id-merged'] ?? 0).toBe(row.repeatsMerged ?? 0);
    expect(stats.issues['repeated-id'] ?? 0).toBe(0);
    expect(stats.skipped).toBe(skippedByAdapter + (row.repeatsMerged ?? 0));
    for (const finding of findings) {
      expect(finding.ProductFields?.['asff-stream/csv/profile']).toBe(row.profile);
    }
  });

  it('gives the same findings for a real multi-line export read in small random chunks', async () => {
    const path = corpusFile('csv', 'defectdojo__nessus_new.csv');
    const ctx = { onIssue: () => undefined, options: {}, tempDir: '/tmp' };
    const whole = [];
    for await (const finding of csv.parse(fileChunks(path), ctx)) whole.push(finding);
    const pieces = [];
    for await (const finding of csv.parse(fileChunks(path, randomSizes(7, 97)), ctx)) pieces.push(finding);
    expect(pieces).toEqual(whole);
    expect(whole).toHaveLength(99);
  });
});
