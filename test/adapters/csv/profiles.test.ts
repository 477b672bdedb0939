import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compileMap } from '../../../adapters/csv/compile.js';
import { matchProfile, PROFILES } from '../../../adapters/csv/profiles/index.js';
import { parseCsvMap } from '../../../adapters/csv/spec.js';
import { CsvHeader } from '../../../src/csv/header.js';

const header = (names: string[]) => new CsvHeader(names, 1);
/** A header of a profile's key columns, taking the `pick`-th alternative of each list (the last when shorter). */
const keyHeader = (p: { signature: readonly (string | readonly string[])[] }, pick = 0): string[] =>
  p.signature.map((key) => (typeof key === 'string' ? key : key[Math.min(pick, key.length - 1)]!));

describe('profiles', () => {
  it('have unique ids that name their maps', () => {
    expect(new Set(PROFILES.map((p) => p.id)).size).toBe(PROFILES.length);
    for (const profile of PROFILES) expect(profile.map.name).toBe(profile.id);
  });

  it.each(PROFILES.map((p) => [p.id, p] as const))('%s is a valid CSV map', (_id, profile) => {
    expect(parseCsvMap(profile.map)).toBe(profile.map);
  });

  it.each(PROFILES.map((p) => [p.id, p] as const))(
    '%s is picked from its own key columns',
    (_id, profile) => {
      const widest = Math.max(
        1,
        ...profile.signature.map((key) => (typeof key === 'string' ? 1 : key.length)),
      );
      for (let pick = 0; pick < widest; pick++)
        expect(matchProfile(header(keyHeader(profile, pick)))?.id).toBe(profile.id);
      // Case, spacing and a BOM do not matter.
      const messy = keyHeader(profile).map((name, i) => `${i === 0 ? '\uFEFF' : ''} ${name.toUpperCase()} `);
      expect(matchProfile(header(messy))?.id).toBe(profile.id);
    },
  );

  it.each(PROFILES.map((p) => [p.id, p] as const))(
    '%s finds title and identity in its own signature',
    (_id, p) => {
      const map = compileMap(p.map, header(keyHeader(p)), false, p.id);
      const row = p.signature.map((_, i) => `v${i}`);
      expect(map.title(row)).not.toBe('');
      expect(map.identity.some((get) => get(row) !== '')).toBe(true);
    },
  );

  it.each([
    [['Plugin ID', 'Host', 'Risk', 'Name'], 'nessus'],
    [['Plugin ID', 'Host', 'Risk', 'Name', 'CVSSv3'], 'tenable-was'],
    [['Plugin ID', 'Host', 'Risk', 'Vulnerability State', 'IP Address', 'Plugin Family'], 'tenable-vm'],
    [['IP', 'QID', 'Title', 'Severity', 'Port'], 'qualys-vm'],
    [['CVE', 'QID', 'Title', 'Severity', 'Asset Id'], 'qualys-vmdr'],
    [['IP', 'QID', 'VULN TITLE', 'SEVERITY', 'Q_SEVERITY'], 'qualys-pci'],
    [['Title', 'Severity', 'Host'], undefined],
    // Tenable VM exports with their own column selection: key columns only, in any company.
    [['asset.name', 'definition.id', 'severity', 'port', 'output'], 'tenable-vm-findings'],
    [['Plugin ID', 'Host', 'Vulnerability State', 'Name'], 'tenable-vm'],
    [['Plugin ID', 'IP Address', 'Vulnerability State', 'Risk', 'Port'], 'tenable-vm'],
  ])('%j → %s (the profile reading most columns wins)', (names, id) => {
    expect(matchProfile(header(names))?.id).toBe(id);
  });
});

describe('docs/csv.md', () => {
  it('documents every profile with its signature and identity columns', async () => {
    const doc = await readFile(new URL('../../../docs/csv.md', import.meta.url), 'utf8');
    for (const profile of PROFILES) {
      const section = doc.slice(doc.indexOf(`#### \`${profile.id}\``));
      expect(section.length).toBeLessThan(doc.length);
      const recognised = section.slice(0, section.indexOf('\n\n', section.indexOf('Recognised by')));
      for (const name of profile.signature.flat()) expect(recognised).toContain(`\`${name}\``);
      for (const ref of profile.map.identity.flat()) expect(recognised).toContain(`\`${String(ref)}\``);
    }
  });
});
