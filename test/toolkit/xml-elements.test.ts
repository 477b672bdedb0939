import { describe, expect, it } from 'vitest';
import { isConverterError } from '../../src/errors.js';
import { xmlElements } from '../../src/toolkit/index.js';
import { chunksOf, collect } from '../helpers/chunks.js';

async function refusal(iterable: AsyncIterable<unknown>): Promise<[string, number | undefined]> {
  try {
    await collect(iterable);
  } catch (error) {
    if (!isConverterError(error)) throw error;
    return [error.code, error.line];
  }
  throw new Error('expected the input to be refused');
}

const JUNIT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="auth">
    <properties><property name="x" value="y"/></properties>
    <testcase name="login" classname="a.Login"><failure message="boom">stack ✓ ünï</failure></testcase>
    <testcase name="logout" classname="a.Login"/>
  </testsuite>
  <testsuite name="cart">
    <testcase name="add"><![CDATA[<raw & text>]]></testcase>
  </testsuite>
</testsuites>
`;

describe('xmlElements', () => {
  it.each([1, 3, 50, 100_000])(
    'yields matched elements as trees with their ancestors, in chunks of %i bytes',
    async (size) => {
      const records = await collect(xmlElements(chunksOf(JUNIT, size), { element: 'testcase' }));
      expect(
        records.map((r) => ({
          name: r.element.attributes.name,
          suite: r.ancestors.at(-1)?.attributes.name,
          path: r.ancestors.map((a) => a.name),
          children: r.element.children.map((c) => [c.name, c.attributes.message, c.text]),
          text: r.element.text,
          line: r.line,
          index: r.index,
        })),
      ).toEqual([
        {
          name: 'login',
          suite: 'auth',
          path: ['testsuites', 'testsuite'],
          children: [['failure', 'boom', 'stack ✓ ünï']],
          text: '',
          line: 5,
          index: 0,
        },
        {
          name: 'logout',
          suite: 'auth',
          path: ['testsuites', 'testsuite'],
          children: [],
          text: '',
          line: 6,
          index: 1,
        },
        {
          name: 'add',
          suite: 'cart',
          path: ['testsuites', 'testsuite'],
          children: [],
          text: '<raw & text>',
          line: 9,
          index: 2,
        },
      ]);
    },
  );

  it('matches by a test of the name and the ancestors', async () => {
    const records = await collect(
      xmlElements(chunksOf(JUNIT, 64), {
        element: (name, ancestors) => name === 'property' && ancestors.includes('testsuite'),
      }),
    );
    expect(records.map((r) => r.element.attributes)).toEqual([{ name: 'x', value: 'y' }]);
  });

  it('refuses a DOCTYPE with entities (billion laughs, external entities) before expanding anything', async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><a><b>&lol2;</b></a>`;
    expect((await refusal(xmlElements(chunksOf(laughs, 16), { element: 'b' })))[0]).toBe('E_UNSAFE');
    const external = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a><b>&x;</b></a>`;
    expect((await refusal(xmlElements(chunksOf(external, 16), { element: 'b' })))[0]).toBe('E_UNSAFE');
  });

  it('never expands an undeclared entity', async () => {
    expect((await refusal(xmlElements(chunksOf('<a><b>&x;</b></a>', 4), { element: 'b' })))[0]).toBe(
      'E_PARSE',
    );
  });

  it('refuses nesting, attribute lists, names and records beyond the limits', async () => {
    const deep = `${'<d>'.repeat(40)}${'</d>'.repeat(40)}`;
    expect(await refusal(xmlElements(chunksOf(deep, 7), { element: 'x', limits: { maxDepth: 30 } }))).toEqual(
      ['E_UNSAFE', 1],
    );
    const attributes = `<a ${Array.from({ length: 20 }, (_, i) => `a${i}="1"`).join(' ')}/>`;
    expect(
      (
        await refusal(xmlElements(chunksOf(attributes, 7), { element: 'a', limits: { maxAttributes: 10 } }))
      )[0],
    ).toBe('E_UNSAFE');
    const longName = `<${'n'.repeat(5000)}/>`;
    expect(
      (
        await refusal(xmlElements(chunksOf(longName, 100), { element: 'a', limits: { maxNameChars: 1000 } }))
      )[0],
    ).toBe('E_UNSAFE');
    const bigRecord = `<a><b>${'x'.repeat(5000)}</b></a>`;
    expect(
      (
        await refusal(
          xmlElements(chunksOf(bigRecord, 100), { element: 'b', limits: { maxRecordChars: 1000 } }),
        )
      )[0],
    ).toBe('E_UNSAFE');
    // Text outside any record is not collected, but one unbounded token is still refused.
    const comment = `<a><!-- ${'c'.repeat(5000)} --></a>`;
    expect(
      (
        await refusal(xmlElements(chunksOf(comment, 100), { element: 'b', limits: { maxTokenChars: 1000 } }))
      )[0],
    ).toBe('E_UNSAFE');
  });

  it('says where broken and cut-off XML is, and refuses input with no element', async () => {
    expect(await refusal(xmlElements(chunksOf('<a>\n<b></c>\n</a>', 3), { element: 'b' }))).toEqual([
      'E_PARSE',
      2,
    ]);
    expect((await refusal(xmlElements(chunksOf('<a><b>text</b><b>', 3), { element: 'b' })))[0]).toBe(
      'E_TRUNCATED',
    );
    expect((await refusal(xmlElements(chunksOf('   ', 3), { element: 'b' })))[0]).toBe('E_FORMAT');
  });

  it('says input that is not XML is not this format (E_FORMAT), as jsonRecords does of non-JSON', async () => {
    // No position: where saxes notices the stray text depends on the chunking.
    for (const size of [1, 3, 4096])
      expect(await refusal(xmlElements(chunksOf('{"matches": []}', size), { element: 'b' }))).toEqual([
        'E_FORMAT',
        undefined,
      ]);
    // Text after the root element is still broken XML.
    expect((await refusal(xmlElements(chunksOf('<a></a>trailing', 3), { element: 'b' })))[0]).toBe('E_PARSE');
  });
});
