import { describe, expect, it } from 'vitest';
import { isConverterError } from '../../src/errors.js';
import { pathToString } from '../../src/json/index.js';
import { findJsonSyntaxError } from '../../src/json/syntax.js';
import { seededRandom } from '../helpers/random.js';
import { bytesOf, chunk, plain, referenceEvents, type Selector, splitSync } from './helpers.js';

const CHARACTERS = [
  ...'abcXYZ019 _-',
  '"',
  '\\',
  '/',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '\n',
  '\t',
  '\u0001',
  '\u001f',
  'é',
  'ß',
  '中',
  '€',
  '\u2028',
  '😀',
  '𝄞',
];
const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\t': '\\t',
  '/': '\\/',
};
const WHITESPACE = ['', '', '', ' ', '\n', '\t', '\r\n', '  \n    '];

class DocumentGenerator {
  readonly random: () => number;

  constructor(random: () => number) {
    this.random = random;
  }

  int(limit: number): number {
    return Math.floor(this.random() * limit);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  space(): string {
    return this.pick(WHITESPACE);
  }

  unicodeEscape(code: number): string {
    const hex = code.toString(16).padStart(4, '0');
    return `\\u${this.random() < 0.5 ? hex : hex.toUpperCase()}`;
  }

  /** A JSON string literal for `text`, with a random mix of raw characters and escapes. */
  quote(text: string): string {
    let out = '"';
    for (const character of text) {
      const code = character.codePointAt(0)!;
      const mustEscape = character === '"' || character === '\\' || code < 0x20;
      if (mustEscape || this.random() < 0.15) {
        const short = SHORT_ESCAPES[character];
        if (short !== undefined && this.random() < 0.6) out += short;
        else if (code > 0xffff) {
          for (let index = 0; index < character.length; index++)
            out += this.unicodeEscape(character.charCodeAt(index));
        } else out += this.unicodeEscape(code);
      } else out += character;
    }
    return `${out}"`;
  }

  text(maxLength: number): string {
    let text = '';
    const length = this.int(maxLength + 1);
    for (let index = 0; index < length; index++) text += this.pick(CHARACTERS);
    return text;
  }

  number(): string {
    let text = this.random() < 0.3 ? '-' : '';
    text += this.random() < 0.2 ? '0' : `${1 + this.int(9)}${this.int(100000)}`.slice(0, 1 + this.int(6));
    if (this.random() < 0.4) text += `.${this.int(100000)}`;
    if (this.random() < 0.3) text += `${this.pick(['e', 'E'])}${this.pick(['', '+', '-'])}${this.int(30)}`;
    return text;
  }

  value(depth: number): string {
    const roll = this.random();
    if (depth < 5 && roll < 0.25) return this.object(depth + 1);
    if (depth < 5 && roll < 0.45) return this.array(depth + 1);
    if (roll < 0.7) return this.quote(this.text(12));
    if (roll < 0.9) return this.number();
    return this.pick(['true', 'false', 'null']);
  }

  object(depth: number): string {
    const count = this.int(6);
    const members: string[] = [];
    // Keys start with a letter (JSON.parse would reorder integer-like keys) and end with a unique suffix.
    for (let index = 0; index < count; index++) {
      members.push(
        `${this.space()}${this.quote(`k${this.text(6)}_${index}`)}${this.space()}:${this.space()}${this.value(depth)}${this.space()}`,
      );
    }
    return count === 0 ? `{${this.space()}}` : `{${members.join(',')}}`;
  }

  array(depth: number): string {
    const count = this.int(6);
    const items: string[] = [];
    for (let index = 0; index < count; index++)
      items.push(`${this.space()}${this.value(depth)}${this.space()}`);
    return count === 0 ? `[${this.space()}]` : `[${items.join(',')}]`;
  }

  document(): string {
    const roll = this.random();
    const root = roll < 0.5 ? this.object(1) : roll < 0.9 ? this.array(1) : this.value(1);
    return `${this.space()}${root}${this.space()}`;
  }

  chunkSizes(length: number): number[] {
    const roll = this.random();
    if (roll < 0.25) return [1];
    if (roll < 0.5) return Array.from({ length: 16 }, () => 1 + this.int(4));
    if (roll < 0.8) return Array.from({ length: 16 }, () => 1 + this.int(64));
    return [Math.max(1, length)];
  }

  /** A pure selector: the answer depends only on the path, the kind and this selector's seed. */
  selector(): Selector {
    const seed = this.int(1 << 30);
    const descendDepth = this.int(5);
    return (path, kind) => {
      const text = `${seed}:${pathToString(path)}`;
      let hash = 0;
      for (let index = 0; index < text.length; index++)
        hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
      const choice = (hash >>> 0) % 5;
      if (path.length < descendDepth && kind !== 'scalar' && choice < 3) return 'descend';
      return choice === 3 ? 'skip' : choice === 4 ? 'raw' : 'value';
    };
  }
}

/** What the first byte of a value's JSON text must be. */
function firstBytePattern(value: unknown): RegExp {
  if (Array.isArray(value)) return /^\[$/;
  if (value === null) return /^n$/;
  if (typeof value === 'object') return /^\{$/;
  if (typeof value === 'string') return /^"$/;
  if (typeof value === 'number') return /^[-0-9]$/;
  return value ? /^t$/ : /^f$/;
}

/**
 * Splits `document` whole and in `sizes` chunks under `select` and checks every event against JSON.parse: the
 * same values, positions that do not depend on chunking and point at the value's first byte and line, raw
 * bytes exactly as in the input. Returns how many value and raw events there were.
 */
function expectFaithfulEvents(
  document: string,
  select: Selector,
  sizes: readonly number[],
  context: string,
): { values: number; raws: number } {
  const bytes = bytesOf(document);
  const expected = referenceEvents(document, select);
  const whole = splitSync([bytes], select);
  const chunked = splitSync(chunk(bytes, sizes), select);
  expect(whole.failure, context).toBeUndefined();
  expect(chunked.failure, context).toBeUndefined();
  expect(plain(whole.events), context).toEqual(expected);
  expect(plain(chunked.events), context).toEqual(expected);
  // Positions do not depend on chunking, and point at the value's first byte.
  expect(
    chunked.events.map((event) => [event.byte, event.line]),
    context,
  ).toEqual(whole.events.map((event) => [event.byte, event.line]));
  let values = 0;
  let raws = 0;
  for (const event of chunked.events) {
    const first = bytes[event.byte]!;
    let line = 1;
    for (
      let index = bytes.indexOf(0x0a);
      index !== -1 && index < event.byte;
      index = bytes.indexOf(0x0a, index + 1)
    ) {
      line++;
    }
    expect(event.line, context).toBe(line);
    if (event.type === 'enter') expect(first, context).toBe(event.kind === 'object' ? 0x7b : 0x5b);
    if (event.type === 'exit') expect(first, context).toBe(event.kind === 'object' ? 0x7d : 0x5d);
    if (event.type === 'value') {
      values++;
      expect(String.fromCharCode(first), context).toMatch(firstBytePattern(event.value));
    }
    if (event.type === 'raw') {
      raws++;
      // The exact input bytes of the container, whatever the chunking, and where its line starts.
      expect(
        Buffer.from(event.bytes).equals(bytes.subarray(event.byte, event.byte + event.bytes.length)),
        context,
      ).toBe(true);
      expect(event.bytes[event.bytes.length - 1], context).toBe(first === 0x7b ? 0x7d : 0x5d);
      const lineStart = event.byte === 0 ? 0 : bytes.lastIndexOf(0x0a, event.byte - 1) + 1;
      expect(event.column, context).toBe(event.byte - lineStart + 1);
    }
  }
  return { values, raws };
}

/**
 * `document` re-indented the way pretty-printers write JSON (what the splitter's fast path for indented
 * containers is for), sometimes with CRLF line ends, sometimes with some lines' indentation changed so that
 * closing lines appear at the wrong depth and must not be taken for the end of a value.
 */
function indented(generator: DocumentGenerator, document: string): string {
  const indent = generator.pick([1, 2, 4, '\t'] as const);
  let text = JSON.stringify(JSON.parse(document), null, indent);
  if (generator.random() < 0.5) {
    const unit = typeof indent === 'number' ? ' ' : '\t';
    text = text
      .split('\n')
      .map((line) => {
        if (generator.random() >= 0.15) return line;
        const body = line.replace(/^[ \t]*/, '');
        return unit.repeat(generator.int(8)) + body;
      })
      .join('\n');
  }
  if (generator.random() < 0.25) text = text.replace(/\n/g, '\r\n');
  return text;
}

describe('streamJson fuzz (seeded)', () => {
  it('captures exactly what JSON.parse sees, for 500 random documents under random selectors and chunkings', () => {
    const generator = new DocumentGenerator(seededRandom(20260101));
    let valueEvents = 0;
    let rawEvents = 0;
    for (let iteration = 0; iteration < 500; iteration++) {
      const document = generator.document();
      const select = generator.selector();
      const sizes = generator.chunkSizes(Buffer.byteLength(document));
      const context = `iteration ${iteration}, sizes ${sizes.slice(0, 4).join(',')}: ${document.slice(0, 200)}`;
      const counts = expectFaithfulEvents(document, select, sizes, context);
      valueEvents += counts.values;
      rawEvents += counts.raws;
    }
    expect(valueEvents).toBeGreaterThan(500);
    expect(rawEvents).toBeGreaterThan(100);
  });

  it('captures exactly what JSON.parse sees in 500 indented documents, misindented lines and CRLF included', () => {
    const generator = new DocumentGenerator(seededRandom(20261126));
    let valueEvents = 0;
    for (let iteration = 0; iteration < 500; iteration++) {
      const document = indented(generator, generator.document());
      const select = generator.selector();
      const sizes = generator.chunkSizes(Buffer.byteLength(document));
      const context = `iteration ${iteration}, sizes ${sizes.slice(0, 4).join(',')}: ${document.slice(0, 200)}`;
      valueEvents += expectFaithfulEvents(document, select, sizes, context).values;
    }
    expect(valueEvents).toBeGreaterThan(500);
  });

  it('accepts a mutated document exactly when JSON.parse does (descend or capture), and fails the same for every chunking', () => {
    const generator = new DocumentGenerator(seededRandom(7));
    const outcomes = { accepted: 0, rejected: 0 };
    for (let iteration = 0; iteration < 400; iteration++) {
      const source = generator.document();
      const bytes = Buffer.from(bytesOf(iteration % 2 === 0 ? source : indented(generator, source)));
      const position = generator.int(bytes.length);
      const mutation = generator.int(4);
      let mutated: Buffer;
      if (mutation === 0) mutated = bytes.subarray(0, position);
      else if (mutation === 1)
        mutated = Buffer.concat([bytes.subarray(0, position), bytes.subarray(position + 1)]);
      else if (mutation === 2) {
        const inserted = generator.pick([
          0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x30, 0x2d, 0x65, 0x01, 0xc3,
        ]);
        mutated = Buffer.concat([
          bytes.subarray(0, position),
          Buffer.from([inserted]),
          bytes.subarray(position),
        ]);
      } else {
        mutated = Buffer.from(bytes);
        mutated[position] = generator.pick([0x22, 0x5c, 0x7d, 0x5d, 0x2c, 0x3a, 0x20, 0x78]);
      }
      let parsedOk = true;
      try {
        JSON.parse(mutated.toString('utf8'));
      } catch {
        parsedOk = false;
      }
      for (const select of [
        (() => 'descend') as Selector,
        (() => 'value') as Selector,
        (() => 'skip') as Selector,
        ((path) => (path.length === 0 ? 'descend' : 'value')) as Selector,
      ]) {
        const results = [[mutated.length || 1], [1], [3, 1, 2]].map((sizes) =>
          splitSync(chunk(mutated, sizes), select),
        );
        const context = `iteration ${iteration}, mutation ${mutation} at ${position}: ${mutated.toString('utf8').slice(0, 200)}`;
        for (const result of results) {
          if (result.failure !== undefined) expect(isConverterError(result.failure), context).toBe(true);
          expect(
            result.failure === undefined
              ? undefined
              : [(result.failure as { code: string }).code, (result.failure as { byte: number }).byte],
            context,
          ).toEqual(
            results[0]!.failure === undefined
              ? undefined
              : [
                  (results[0]!.failure as { code: string }).code,
                  (results[0]!.failure as { byte: number }).byte,
                ],
          );
        }
        // Skip mode checks only brackets and strings, so it may accept what JSON.parse rejects.
        if (select([], 'object') !== 'skip')
          expect(results[0]!.failure === undefined, context).toBe(parsedOk);
        else if (parsedOk) expect(results[0]!.failure, context).toBeUndefined();
      }
      if (parsedOk) outcomes.accepted++;
      else outcomes.rejected++;
    }
    expect(outcomes.rejected).toBeGreaterThan(200);
    expect(outcomes.accepted).toBeGreaterThan(20);
  });

  it('has a strict validator (used for error positions) that agrees with JSON.parse on 1,000 mutated values', () => {
    const generator = new DocumentGenerator(seededRandom(99));
    let rejected = 0;
    for (let iteration = 0; iteration < 1000; iteration++) {
      const bytes = Buffer.from(bytesOf(generator.document()));
      const position = generator.int(bytes.length);
      const mutated =
        iteration % 2 === 0
          ? Buffer.concat([bytes.subarray(0, position), bytes.subarray(position + 1)])
          : Buffer.concat([
              bytes.subarray(0, position),
              Buffer.from([
                generator.pick([0x22, 0x5c, 0x7b, 0x5d, 0x2c, 0x3a, 0x2e, 0x65, 0x2b, 0x09, 0x01]),
              ]),
              bytes.subarray(position),
            ]);
      let parsedOk = true;
      try {
        JSON.parse(mutated.toString('utf8'));
      } catch {
        parsedOk = false;
      }
      const problem = findJsonSyntaxError(mutated);
      expect(problem === undefined, mutated.toString('utf8').slice(0, 200)).toBe(parsedOk);
      if (problem !== undefined) {
        rejected++;
        expect(problem.offset).toBeGreaterThanOrEqual(0);
        expect(problem.offset).toBeLessThanOrEqual(mutated.length);
      }
    }
    expect(rejected).toBeGreaterThan(500);
  });
});
