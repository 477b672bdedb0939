import { describe, expect, it } from 'vitest';
import { compactRule, readTaxonReferences } from '../../../adapters/sarif/rules.js';
import {
  cvesInText,
  cwesOf,
  ghsasInText,
  readTaxonomy,
  vulnerabilityIdsOf,
} from '../../../adapters/sarif/taxonomy.js';

const taxonomies = [
  readTaxonomy({ name: 'Categories', guid: 'CAT-GUID', taxa: [{ id: 'CAT007' }] }),
  readTaxonomy({ name: 'CWE', guid: 'CWE-GUID', taxa: [{ id: '319' }, { id: '757' }] }),
  readTaxonomy({ name: 'NVD', taxa: [{ id: 'CVE-2021-0001' }] }),
];

describe('cwesOf', () => {
  it.each([
    [
      'CodeQL tags',
      { properties: { tags: ['security', 'external/cwe/cwe-079', 'external/cwe/cwe-116'] } },
      {},
      [],
      ['CWE-79', 'CWE-116'],
    ],
    [
      'Semgrep tags with titles',
      { properties: { tags: ['CWE-89: Improper Neutralization', 'OWASP-A03'] } },
      {},
      [],
      ['CWE-89'],
    ],
    ['cwe property as a list of numbers', { properties: { cwe: [79, '80'] } }, {}, [], ['CWE-79', 'CWE-80']],
    ['cwes property on the result', {}, { properties: { cwes: 'CWE-22, CWE-23' } }, [], ['CWE-22', 'CWE-23']],
    [
      'relationships into a taxonomy named CWE (KICS, Flawfinder)',
      {
        relationships: [
          { target: { id: '798', toolComponent: { name: 'CWE' } } },
          { target: { id: 'CAT012', toolComponent: { name: 'Categories' } } },
          { target: { id: 'CWE-327', toolComponent: { name: 'CWE' } } },
        ],
      },
      {},
      [],
      ['CWE-798', 'CWE-327'],
    ],
    [
      'a relationship by index through the run taxonomies',
      { relationships: [{ target: { index: 1, toolComponent: { index: 1 } } }] },
      {},
      [],
      ['CWE-757'],
    ],
    [
      'result taxa by taxonomy guid',
      {},
      {},
      [{ index: 0, toolComponent: { guid: 'cwe-guid' } }],
      ['CWE-319'],
    ],
    [
      'a categories taxon is not a CWE',
      {},
      {},
      [{ id: 'CAT007', toolComponent: { name: 'Categories' } }],
      [],
    ],
    ['no CWE anywhere', { properties: { tags: ['security', 'correctness'] } }, {}, [], []],
  ])('%s', (_name, rawRule, result, taxa, expected) => {
    const rule = compactRule({ id: 'R', ...rawRule });
    expect(cwesOf(rule, result, readTaxonReferences(taxa, false), taxonomies)).toEqual(expected);
  });

  it('keeps at most 20', () => {
    const rule = compactRule({
      id: 'R',
      properties: { tags: Array.from({ length: 30 }, (_, i) => `CWE-${i + 1}`) },
    });
    expect(cwesOf(rule, {}, [], [])).toHaveLength(20);
  });
});

describe('vulnerabilityIdsOf', () => {
  it.each([
    ['rule id (Trivy, Grype)', 'CVE-2019-1549', {}, {}, [], undefined, ['CVE-2019-1549']],
    [
      'rule id with a prefix (Anchore)',
      'ANCHOREVULN_CVE-2019-18276_dpkg_bash',
      {},
      {},
      [],
      undefined,
      ['CVE-2019-18276'],
    ],
    [
      'cve property of the result',
      'GHSA-1',
      {},
      { properties: { cveId: 'cve-2021-23337' } },
      [],
      undefined,
      ['CVE-2021-23337'],
    ],
    [
      'rule tags',
      'x',
      { properties: { tags: ['CVE-2020-1234', 'npm'] } },
      {},
      [],
      undefined,
      ['CVE-2020-1234'],
    ],
    ['taxa', 'x', {}, {}, [{ index: 0, toolComponent: { name: 'NVD' } }], undefined, ['CVE-2021-0001']],
    [
      'rule full description (Snyk)',
      'SNYK-JAVA-1',
      { fullDescription: { text: '(CVE-2016-3092) commons-fileupload' } },
      {},
      [],
      undefined,
      ['CVE-2016-3092'],
    ],
    ['message, last', 'DS002', {}, {}, [], 'Running as root mirrors CVE-2019-5736.', ['CVE-2019-5736']],
    [
      'the rule id tier wins over the message',
      'CVE-2019-1549',
      {},
      {},
      [],
      'see also CVE-2019-1551',
      ['CVE-2019-1549'],
    ],
  ])('CVE from %s', (_name, ruleId, rawRule, result, taxa, message, expected) => {
    const rule = compactRule({ id: ruleId, ...rawRule });
    expect(
      vulnerabilityIdsOf(ruleId, rule, result, readTaxonReferences(taxa, false), taxonomies, message),
    ).toEqual({
      kind: 'CVE',
      ids: expected,
    });
  });

  it.each([
    [
      'a Grype GHSA rule id',
      'GHSA-57j2-w4cx-62h2-jackson-databind',
      undefined,
      { kind: 'GHSA', ids: ['GHSA-57j2-w4cx-62h2'] },
    ],
    [
      'a CVE beats a GHSA in a later tier',
      'GHSA-57j2-w4cx-62h2',
      'also CVE-2020-1234',
      { kind: 'CVE', ids: ['CVE-2020-1234'] },
    ],
    [
      'an upper-case GHSA id',
      'GHSA-57J2-W4CX-62H2',
      undefined,
      { kind: 'GHSA', ids: ['GHSA-57j2-w4cx-62h2'] },
    ],
    ['nothing', 'js/xss', 'XSS', undefined],
  ])('%s', (_name, ruleId, message, expected) => {
    expect(vulnerabilityIdsOf(ruleId, compactRule({ id: ruleId }), {}, [], taxonomies, message)).toEqual(
      expected,
    );
  });

  it('reads only well-formed GHSA ids', () => {
    expect(ghsasInText('GHSA-57j2-w4cx-62h2 GHSA-aaaa-bbbb-cccc GHSA-57j2-w4cx')).toEqual([
      'GHSA-57j2-w4cx-62h2',
    ]);
  });

  it('finds every CVE in a text, upper-cased, without duplicates downstream', () => {
    expect(cvesInText('cve-2020-0001 and CVE-2020-0002; CVE-20-1 is not one')).toEqual([
      'CVE-2020-0001',
      'CVE-2020-0002',
    ]);
  });
});
