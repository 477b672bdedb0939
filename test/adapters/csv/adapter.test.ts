import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import csv from '../../../adapters/csv/index.js';
import type { Finding, Issue } from '../../../src/adapter.js';
import { findingId } from '../../../src/asff/id.js';
import { HEADER_SEARCH_ROWS } from '../../../src/csv/rows.js';
import { isConverterError } from '../../../src/errors.js';
import { convertAll } from '../../helpers/asff.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/csv/', import.meta.url));

interface Parsed {
  findings: Finding[];
  issues: Issue[];
  error: unknown;
}

async function parse(
  input: string | Uint8Array,
  options: Record<string, unknown> = {},
  filename?: string,
): Promise<Parsed> {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  async function* source(): AsyncGenerator<Uint8Array> {
    yield bytes;
  }
  const issues: Issue[] = [];
  const findings: Finding[] = [];
  const ctx = {
    onIssue: (issue: Issue) => issues.push(issue),
    options,
    tempDir: '/tmp',
    ...(filename !== undefined ? { filename } : {}),
  };
  try {
    for await (const finding of csv.parse(source(), ctx)) findings.push(finding);
  } catch (error) {
    return { findings, issues, error };
  }
  return { findings, issues, error: undefined };
}

const NESSUS_HEADER = 'Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name,Plugin Output\n';

describe('detect', () => {
  it.each([
    ['a profile header', NESSUS_HEADER, 0.9],
    [
      'a profile header after a preamble',
      '"Report","2026"\n"Company"\n"QID","Title","Severity","Asset Id"\n',
      0.9,
    ],
    ['a semicolon profile header', 'definition.id;definition.name;asset.id;severity\n1;x;a;Low\n', 0.9],
    ['other delimited text', 'when,who,what\n1,2,3\n4,5,6\n', 0.3],
    ['a header-only unknown CSV', 'when,who,what', 0.3],
    ['JSON', '{"Results": [1,2,3]}', 0],
    ['a JSON array', '[{"a":1},{"b":2}]', 0],
    ['XML', '<?xml version="1.0"?><NessusClientData_v2/>', 0],
    ['one column', 'title\nvalue\n', 0],
    ['prose with commas', 'Hello, world\nThis line, it says, has three commas, really\nok\n', 0],
    ['empty text', '', 0],
  ])('scores %s', (_name, head, score) => {
    expect(csv.detect({ head })).toBe(score);
  });
});

describe('parse', () => {
  it('refuses an unknown header with E_FORMAT naming the profiles and --csv-map', async () => {
    const { error, findings } = await parse('when,who,what\n1,2,3\n');
    expect(findings).toEqual([]);
    expect(isConverterError(error) && error.code).toBe('E_FORMAT');
    const message = (error as Error).message;
    expect(message).toContain('unknown CSV header "when", "who", "what" (searched 2 row(s))');
    expect(isConverterError(error) && error.line).toBe(1);
    expect(message).toContain('known profiles: nessus, tenable-was, tenable-vm');
    expect(message).toContain('--csv-map map.json');
  });

  it('gives up looking for a header after the search window', async () => {
    const rows = Array.from({ length: HEADER_SEARCH_ROWS + 5 }, (_, i) => `"row ${i}","x"`).join('\n');
    const { error } = await parse(`${rows}\n${NESSUS_HEADER}`);
    expect(isConverterError(error) && error.code).toBe('E_FORMAT');
  });

  it('reads any CSV with a user map, after a preamble, and names a missing column with E_CONFIG', async () => {
    const map = { name: 'audit', title: 'Finding', identity: ['Check', 'Target'], severity: 'Level' };
    const ok = await parse('Audit export 2026\nCheck,Finding,Target,Level\nC1,Weak TLS,web,high\n', {
      csvMap: map,
    });
    expect(ok.error).toBeUndefined();
    expect(ok.findings).toHaveLength(1);
    expect(ok.findings[0]).toMatchObject({
      identity: ['audit', 'C1', 'web'],
      title: 'Weak TLS',
      ruleId: 'Weak TLS',
      severity: { label: 'HIGH', original: 'high' },
      // No resourceId column in the map: the resource is the scope hint.
      resources: [{ Type: 'Other', Id: 'audit' }],
      scopeHint: 'audit',
    });
    expect(ok.issues.map((i) => [i.code, i.line])).toEqual([['preamble-skipped', 2]]);

    const bad = await parse('Check,Finding,Level\nC1,Weak TLS,high\n', { csvMap: map });
    expect(isConverterError(bad.error) && bad.error.code).toBe('E_CONFIG');
    expect((bad.error as Error).message).toBe(
      'csv map: identity[1]: no "Target" in the header "Check", "Finding", "Level"',
    );
  });

  it('refuses a bad map before reading any input', async () => {
    let pulled = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      pulled = true;
      yield Buffer.from(NESSUS_HEADER);
    }
    const ctx = { onIssue: () => undefined, options: { csvMap: { title: 'x' } }, tempDir: '/tmp' };
    await expect(csv.parse(source(), ctx)[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'E_CONFIG',
    });
    expect(pulled).toBe(false);
  });

  it('skips a ragged row with an issue naming the line where the record starts', async () => {
    const text = `${NESSUS_HEADER}1,,,Low,h,tcp,1,"two\nlines",\n2,,,Low,h,tcp,2,x,y,extra\n3,,,Low,h,tcp,3,z,\n`;
    const { findings, issues } = await parse(text);
    expect(findings.map((f) => f.ruleId)).toEqual(['tenable-plugin/1', 'tenable-plugin/3']);
    expect(issues).toEqual([
      {
        code: 'ragged-row',
        message: 'row has 10 fields but the header (line 1) has 9; skipped',
        line: 4,
        recordIndex: 2,
        skipped: true,
      },
    ]);
  });

  it('merges adjacent rows of one result (one per CVE) and keeps non-adjacent repeats apart', async () => {
    const row = (cve: string, port = '443', output = 'same') =>
      `10,${cve},5.0,Medium,h,tcp,${port},RC4,${output}\n`;
    const text =
      NESSUS_HEADER + row('CVE-2013-2566') + row('CVE-2015-2808') + row('', '22') + row('CVE-2020-0001');
    const { findings, issues } = await parse(text);
    expect(findings).toHaveLength(3);
    expect(findings[0]?.vulnerabilities?.map((v) => v.Id)).toEqual(['CVE-2013-2566', 'CVE-2015-2808']);
    expect(findings[0]?.identity).toEqual(findings[2]?.identity);
    expect(findingId('s', 'csv', findings[0]!.identity)).toBe(findingId('s', 'csv', findings[2]!.identity));
    expect(issues).toEqual([]);
  });

  it('says what was merged when repeated rows differ beyond their CVEs, and appends ProductFields', async () => {
    const text = `${NESSUS_HEADER}22964,,,None,h,tcp,443,Service Detection,A TLSv1 server answered\n22964,,,None,h,tcp,443,Service Detection,A web server is running\n`;
    const { findings, issues } = await parse(text);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.productFields?.pluginOutput).toBe(
      'A TLSv1 server answered\n---\nA web server is running',
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'merged-row', line: 3 });
    expect(issues[0]?.message).toContain('"Plugin Output"');
  });

  it('emits the finding read before a fatal error, then fails', async () => {
    const bytes = await readFile(`${FIXTURES}unclosed-quote.csv`);
    const { findings, error } = await parse(bytes);
    expect(findings.map((f) => f.ruleId)).toEqual(['tenable-plugin/12107']);
    expect(isConverterError(error) && [error.code, error.line]).toEqual(['E_TRUNCATED', 3]);
  });

  it('falls back to the CVSS score for an unknown severity word, with an issue', async () => {
    const { findings, issues } = await parse(
      `${NESSUS_HEADER}1,,9.1,Severe-ish,h,tcp,1,x,\n2,,,Bogus,h,tcp,2,y,\n`,
    );
    expect(findings.map((f) => f.severity)).toEqual([
      { label: 'CRITICAL', original: 'Severe-ish' },
      { label: 'INFORMATIONAL', original: 'Bogus' },
    ]);
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ['unknown-severity', 2],
      ['unknown-severity', 3],
    ]);
  });

  it('keeps every vulnerability id in ProductFields when there are more than ASFF keeps', async () => {
    const cves = Array.from({ length: 23 }, (_, i) => `CVE-2021-${1000 + i}`).join(', ');
    const { findings } = await parse(`${NESSUS_HEADER}1,"${cves}",,High,h,tcp,1,x,\n`);
    expect(findings[0]?.vulnerabilities).toHaveLength(23);
    expect(findings[0]?.productFields?.vulnerabilityIds).toBe(cves);
  });

  it('reports each row decoded as Windows-1252', async () => {
    const bytes = await readFile(`${FIXTURES}latin1.csv`);
    const { findings, issues } = await parse(bytes);
    expect(findings[0]?.title).toBe('Prix € “cité” exposé on 443/tcp');
    expect(issues).toEqual([
      {
        code: 'latin1-fallback',
        message: 'row is not valid UTF-8; decoded as Windows-1252 (Latin-1)',
        line: 2,
        recordIndex: 1,
      },
    ]);
  });

  it('skips rows without identity or title, and blank lines silently', async () => {
    const map = { title: 'T', identity: ['K'] };
    const { findings, issues } = await parse('K,T\n\nk1,\n,t2\n,\nk3,t3\n', { csvMap: map });
    expect(findings.map((f) => f.title)).toEqual(['t3']);
    expect(issues.map((i) => [i.code, i.line, i.skipped])).toEqual([
      ['missing-title', 3, true],
      ['missing-identity', 4, true],
      ['empty-row', 5, true],
    ]);
  });

  it('hints the file name as scope, else the profile', async () => {
    const one = await parse(`${NESSUS_HEADER}1,,,Low,h,tcp,1,x,\n`, {}, '/scans/weekly.csv.gz');
    const two = await parse(`${NESSUS_HEADER}1,,,Low,h,tcp,1,x,\n`);
    expect(one.findings[0]?.scopeHint).toBe('weekly.csv');
    expect(two.findings[0]?.scopeHint).toBe('nessus');
  });

  it('namespaces Ids by profile: the same values in two layouts never share an Id', async () => {
    const nessus = await parse('Plugin ID,Host,Protocol,Port,Name\n1,h,tcp,1,x\n');
    const was = await parse('Plugin ID,Host,Protocol,Port,Name,CVSSv3,Risk\n1,h,tcp,1,x,,Low\n');
    expect(nessus.findings[0]?.identity).toEqual(['nessus', 'h', 'tcp', '1', '1']);
    expect(was.findings[0]?.identity).toEqual(['tenable-was', 'h', 'tcp', '1', '1']);
  });

  it('converts a user map given as a path through the pipeline', async () => {
    const { findings, stats } = await convertAll(`${FIXTURES}generic-findings.csv`, {
      format: 'csv',
      adapterOptions: { csvMap: `${FIXTURES}generic-findings.map.json` },
    });
    expect(findings.map((f) => f.GeneratorId)).toEqual(['csv/CHK-001', 'csv/CHK-002']);
    expect(findings[1]?.Vulnerabilities?.map((v) => v.Id)).toEqual(['CVE-2016-2107', 'CVE-2016-2105']);
    expect(stats).toMatchObject({ received: 4, emitted: 2, skipped: 2 });
  });

  it('fails the pipeline with exit-2 codes for an unknown CSV and a bad map', async () => {
    await expect(convertAll(Buffer.from('when,who,what\n1,2,3\n'), { format: 'csv' })).rejects.toMatchObject({
      code: 'E_FORMAT',
    });
    await expect(
      convertAll(`${FIXTURES}nessus-default.csv`, { adapterOptions: { csvMap: `${FIXTURES}missing.json` } }),
    ).rejects.toMatchObject({ code: 'E_CONFIG' });
  });
});
