import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { useFastTextLoop } from '../../src/xml/saxes-text.js';
import { seededRandom } from '../helpers/random.js';

/** Every event saxes reports, with the position it reports it at; errors are recorded and parsing goes on. */
function events(xml: string, cuts: readonly number[], fast: boolean, capture = true): string[] {
  const parser = new SaxesParser({ position: true });
  if (fast) useFastTextLoop(parser);
  const out: string[] = [];
  const at = (): string => `@${parser.line}:${parser.column}:${parser.position}`;
  parser.on('opentag', (tag) => out.push(`open ${tag.name} ${JSON.stringify(tag.attributes)} ${at()}`));
  parser.on('closetag', (tag) => out.push(`close ${tag.name} ${at()}`));
  parser.on('cdata', (text) => out.push(`cdata ${JSON.stringify(text)} ${at()}`));
  if (capture) parser.on('text', (text) => out.push(`text ${JSON.stringify(text)} ${at()}`));
  parser.on('error', (error) => out.push(`error ${error.message}`));
  let from = 0;
  for (const cut of [...cuts, xml.length]) {
    parser.write(xml.slice(from, cut));
    from = cut;
  }
  parser.close();
  return out;
}

const PIECES = [
  'plain text ',
  'x',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '    ',
  ']',
  ']]',
  ']]>',
  '>',
  '&amp;',
  '&#x1F600;',
  '&lt;',
  '😀',
  'é',
  '\u0085',
  '\u2028',
  '\u007f',
  '\ufffd',
  '\ud800',
  '\udc00',
  '\ufffe',
  '\u0001',
  '<b a="1">inner</b>',
  '<![CDATA[ ]]> ]]>',
  '<!-- c -->',
];

describe('the fast saxes text loop', () => {
  it('reports the same events, errors and positions as saxes for any text, however it is cut', () => {
    const next = seededRandom(7);
    for (let round = 0; round < 400; round++) {
      const version = round % 5 === 0 ? '1.1' : '1.0';
      let body = '';
      const parts = 1 + Math.floor(next() * 30);
      for (let i = 0; i < parts; i++) body += PIECES[Math.floor(next() * PIECES.length)];
      const xml = `<?xml version="${version}"?>\n<root>${body}</root>\n`;
      const cuts: number[] = [];
      for (let at = Math.floor(next() * 8); at < xml.length; at += 1 + Math.floor(next() * 12)) cuts.push(at);
      const capture = round % 3 !== 0;
      expect(events(xml, cuts, true, capture), JSON.stringify(xml)).toEqual(
        events(xml, cuts, false, capture),
      );
    }
  });

  it('is used for a long text and still finds the markup in it', () => {
    const text = `${'a plain line of plugin output\n'.repeat(200)}]]> after`;
    const xml = `<r><t>${text}</t></r>`;
    const fast = events(xml, [1000, 3000], true);
    expect(fast).toEqual(events(xml, [1000, 3000], false));
    expect(fast.some((line) => line.startsWith('error') && line.includes(']]>'))).toBe(true);
  });
});

describe('the saxes version the fast paths were written against', () => {
  it('is the installed one (an upgrade must re-read saxes-text.ts and saxes-internals.ts against the new saxes)', async () => {
    const { createRequire } = await import('node:module');
    const saxesPackage = createRequire(import.meta.url)('saxes/package.json') as { version: string };
    expect(saxesPackage.version).toBe('6.0.0');
  });
});
