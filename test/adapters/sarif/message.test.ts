import { describe, expect, it } from 'vitest';
import {
  firstLine,
  formatMessage,
  normalizeMessage,
  plainLinks,
  resolveMessage,
} from '../../../adapters/sarif/message.js';
import { compactRule, componentFrom } from '../../../adapters/sarif/rules.js';

describe('formatMessage', () => {
  it.each([
    ['{0} in {1}', ['x', 'f()'], 'x in f()'],
    ['{1} before {0}', ['a', 'b'], 'b before a'],
    ['same {0} twice {0}', ['v'], 'same v twice v'],
    ['literal {{0}} is not a placeholder', ['v'], 'literal {0} is not a placeholder'],
    ['braces {{ and }} around {0}', ['v'], 'braces { and } around v'],
    ['missing {2} stays', ['a'], 'missing {2} stays'],
    ['no placeholders', [], 'no placeholders'],
    ['{10} has two digits', Array.from({ length: 11 }, (_, i) => `a${i}`), 'a10 has two digits'],
  ])('%s', (template, args, expected) => {
    expect(formatMessage(template, args)).toBe(expected);
  });
});

describe('plainLinks', () => {
  it.each([
    ['flows from [user input](1) to here', 'flows from user input to here'],
    ['see [docs](https://example.com/a)', 'see docs (https://example.com/a)'],
    ['escaped \\[not a link\\] stays', 'escaped [not a link] stays'],
    ['[a](1) and [b](2)', 'a and b'],
    ['no links at all', 'no links at all'],
    ['array[0](x) is code, kept as a link', 'array0 (x) is code, kept as a link'],
  ])('%s', (text, expected) => {
    expect(plainLinks(text)).toBe(expected);
  });
});

describe('resolveMessage', () => {
  const driver = componentFrom({
    name: 'SpotBugs',
    globalMessageStrings: { shared: { text: 'global {0}' } },
  });
  const rule = compactRule({
    id: 'R',
    messageStrings: { default: { text: 'rule {0} in {1}' }, md: { markdown: '**md** {0}' } },
  });

  it.each([
    ['text', { text: 'plain text' }, 'plain text'],
    ['text with arguments', { text: 'value {0}', arguments: ['x'] }, 'value x'],
    ['text with braces and no arguments is left alone', { text: 'if (a) { b(); }' }, 'if (a) { b(); }'],
    ['markdown only', { markdown: 'see [docs](https://d.example)' }, 'see docs (https://d.example)'],
    ['id from the rule messageStrings', { id: 'default', arguments: ['p', 'q()'] }, 'rule p in q()'],
    ['id of a markdown-only message string', { id: 'md', arguments: [1] }, '**md** 1'],
    ['id from the driver globalMessageStrings', { id: 'shared', arguments: ['z'] }, 'global z'],
    ['text wins over id', { text: 'own', id: 'default' }, 'own'],
  ])('%s', (_name, message, expected) => {
    expect(resolveMessage(message, rule, driver, driver)).toEqual({ text: expected });
  });

  it('reports an id that nothing defines', () => {
    expect(resolveMessage({ id: 'nowhere' }, rule, driver, driver)).toEqual({ missingId: 'nowhere' });
  });

  it('looks in the rule component before the driver', () => {
    const extension = componentFrom({
      name: 'plugin',
      globalMessageStrings: { shared: { text: 'from plugin' } },
    });
    expect(resolveMessage({ id: 'shared' }, undefined, extension, driver).text).toBe('from plugin');
  });

  it.each([[undefined], [null], ['a string'], [{}]])('gives nothing for %j', (message) => {
    expect(resolveMessage(message, rule, driver, driver)).toEqual({});
  });
});

describe('normalizeMessage and firstLine', () => {
  it('collapses whitespace and trims', () => {
    expect(normalizeMessage('  eval \n\t detected \r\n')).toBe('eval detected');
  });
  it('takes the first non-blank line', () => {
    expect(firstLine('\n  \n  First line \nsecond')).toBe('First line');
    expect(firstLine('   ')).toBe('');
  });
});
