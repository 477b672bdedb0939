import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCsvMap } from '../../../adapters/csv/load-map.js';
import { CSV_MAP_KEYS, parseCsvMap } from '../../../adapters/csv/spec.js';

const MINIMAL = { title: 'Finding', identity: ['Check', 'Target'] };

describe('parseCsvMap', () => {
  it('accepts names, column numbers, templates, constants and candidate lists', () => {
    const map = {
      ...MINIMAL,
      description: ['Details', { template: 'Check {Check} on {#5}' }],
      resourceType: { value: 'AwsEc2Instance' },
      severity: 4,
      severityScale: 'qualys',
      cvss: { v3: 'CVSS3', v3Vector: 'Vector' },
      package: { name: 'Package', fixedIn: 'Fix' },
      resolved: { column: 'State', values: ['closed'] },
      details: { owner: 'Owner' },
      productFields: { 'team.name': 'Team' },
    };
    expect(parseCsvMap(map)).toBe(map);
  });

  it.each([
    ['not an object', [], /csv map "m.json": must be a JSON object/],
    ['no title', { identity: ['a'] }, /title is required/],
    ['no identity', { title: 'a' }, /identity is required/],
    ['empty identity', { title: 'a', identity: [] }, /identity is required/],
    [
      'a typo',
      { ...MINIMAL, tittle: 'x' },
      /tittle is not a known key \(known: compliance, confidence, container, cve, cvss, description, details, epss, evidence/,
    ],
    ['an empty column name', { ...MINIMAL, description: ' ' }, /description is an empty column name/],
    ['column 0', { ...MINIMAL, ruleId: 0 }, /ruleId must be a column number from 1/],
    [
      'a template without placeholder',
      { ...MINIMAL, url: { template: 'https://x' } },
      /url\.template has no \{column\}/,
    ],
    ['a bad column number', { ...MINIMAL, url: { template: '{#0}' } }, /bad column number \{#0\}/],
    [
      'an unknown scale',
      { ...MINIMAL, severityScale: 'cvss4' },
      /severityScale must be one of label, nessus, qualys, cvss/,
    ],
    ['an unknown cvss key', { ...MINIMAL, cvss: { v5: 'x' } }, /cvss\.v5 is not a known key/],
    [
      'a bad resolved',
      { ...MINIMAL, resolved: { column: 'State' } },
      /resolved\.values must be a non-empty list/,
    ],
    ['a bad details key', { ...MINIMAL, details: { 'a b': 'x' } }, /details\.a b must be 1–64 letters/],
    ['a list with a bad entry', { ...MINIMAL, cve: ['CVE', true] }, /cve\[1\] must be a column name/],
    ['empty types', { ...MINIMAL, types: [] }, /types must be a non-empty list/],
  ])('refuses %s with E_CONFIG', (_name, map, message) => {
    expect(() => parseCsvMap(map, '"m.json"')).toThrow(message);
    try {
      parseCsvMap(map);
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_CONFIG' });
    }
  });

  it('names the map in its messages', () => {
    expect(() => parseCsvMap({}, '"audit.json"')).toThrow('csv map "audit.json": title is required');
  });

  it('lists every key of the map format', () => {
    expect(CSV_MAP_KEYS).toContain('identity');
    expect(CSV_MAP_KEYS).toContain('productFields');
    expect(CSV_MAP_KEYS).toHaveLength(30);
  });
});

describe('loadCsvMap', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csv-map-'));
    await writeFile(join(dir, 'good.json'), `\uFEFF${JSON.stringify(MINIMAL)}`);
    await writeFile(join(dir, 'broken.json'), '{"title": ');
    await writeFile(join(dir, 'typo.json'), JSON.stringify({ ...MINIMAL, severty: 'x' }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes an object, JSON text or a file path, and nothing', async () => {
    expect(await loadCsvMap(MINIMAL)).toEqual(MINIMAL);
    expect(await loadCsvMap(JSON.stringify(MINIMAL))).toEqual(MINIMAL);
    expect(await loadCsvMap(join(dir, 'good.json'))).toEqual(MINIMAL);
    expect(await loadCsvMap(undefined)).toBeUndefined();
  });

  it.each([
    ['missing.json', /cannot read csv map ".*missing\.json": no such file/],
    ['broken.json', /csv map ".*broken\.json" is not valid JSON/],
    ['typo.json', /csv map ".*typo\.json": severty is not a known key/],
  ])('refuses %s with E_CONFIG', async (name, message) => {
    const error = await loadCsvMap(join(dir, name)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_CONFIG' });
    expect(String((error as Error).message)).toMatch(message);
  });

  it('refuses a directory and a number', async () => {
    await expect(loadCsvMap(dir)).rejects.toMatchObject({ code: 'E_CONFIG' });
    await expect(loadCsvMap(42)).rejects.toThrow(
      /csvMap must be a CSV map object or the path of a JSON file/,
    );
  });
});

describe('parseCsvMap: containers, compliance, evidence, identity fallbacks', () => {
  const MAP = { title: 'T', identity: ['Id'] };
  it('accepts the new keys', () => {
    const map = {
      ...MAP,
      identity: [['Asset', 'Host'], 'Port'],
      evidence: 'Output',
      container: { image: { template: '{Repo}:{Tag}' }, imageId: 'Digest', name: 'Container' },
      compliance: { whenBlank: 'CVE', status: 'State', types: ['Software and Configuration Checks'] },
    };
    expect(parseCsvMap(map)).toBe(map);
  });
  it.each([
    [{ ...MAP, container: { digest: 'D' } }, /container\.digest is not a known key/],
    [{ ...MAP, container: 'Image' }, /container must be an object/],
    [{ ...MAP, compliance: { status: '' } }, /compliance\.status is an empty column name/],
    [{ ...MAP, compliance: { types: [] } }, /compliance\.types must be a non-empty list/],
    [{ ...MAP, identity: [[]] }, /identity\[0\] is an empty list/],
  ])('refuses %j', (map, message) => {
    expect(() => parseCsvMap(map)).toThrow(message);
  });
});
