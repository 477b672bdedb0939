import { describe, expect, it } from 'vitest';
import { NESSUS_LIMITS, type NessusReaderLimits } from '../../../adapters/nessus/limits.js';
import { type HostRecord, type ItemRecord, NessusReader } from '../../../adapters/nessus/reader.js';
import type { Issue } from '../../../src/adapter.js';
import type { ConverterError } from '../../../src/errors.js';

interface Read {
  items: { host: HostRecord; item: ItemRecord }[];
  issues: Issue[];
  error?: ConverterError;
}

/** Feeds `xml` to a reader in `pieceSize` pieces (whole when omitted). */
function read(xml: string, limits: Partial<NessusReaderLimits> = {}, pieceSize = xml.length): Read {
  const result: Read = { items: [], issues: [] };
  const reader = new NessusReader(
    {
      item: (host, item) => result.items.push({ host, item }),
      issue: (issue) => result.issues.push(issue),
      wants: (attributes) => attributes.pluginID !== 'skip-me',
    },
    { ...NESSUS_LIMITS, ...limits },
  );
  try {
    for (let start = 0; start < xml.length; start += pieceSize)
      reader.write(xml.slice(start, start + pieceSize));
    reader.end();
  } catch (error) {
    result.error = error as ConverterError;
  }
  return result;
}

/** A document without XML declaration (so tests can put a DOCTYPE or comment first); its body starts on line 2. */
const doc = (hosts: string, policy = ''): string =>
  `\n<NessusClientData_v2>${policy}<Report name="r">${hosts}</Report></NessusClientData_v2>`;
const props =
  '<HostProperties><tag name="host-ip">192.0.2.1</tag><tag name="bios-uuid">x</tag></HostProperties>';
const item = (id: string, body = '<risk_factor>Low</risk_factor>'): string =>
  `<ReportItem port="80" protocol="tcp" severity="1" pluginID="${id}" pluginName="p${id}">${body}</ReportItem>`;

describe('NessusReader', () => {
  it('delivers each item with its host properties (only the tags the mapping reads)', () => {
    const { items, error } = read(doc(`<ReportHost name="h1">${props}${item('1')}${item('2')}</ReportHost>`));
    expect(error).toBeUndefined();
    expect(items.map(({ item }) => item.attributes.pluginID)).toEqual(['1', '2']);
    expect(Object.fromEntries(items[0]?.host.properties ?? [])).toEqual({ 'host-ip': '192.0.2.1' });
    expect(items[0]?.host.report).toEqual({ name: 'r', type: undefined });
    expect(items[1]?.item.index).toBe(1);
  });

  it('ignores ReportItem-like elements inside Policy', () => {
    const policy = `<Policy><Preferences>${item('99')}</Preferences></Policy>`;
    const { items } = read(doc(`<ReportHost name="h">${props}${item('1')}</ReportHost>`, policy));
    expect(items.map(({ item }) => item.attributes.pluginID)).toEqual(['1']);
  });

  it('keeps only the item children the mapping reads, trimmed with CR LF turned into LF', () => {
    const body =
      '<fname>x.nasl</fname><description>  line1&#xd;\nline2  </description><cve>CVE-1</cve><cve>CVE-2</cve><cve> </cve>';
    const { items } = read(doc(`<ReportHost name="h">${props}${item('1', body)}</ReportHost>`));
    const fields = Object.fromEntries(items[0]?.item.fields ?? []);
    expect(fields).toEqual({ description: ['line1\nline2'], cve: ['CVE-1', 'CVE-2'] });
  });

  it('skips items the sink does not want without reading them', () => {
    const { items } = read(doc(`<ReportHost name="h">${props}${item('skip-me')}${item('2')}</ReportHost>`));
    expect(items.map(({ item }) => item.attributes.pluginID)).toEqual(['2']);
    expect(items[0]?.item.index).toBe(1);
  });

  it('buffers items that come before HostProperties and delivers them with the properties', () => {
    const { items, issues } = read(doc(`<ReportHost name="h">${item('1')}${props}${item('2')}</ReportHost>`));
    expect(items.map(({ item }) => item.attributes.pluginID)).toEqual(['1', '2']);
    expect(items[0]?.host.properties.get('host-ip')).toBe('192.0.2.1');
    expect(issues).toEqual([]);
  });

  it('bounds items buffered before HostProperties: converts them without, and ignores late properties', () => {
    const { items, issues } = read(
      doc(`<ReportHost name="h">${item('1')}${item('2')}${item('3')}${props}${item('4')}</ReportHost>`),
      { maxPendingItems: 2 },
    );
    expect(items.map(({ item }) => item.attributes.pluginID)).toEqual(['1', '2', '3', '4']);
    expect(items.every(({ host }) => host.properties.size === 0)).toBe(true);
    expect(issues.map((issue) => issue.code)).toEqual(['host-properties-late', 'host-properties-late']);
  });

  it('delivers items of a host without HostProperties when the host ends', () => {
    const { items } = read(doc(`<ReportHost name="h">${item('1')}</ReportHost>`));
    expect(items).toHaveLength(1);
    expect(items[0]?.host.properties.size).toBe(0);
    expect(items[0]?.host.name).toBe('h');
  });

  it.each([1, 3, 64, 100_000])('gives the same items for %i-character pieces', (size) => {
    const xml = doc(
      `<ReportHost name="ü">${props}${item('1', '<description>a &amp; b<![CDATA[ <c> ]]>d</description>')}</ReportHost>`,
    );
    const { items } = read(xml, {}, size);
    expect(items[0]?.item.fields.get('description')).toEqual(['a & b <c> d']);
  });

  describe('bounds', () => {
    it('truncates a text node longer than maxTextChars, with an issue, and keeps reading', () => {
      const body = `<plugin_output>${'x'.repeat(5000)}</plugin_output><risk_factor>Low</risk_factor>`;
      const { items, issues, error } = read(
        doc(`<ReportHost name="h">${props}${item('1', body)}${item('2')}</ReportHost>`),
        {
          maxTextChars: 1000,
        },
        256,
      );
      expect(error).toBeUndefined();
      expect(items[0]?.item.fields.get('plugin_output')?.[0]).toHaveLength(1000);
      expect(items[0]?.item.fields.get('risk_factor')).toEqual(['Low']);
      expect(items).toHaveLength(2);
      expect(issues.map((issue) => [issue.code, issue.recordIndex])).toEqual([['text-truncated', 0]]);
    });

    it('truncates text made of many CDATA sections and entities the same way', () => {
      const body = `<plugin_output>${'<![CDATA[abcdefghij]]>&amp;'.repeat(300)}</plugin_output>`;
      const { items, issues } = read(doc(`<ReportHost name="h">${props}${item('1', body)}</ReportHost>`), {
        maxTextChars: 1000,
      });
      expect(items[0]?.item.fields.get('plugin_output')?.[0]).toHaveLength(1000);
      expect(issues.map((issue) => issue.code)).toEqual(['text-truncated']);
    });

    it('caps the text of one item across its children', () => {
      const body = `<description>${'d'.repeat(800)}</description><solution>${'s'.repeat(800)}</solution><synopsis>late</synopsis>`;
      const { items, issues } = read(doc(`<ReportHost name="h">${props}${item('1', body)}</ReportHost>`), {
        maxTextChars: 1000,
        maxItemChars: 1200,
      });
      const fields = items[0]?.item.fields;
      expect(fields?.get('description')?.[0]).toHaveLength(800);
      expect(fields?.get('solution')?.[0]).toHaveLength(400);
      expect(fields?.has('synopsis')).toBe(false);
      expect(issues.map((issue) => issue.code)).toEqual(['text-truncated', 'text-truncated']);
    });

    it('caps repeated children', () => {
      const body = '<cve>CVE-1</cve>'.repeat(5);
      const { items, issues } = read(doc(`<ReportHost name="h">${props}${item('1', body)}</ReportHost>`), {
        maxValuesPerField: 3,
      });
      expect(items[0]?.item.fields.get('cve')).toHaveLength(3);
      expect(issues.map((issue) => issue.code)).toEqual(['values-capped']);
    });

    it('caps the values of one item across distinct child names', () => {
      const body = Array.from({ length: 8 }, (_, i) => `<cm:compliance-x${i}>v</cm:compliance-x${i}>`).join(
        '',
      );
      const { items, issues } = read(doc(`<ReportHost name="h">${props}${item('1', body)}</ReportHost>`), {
        maxItemValues: 5,
      });
      expect(items[0]?.item.fields.size).toBe(5);
      expect(issues.map((issue) => issue.code)).toEqual(['values-capped']);
      expect(issues[0]?.message).toContain('3 value(s) were dropped');
    });

    it('caps the host tags kept', () => {
      const tags = Array.from({ length: 5 }, (_, i) => `<tag name="aws-instance-x${i}">v</tag>`).join('');
      const { items, issues } = read(
        doc(`<ReportHost name="h"><HostProperties>${tags}</HostProperties>${item('1')}</ReportHost>`),
        { maxHostProperties: 3 },
      );
      expect(items[0]?.host.properties.size).toBe(3);
      expect(issues.map((issue) => issue.code)).toEqual(['host-properties-capped']);
    });

    it.each([
      ['a comment', `<!--${'c'.repeat(3000)}-->`],
      ['an attribute value', `<Other a="${'v'.repeat(3000)}"/>`],
      ['a processing instruction', `<?pi ${'p'.repeat(3000)}?>`],
    ])('refuses %s longer than maxTextChars outside captured text with E_UNSAFE', (_name, markup) => {
      const { error } = read(
        doc(`<ReportHost name="h">${props}${markup}${item('1')}</ReportHost>`),
        { maxTextChars: 1000 },
        500,
      );
      expect(error?.code).toBe('E_UNSAFE');
    });

    it('refuses more than maxTextChars before the root element (DOCTYPE, comment) with E_UNSAFE', () => {
      const { error } = read(`<!--${'c'.repeat(3000)}-->${doc('')}`, { maxTextChars: 1000 }, 500);
      expect(error?.code).toBe('E_UNSAFE');
      expect(error?.message).toContain('before the root element');
    });

    it('refuses an over-long element name with E_UNSAFE', () => {
      const { error } = read(doc(`<${'n'.repeat(3000)}/>`), { maxNameChars: 1000 }, 500);
      expect(error?.code).toBe('E_UNSAFE');
    });

    it('refuses an over-long entity reference with E_UNSAFE', () => {
      const { error } = read(
        doc(
          `<ReportHost name="h">${props}${item('1', `<description>&${'e'.repeat(3000)}</description>`)}</ReportHost>`,
        ),
        { maxNameChars: 1000 },
        500,
      );
      expect(error?.code).toBe('E_UNSAFE');
    });

    it('refuses an element with too many attributes with E_UNSAFE', () => {
      const attributes = Array.from({ length: 50 }, (_, i) => `a${i}="1"`).join(' ');
      const { error } = read(doc(`<x ${attributes}/>`), { maxAttributes: 10 }, 100);
      expect(error?.code).toBe('E_UNSAFE');
    });

    it('refuses nesting deeper than maxDepth with E_UNSAFE and a position, after the items before it', () => {
      const deep = `${'<a>'.repeat(20)}${'</a>'.repeat(20)}`;
      const { items, error } = read(doc(`<ReportHost name="h">${props}${item('1')}${deep}</ReportHost>`), {
        maxDepth: 10,
      });
      expect(items).toHaveLength(1);
      expect(error?.code).toBe('E_UNSAFE');
      expect(error?.line).toBe(2);
      expect(error?.column).toBeGreaterThan(1);
    });
  });

  describe('whole-document problems', () => {
    it.each([
      ['an empty input', 'E_FORMAT', ''],
      ['whitespace only', 'E_FORMAT', ' \n\t'],
      ['an XML declaration only', 'E_TRUNCATED', '<?xml version="1.0"?>'],
      ['a cut root start tag', 'E_TRUNCATED', '<NessusClient'],
      ['text that is not XML', 'E_FORMAT', 'hello, world'],
      ['a v1 root', 'E_FORMAT', '<NessusClientData><Report/></NessusClientData>'],
      ['a wrong root', 'E_FORMAT', '<html><body/></html>'],
      ['a mismatched tag', 'E_PARSE', doc('<ReportHost name="h"></ReportItem>')],
      ['an undefined entity', 'E_PARSE', doc('<ReportHost name="&foo;"/>')],
      ['text after the root', 'E_PARSE', `${doc('')}trailing`],
      ['an unclosed comment after the root', 'E_TRUNCATED', `${doc('')}<!-- never closed`],
      ['a cut document', 'E_TRUNCATED', doc('<ReportHost name="h">').slice(0, -30)],
      ['a DOCTYPE declaring entities', 'E_UNSAFE', `<!DOCTYPE x [<!ENTITY a "b">]>${doc('')}`],
    ])('refuses %s with %s', (_name, code, xml) => {
      expect(read(xml).error?.code).toBe(code);
    });

    it('ignores a DOCTYPE without entity declarations, with an issue', () => {
      const { error, issues } = read(
        `<!DOCTYPE NessusClientData_v2 SYSTEM "http://127.0.0.1:9/x.dtd">${doc('')}`,
      );
      expect(error).toBeUndefined();
      expect(issues.map((issue) => issue.code)).toEqual(['doctype-ignored']);
    });

    it('names the open element and its position when the input ends early', () => {
      const xml =
        doc(`<ReportHost name="h">${props}${item('1')}<ReportItem pluginID="2"><description>cut`).split(
          '</Report>',
        )[0] ?? '';
      const { items, error } = read(xml);
      expect(items).toHaveLength(1);
      expect(error?.code).toBe('E_TRUNCATED');
      expect(error?.message).toContain('inside <description>');
      expect(error?.line).toBe(2);
    });
  });
});
