import { PassThrough } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { generateBuffer, writeGenerated } from '../../bench/generate.mjs';

const CASES = [
  { format: 'sarif', variant: 'codeql' },
  { format: 'sarif', variant: 'semgrep' },
  { format: 'trivy' },
  { format: 'nessus' },
  { format: 'csv' },
] as const;

const MB = 1_000_000;

/** A 4-byte UTF-8 lead byte (emoji, math letters) somewhere in the bytes. */
function hasFourByteUtf8(buffer: Buffer): boolean {
  return buffer.some((byte) => byte >= 0xf0 && byte <= 0xf4);
}

describe('bench input generator: determinism', () => {
  it.each(CASES)('the same seed gives identical bytes ($format $variant)', (spec) => {
    const a = generateBuffer(spec.format, { sizeBytes: 200_000, seed: 42, ...spec });
    const b = generateBuffer(spec.format, { sizeBytes: 200_000, seed: 42, ...spec });
    expect(a.buffer.equals(b.buffer)).toBe(true);
    expect(a.stats).toEqual(b.stats);
  });

  it.each(CASES)('another seed gives other bytes ($format $variant)', (spec) => {
    const a = generateBuffer(spec.format, { sizeBytes: 100_000, seed: 1, ...spec });
    const b = generateBuffer(spec.format, { sizeBytes: 100_000, seed: 2, ...spec });
    expect(a.buffer.equals(b.buffer)).toBe(false);
  });

  it.each(CASES)('streaming through writeGenerated gives the same bytes ($format $variant)', async (spec) => {
    const options = { sizeBytes: 1_500_000, seed: 7, ...spec };
    const sink = new PassThrough();
    const parts: Buffer[] = [];
    sink.on('data', (chunk: Buffer) => parts.push(chunk));
    const stats = await writeGenerated(spec.format, options, sink);
    sink.end();
    expect(Buffer.concat(parts).equals(generateBuffer(spec.format, options).buffer)).toBe(true);
    expect(stats.bytes).toBe(Buffer.concat(parts).length);
  });

  it.each(CASES)('stops within one record after the requested size ($format $variant)', (spec) => {
    const { buffer, stats } = generateBuffer(spec.format, { sizeBytes: MB, seed: 3, ...spec });
    expect(stats.bytes).toBe(buffer.length);
    expect(buffer.length).toBeGreaterThanOrEqual(MB);
    // One Nessus host (up to 120 items) is the largest unit written at once.
    expect(buffer.length).toBeLessThan(MB + 400_000);
  });

  it('rejects an unknown text mix', () => {
    expect(() => generateBuffer('trivy', { sizeBytes: 1000, text: 'latin' as 'realistic' })).toThrow(
      /unknown text mix "latin"/,
    );
  });

  it('rejects an unknown format and an unknown SARIF variant', () => {
    expect(() => generateBuffer('xlsx', { sizeBytes: 1000 })).toThrow(/unknown format "xlsx"/);
    expect(() => generateBuffer('sarif', { sizeBytes: 1000, variant: 'eslint' })).toThrow(
      /unknown SARIF variant/,
    );
  });
});

describe('bench input generator: well-formed, realistic output at ~1 MB', () => {
  it('SARIF (CodeQL-style) parses, rules come first and every ruleIndex points at its rule', () => {
    const { buffer, stats } = generateBuffer('sarif', { sizeBytes: MB, seed: 5, variant: 'codeql' });
    const log = JSON.parse(buffer.toString('utf8'));
    const run = log.runs[0];
    expect(log.version).toBe('2.1.0');
    expect(Object.keys(run).indexOf('tool')).toBeLessThan(Object.keys(run).indexOf('results'));
    expect(run.results).toHaveLength(stats.records);
    const rules = run.tool.driver.rules as { id: string; properties: Record<string, unknown> }[];
    expect(rules.length).toBeGreaterThanOrEqual(50);
    for (const result of run.results) {
      expect(rules[result.ruleIndex]?.id).toBe(result.ruleId);
      expect(result.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:\d$/);
      expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe(
        run.artifacts[result.locations[0].physicalLocation.artifactLocation.index].location.uri,
      );
    }
    expect(
      rules.filter((r) => /^\d+\.\d$/.test(String(r.properties['security-severity']))).length,
    ).toBeGreaterThan(0);
    expect(hasFourByteUtf8(buffer)).toBe(true);
  });

  it('SARIF (Semgrep-style) parses and puts results before the tool and its rules', () => {
    const { buffer, stats } = generateBuffer('sarif', { sizeBytes: MB, seed: 5, variant: 'semgrep' });
    const text = buffer.toString('utf8');
    const log = JSON.parse(text);
    const run = log.runs[0];
    expect(Object.keys(run)).toEqual(['invocations', 'results', 'tool']);
    expect(text.indexOf('"results":[')).toBeLessThan(text.indexOf('"rules":['));
    expect(run.results).toHaveLength(stats.records);
    const ids = new Set(run.tool.driver.rules.map((r: { id: string }) => r.id));
    for (const result of run.results) expect(ids.has(result.ruleId)).toBe(true);
    expect(run.tool.driver.rules[0].properties['security-severity']).toMatch(/^(CRITICAL|HIGH|MEDIUM|LOW)$/);
  });

  it('Trivy parses as schema v2 with one huge OS result, language results and CVSS blocks', () => {
    const { buffer, stats } = generateBuffer('trivy', { sizeBytes: MB, seed: 5 });
    const report = JSON.parse(buffer.toString('utf8'));
    expect(report.SchemaVersion).toBe(2);
    const results = report.Results as {
      Class: string;
      Type: string;
      Vulnerabilities: Record<string, unknown>[];
    }[];
    expect(results.map((r) => r.Class)).toEqual([
      'os-pkgs',
      'lang-pkgs',
      'lang-pkgs',
      'lang-pkgs',
      'lang-pkgs',
    ]);
    const counts = results.map((r) => r.Vulnerabilities.length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(stats.records);
    expect(counts[0]).toBeGreaterThan(counts.slice(1).reduce((a, b) => a + b, 0));
    const all = results.flatMap((r) => r.Vulnerabilities);
    expect(
      all.every((v) => typeof (v.CVSS as { nvd?: { V3Score?: number } }).nvd?.V3Score === 'number'),
    ).toBe(true);
    const keys = all.map((v) => `${v.VulnerabilityID}|${v.PkgID}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('Nessus is well-formed XML per saxes, with hosts, properties and CVE-bearing items', () => {
    const { buffer, stats } = generateBuffer('nessus', { sizeBytes: MB, seed: 5 });
    const parser = new SaxesParser();
    const seen: Record<string, number> = {};
    let root = '';
    parser.on('opentag', (tag) => {
      if (root === '') root = tag.name;
      seen[tag.name] = (seen[tag.name] ?? 0) + 1;
    });
    parser.write(buffer.toString('utf8')).close();
    expect(root).toBe('NessusClientData_v2');
    expect(seen.Policy).toBe(1);
    expect(seen.ReportItem).toBe(stats.records);
    expect(seen.ReportHost).toBeGreaterThan(5);
    expect(seen.HostProperties).toBe(seen.ReportHost);
    expect(seen.cve).toBeGreaterThan(0);
    expect(seen.cvss3_base_score).toBeGreaterThan(0);
    expect(seen.plugin_output).toBe(stats.records);
  });

  it('CSV parses with csv-parse into the 13 Nessus columns on every row, with CRLF records and LF inside cells', () => {
    const { buffer, stats } = generateBuffer('csv', { sizeBytes: MB, seed: 5 });
    const text = buffer.toString('utf8');
    const rows: string[][] = parseCsv(text);
    expect(rows[0]).toEqual([
      'Plugin ID',
      'CVE',
      'CVSS',
      'Risk',
      'Host',
      'Protocol',
      'Port',
      'Name',
      'Synopsis',
      'Description',
      'Solution',
      'See Also',
      'Plugin Output',
    ]);
    expect(new Set(rows.map((row) => row.length))).toEqual(new Set([13]));
    expect(rows.length - 1).toBe(stats.records);
    // A plugin with several CVEs gives several rows of one result (plugin, host, protocol, port).
    const results = new Set(rows.slice(1).map((row) => [row[0], row[4], row[5], row[6]].join('|')));
    expect(results.size).toBe(stats.findings);
    expect(stats.findings).toBeLessThan(stats.records);
    expect(text.endsWith('"\r\n')).toBe(true);
    expect(rows.some((row) => row[9]?.includes('\n') && !row[9].includes('\r'))).toBe(true);
    expect(rows.some((row) => row[12]?.includes('"'))).toBe(true);
  });
});

/** Share of the hot-array records (SARIF results, Trivy vulnerabilities) whose JSON has a non-ASCII character. */
function nonAsciiShare(buffer: Buffer, format: 'sarif' | 'trivy'): number {
  const document = JSON.parse(buffer.toString('utf8'));
  const records: unknown[] =
    format === 'sarif'
      ? document.runs.flatMap((run: { results: unknown[] }) => run.results)
      : document.Results.flatMap((result: { Vulnerabilities?: unknown[] }) => result.Vulnerabilities ?? []);
  const withNonAscii = records.filter((record) => /[^\u0000-\u007f]/.test(JSON.stringify(record)));
  return withNonAscii.length / records.length;
}

describe('bench input generator: text mixes', () => {
  const shapes = [
    { format: 'sarif', variant: 'codeql' },
    { format: 'sarif', variant: 'semgrep' },
    { format: 'trivy' },
  ] as const;

  it.each(shapes)(
    'realistic (default): a multi-byte word in a few per cent of records ($format $variant)',
    (spec) => {
      const { buffer } = generateBuffer(spec.format, { sizeBytes: MB, seed: 5, ...spec });
      const share = nonAsciiShare(buffer, spec.format);
      expect(share).toBeGreaterThan(0.01);
      expect(share).toBeLessThan(0.25);
      expect(
        hasFourByteUtf8(generateBuffer(spec.format, { sizeBytes: 4 * MB, seed: 5, ...spec }).buffer),
      ).toBe(true);
    },
  );

  it.each(shapes)('multibyte-heavy: a multi-byte word in most records ($format $variant)', (spec) => {
    const { buffer } = generateBuffer(spec.format, {
      sizeBytes: MB,
      seed: 5,
      text: 'multibyte-heavy',
      ...spec,
    });
    expect(nonAsciiShare(buffer, spec.format)).toBeGreaterThan(0.6);
  });
});
