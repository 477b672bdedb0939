import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SeverityLabel } from '../../../src/adapter.js';
import { isConverterError } from '../../../src/errors.js';
import { convertAll, expectAllValid } from '../../helpers/asff.js';
import { CORPUS_SKIP_REASON, corpusFile, corpusFiles, HAS_CORPUS } from '../../helpers/corpus.js';
import { fileBytes, runNessus } from './run.js';

/**
 * Expected results for every file of `../shared/corpus/nessus/`, derived independently of the adapter: the
 * per-severity counts are the `severity` attributes of every `ReportItem` as counted by Python's
 * xml.etree.ElementTree (they match `grep -c '<ReportItem'` and the corpus MANIFEST); one finding per ReportItem,
 * pluginID 0 open-port records included. Counts are INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL.
 */
const CONVERTING: Record<string, readonly [number, number, number, number, number]> = {
  'defectdojo__issue_6992.nessus': [0, 0, 1, 0, 0],
  'defectdojo__nessus_many_vuln.xml': [7, 0, 0, 0, 0],
  'defectdojo__nessus_v_unknown.xml': [266, 7, 23, 0, 0],
  'defectdojo__nessus_was_many_vuln.xml': [1, 3, 0, 1, 0],
  'defectdojo__nessus_was_no_vuln.xml': [0, 0, 0, 0, 0],
  'defectdojo__nessus_with_cvssv3.nessus': [23, 1, 13, 10, 2],
  'defectdojo__nessus_with_cwe-.nessus': [0, 0, 0, 1, 0],
  'dradis-nessus__example_v2.nessus': [19, 47, 3, 0, 0],
  'dradis-nessus__vpr_score.xml': [0, 1, 0, 0, 0],
  'heimdall2__sample.nessus': [140, 2, 5, 1, 1],
  'mulval_1.3.1__test.nessus': [100, 0, 2, 0, 0],
  'pyTenable__example.nessus': [135, 2, 9, 77, 7],
  'ruby-nessus__example_v3.nessus': [118, 8, 16, 5, 8],
};

/** Files that must be refused, with the error code and words of the message (adapter chosen explicitly). */
const REFUSED = {
  'hacketscript__sample.nessus': ['E_FORMAT', 'ZIP/XLSX archive'],
  'ruby-nessus__example_v1.nessus': ['E_FORMAT', 'Nessus v1 export'],
  'ruby-nessus__example_v_wrong.nessus': ['E_FORMAT', 'root element is <NessusClientData_vwrong>'],
} as const;

/** Items whose host+port+protocol+pluginID repeats in a file (found with the same Python script). */
const REPEATED_ITEMS: Record<string, number> = {
  'defectdojo__nessus_with_cvssv3.nessus': 1,
  'dradis-nessus__example_v2.nessus': 1,
  'heimdall2__sample.nessus': 2,
  'mulval_1.3.1__test.nessus': 1,
};

const LABELS: readonly SeverityLabel[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
/** Every string inside `value` that still holds a carriage return (Nessus' `&#xd;` must become line feeds). */
function stringsWithCarriageReturn(value: unknown): string[] {
  const found: string[] = [];
  JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'string' && item.includes('\r')) found.push(item);
    return item;
  });
  return found;
}

const sum = (counts: readonly number[]): number => counts.reduce((a, b) => a + b, 0);

describe.skipIf(!HAS_CORPUS)('nessus corpus', () => {
  it('covers every file of the corpus folder', () => {
    const names = corpusFiles('nessus').map((path) => basename(path));
    expect(names.sort()).toEqual([...Object.keys(CONVERTING), ...Object.keys(REFUSED)].sort());
  });

  describe.each(Object.entries(CONVERTING))('%s', (name, counts) => {
    it(`converts to exactly ${sum(counts)} valid findings with distinct Ids and the expected severities`, async () => {
      const { findings, stats } = await convertAll(corpusFile('nessus', name));
      expect(stats.adapter).toBe('nessus');
      expect(stats.complete).toBe(true);
      expect(findings).toHaveLength(sum(counts));
      expect(LABELS.map((label) => stats.bySeverity[label])).toEqual(counts);
      expect(stats.failed).toBe(0);
      expectAllValid(findings);
      expect(new Set(findings.map((finding) => finding.Id)).size).toBe(findings.length);
      expect(stringsWithCarriageReturn(findings)).toEqual([]);
    });

    it(`keeps ${sum(counts) - counts[0]} findings with minSeverity LOW and counts the rest as skipped`, async () => {
      const run = await runNessus(fileBytes(corpusFile('nessus', name)), {
        adapterOptions: { minSeverity: 'LOW' },
      });
      expect(run.error).toBeUndefined();
      expect(run.findings).toHaveLength(sum(counts) - counts[0]);
      expect(run.issues.filter((issue) => issue.code === 'below-min-severity')).toHaveLength(counts[0]);
    });
  });

  it.each(Object.entries(REPEATED_ITEMS))('numbers the repeated items of %s (%i)', async (name, repeated) => {
    const run = await runNessus(fileBytes(corpusFile('nessus', name)));
    expect(run.findings.filter((finding) => finding.identity.at(-1) === '#2')).toHaveLength(repeated);
  });

  it.each(Object.entries(REFUSED))('refuses %s with %s', async (name, [code, words]) => {
    const run = await runNessus(fileBytes(corpusFile('nessus', name)));
    expect(run.findings).toEqual([]);
    expect(run.error?.code).toBe(code);
    expect(run.error?.message).toContain(words);
  });

  it.each(Object.keys(REFUSED))('fails %s with E_FORMAT through auto-detection too', async (name) => {
    const error = await convertAll(corpusFile('nessus', name)).catch((caught: unknown) => caught);
    expect(isConverterError(error) && error.code).toBe('E_FORMAT');
  });

  it.each([
    ['pyTenable__example.nessus', 4093],
    ['defectdojo__nessus_with_cvssv3.nessus', 65_537],
    ['dradis-nessus__example_v2.nessus', 7],
  ])('gives the same findings for %s in %i-byte chunks as in one chunk', async (name, size) => {
    const bytes = fileBytes(corpusFile('nessus', name));
    const whole = await runNessus(bytes);
    const chunked = await runNessus(bytes, { chunkSize: size });
    expect(chunked.findings).toEqual(whole.findings);
    expect(chunked.issues).toEqual(whole.issues);
  });

  it('reads the CWE-prefixed <cwe> values of nessus_with_cwe-', async () => {
    const run = await runNessus(fileBytes(corpusFile('nessus', 'defectdojo__nessus_with_cwe-.nessus')));
    expect(String(run.findings[0]?.productFields?.cwe)).toMatch(/^CWE-\d+( CWE-\d+)*$/);
  });

  it('reads the VPR score of vpr_score.xml', async () => {
    const run = await runNessus(fileBytes(corpusFile('nessus', 'dradis-nessus__vpr_score.xml')));
    expect(run.findings[0]?.productFields?.vpr_score).toBe('9.0');
  });

  it('keeps the URL host of the WAS export and converts its no-vulnerability sibling to nothing', async () => {
    const many = await runNessus(fileBytes(corpusFile('nessus', 'defectdojo__nessus_was_many_vuln.xml')));
    expect(new Set(many.findings.map((finding) => finding.resources[0]?.Id))).toEqual(
      new Set(['http://google.com/']),
    );
    const none = await runNessus(fileBytes(corpusFile('nessus', 'defectdojo__nessus_was_no_vuln.xml')));
    expect(none).toEqual({ findings: [], issues: [] });
  });
});

it.skipIf(HAS_CORPUS)('skips the corpus tests when the corpus is absent', () => {
  expect(CORPUS_SKIP_REASON).toContain('corpus');
});
