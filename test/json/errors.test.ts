import { describe, expect, it, vi } from 'vitest';
import { ConverterError } from '../../src/errors.js';
import { bytesOf, chunk, type Selector, splitAsync, splitSync } from './helpers.js';

const descendAll: Selector = () => 'descend';
const captureRoot: Selector = () => 'value';
const skipRoot: Selector = () => 'skip';
/** Descends into `runs[*].results` and captures each result. */
const sarifResults: Selector = (path) => {
  if (path.length <= 2) return path.length === 0 || path[0] === 'runs' ? 'descend' : 'skip';
  if (path.length === 3) return path[2] === 'results' ? 'descend' : 'skip';
  return 'value';
};

function failureOf(
  document: string | Uint8Array,
  select: Selector,
  sizes: number[] = [1 << 20],
): ConverterError {
  const bytes = typeof document === 'string' ? bytesOf(document) : document;
  const { failure } = splitSync(chunk(bytes, sizes), select);
  expect(failure).toBeInstanceOf(ConverterError);
  return failure as ConverterError;
}

interface ErrorCase {
  name: string;
  document: string;
  select: Selector;
  code: string;
  message: RegExp;
  byte: number;
  line?: number;
}

const ERROR_CASES: ErrorCase[] = [
  {
    name: 'empty input',
    document: '',
    select: descendAll,
    code: 'E_FORMAT',
    message: /^input is empty$/,
    byte: 0,
  },
  {
    name: 'whitespace only',
    document: ' \n\t ',
    select: descendAll,
    code: 'E_FORMAT',
    message: /^input is empty \(only whitespace\)$/,
    byte: 4,
  },
  {
    name: 'XML instead of JSON',
    document: '  <?xml version="1.0" encoding="UTF-8"?><NessusClientData_v2>',
    select: descendAll,
    code: 'E_FORMAT',
    message: /^input is not JSON \(starts with "<\?xml version=\\"1\.0\\" enco"\)$/,
    byte: 2,
  },
  {
    name: 'short non-JSON with control bytes (sanitised)',
    document: 'id,na\x01me\n',
    select: descendAll,
    code: 'E_FORMAT',
    message: /^input is not JSON \(starts with "id,na\\x01me\\x0a"\)$/,
    byte: 0,
  },
  {
    name: 'a bare word that starts like a literal',
    document: 'nonsense',
    select: descendAll,
    code: 'E_FORMAT',
    message: /^input is not JSON \(starts with "nonsense"\)$/,
    byte: 0,
  },
  {
    name: 'missing colon in a descended object',
    document: '{"runs" []}',
    select: descendAll,
    code: 'E_PARSE',
    message: /^expected ':' after a key in the object at the root, found '\['$/,
    byte: 8,
  },
  {
    name: 'trailing comma in a descended array',
    document: '{"runs":[{"results":[1,]}]}',
    select: descendAll,
    code: 'E_PARSE',
    message: /^expected a value in the array at runs\[0\]\.results, found '\]'$/,
    byte: 23,
  },
  {
    name: 'trailing comma in a descended object',
    document: '{"a":1,}',
    select: descendAll,
    code: 'E_PARSE',
    message: /^expected a key string in the object at the root, found '}'$/,
    byte: 7,
  },
  {
    name: 'wrong closing bracket in a descended array',
    document: '[1}',
    select: descendAll,
    code: 'E_PARSE',
    message: /^expected ',' or '\]' after an array element in the array at the root, found '}'$/,
    byte: 2,
  },
  {
    name: 'bad literal in a descended container',
    document: '{"a":tru}',
    select: descendAll,
    code: 'E_PARSE',
    message: /^invalid number or literal "tru" at a$/,
    byte: 5,
  },
  {
    name: 'leading zero number in a descended container',
    document: '[01]',
    select: descendAll,
    code: 'E_PARSE',
    message: /^invalid number or literal "01" at \[0\]$/,
    byte: 1,
  },
  {
    name: 'bad syntax inside a captured value',
    document: '{"runs":[{"results":[{"a":1},{"a":1,}]}]}',
    select: sarifResults,
    code: 'E_PARSE',
    message: /^invalid JSON in the object at runs\[0\]\.results\[1\]: expected a key string, found '}'$/,
    byte: 36,
  },
  {
    name: 'bad escape inside a captured value, on line 3',
    document: '{"runs":[{"results":[\n{"a":1},\n{"a":"\\x"}]}]}',
    select: sarifResults,
    code: 'E_PARSE',
    message:
      /^invalid JSON in the object at runs\[0\]\.results\[1\]: expected an escape character .* found 'x'$/,
    byte: 38,
    line: 3,
  },
  {
    name: 'raw control character inside a captured string',
    document: '["a\tb"]',
    select: (path) => (path.length === 0 ? 'descend' : 'value'),
    code: 'E_PARSE',
    message: /^invalid JSON in the string at \[0\]: expected a string character .* found byte 0x09$/,
    byte: 3,
  },
  {
    name: 'bad escape in a key',
    document: '{"a\\q":1}',
    select: descendAll,
    code: 'E_PARSE',
    message: /^invalid JSON in the key in the object at the root: expected an escape character/,
    byte: 4,
  },
  {
    name: 'mismatched brackets inside a skipped value',
    document: '{"tool":{"rules":[1,2}},"results":[]}',
    select: (path) => (path.length === 0 ? 'descend' : 'skip'),
    code: 'E_PARSE',
    message: /^expected ',' or '\]' inside the object at tool, found '}'$/,
    byte: 21,
  },
  {
    name: 'mismatched brackets inside a captured value (caught before JSON.parse)',
    document: '[{"a":[}]',
    select: captureRoot,
    code: 'E_PARSE',
    message: /^expected ',' or '\]' inside the array at the root, found '}'$/,
    byte: 7,
  },
  {
    name: 'data after the root value',
    document: '{"a":1} x',
    select: descendAll,
    code: 'E_PARSE',
    message: /^unexpected data after the end of the JSON document, found 'x'$/,
    byte: 8,
  },
  {
    name: 'a second document after a captured root',
    document: '{}\n{}',
    select: captureRoot,
    code: 'E_PARSE',
    message: /^unexpected data after the end of the JSON document, found '{'$/,
    byte: 3,
    line: 2,
  },
  {
    name: 'input ends between results',
    document: '{"runs":[{"results":[{"a":1},',
    select: sarifResults,
    code: 'E_TRUNCATED',
    message: /^input ended inside the array at runs\[0\]\.results \(expected a value\)$/,
    byte: 29,
  },
  {
    name: 'input ends inside a captured result',
    document: '{"runs":[{"results":[{"a":1},{"a":{"b":',
    select: sarifResults,
    code: 'E_TRUNCATED',
    message:
      /^input ended inside the object at runs\[0\]\.results\[1\] \(2 levels open, started at byte 29\)$/,
    byte: 39,
  },
  {
    name: 'input ends inside a string of a skipped value',
    document: '{"tool":{"name":"trunc',
    select: (path) => (path.length === 0 ? 'descend' : 'skip'),
    code: 'E_TRUNCATED',
    message: /^input ended inside a string in the object at tool/,
    byte: 22,
  },
  {
    name: 'input ends inside a key',
    document: '{"runs":[{"resu',
    select: sarifResults,
    code: 'E_TRUNCATED',
    message: /^input ended inside a key in the object at runs\[0\]$/,
    byte: 15,
  },
  {
    name: 'input ends after a key',
    document: '{"runs"',
    select: sarifResults,
    code: 'E_TRUNCATED',
    message: /^input ended inside the object at the root \(expected ':'\)$/,
    byte: 7,
  },
  {
    name: 'input ends inside a number inside an array',
    document: '[1,12',
    select: descendAll,
    code: 'E_TRUNCATED',
    message: /^input ended inside the value at \[1\]$/,
    byte: 5,
  },
];

describe('streamJson errors', () => {
  it.each(ERROR_CASES)('$name → $code at byte $byte, for every chunking', (errorCase) => {
    for (const sizes of [[1 << 20], [1], [2], [3, 1, 4]]) {
      const error = failureOf(errorCase.document, errorCase.select, sizes);
      expect(error.code, String(sizes)).toBe(errorCase.code);
      expect(error.message, String(sizes)).toMatch(errorCase.message);
      expect(error.byte, String(sizes)).toBe(errorCase.byte);
      if (errorCase.line !== undefined) expect(error.line, String(sizes)).toBe(errorCase.line);
    }
  });

  it('reports line and column of a syntax error in a pretty-printed document', () => {
    const error = failureOf('{\n  "a": 1,\n  "b" 2\n}', descendAll, [5]);
    expect(error).toMatchObject({ code: 'E_PARSE', line: 3, column: 7, byte: 18 });
  });

  it('reports the line and column where a non-JSON input starts', () => {
    const error = failureOf('\n\n   Checkov banner', descendAll, [2]);
    expect(error).toMatchObject({ code: 'E_FORMAT', byte: 5, line: 3, column: 4 });
  });

  it('reports a UTF-16 input as an encoding problem', () => {
    const utf16 = Buffer.from('\ufeff{"a":1}', 'utf16le');
    expect(failureOf(utf16, descendAll).code).toBe('E_ENCODING');
  });

  it('puts the adapter name into the error', async () => {
    const { failure } = await splitAsync([bytesOf('[1,')], descendAll, { adapter: 'sarif' });
    expect(failure).toMatchObject({ code: 'E_TRUNCATED', adapter: 'sarif' });
  });

  it('rejects a select answer that is not value, descend or skip', () => {
    const error = failureOf('{"a":1}', (path) => (path.length === 0 ? 'descend' : ('take' as 'value')));
    expect(error).toMatchObject({ code: 'E_CONFIG' });
    expect(error.message).toContain('"take"');
  });
});

describe('streamJson yields every record completed before a fatal error', () => {
  const records = Array.from({ length: 5 }, (_, index) =>
    JSON.stringify({ ruleId: `R${index}`, text: 'é"}]' }),
  );
  const complete = `{"runs":[{"results":[${records.join(',')}]}]}`;

  it.each([1, 2, 3, 4, 5])(
    'truncated after %i complete results → exactly that many value events',
    async (count) => {
      const cut = `{"runs":[{"results":[${records.slice(0, count).join(',')},{"ruleId":"partial`;
      for (const sizes of [[1], [7], [1 << 20]]) {
        const { events, failure } = await splitAsync(chunk(bytesOf(cut), sizes), sarifResults);
        expect(failure).toMatchObject({ code: 'E_TRUNCATED', byte: bytesOf(cut).length });
        const values = events.filter((event) => event.type === 'value');
        expect(values.map((event) => event.value)).toEqual(
          records.slice(0, count).map((text) => JSON.parse(text)),
        );
      }
    },
  );

  it('yields the results before a syntax error in a later result', async () => {
    const broken = complete.replace('"R3"', '"R3" "oops"');
    const { events, failure } = await splitAsync(chunk(bytesOf(broken), [64]), sarifResults);
    expect(failure).toMatchObject({ code: 'E_PARSE' });
    expect(events.filter((event) => event.type === 'value')).toHaveLength(3);
  });
});

describe('streamJson safety limits', () => {
  const bomb = bytesOf('['.repeat(100_000));
  it.each<[string, Selector]>([
    ['descended', descendAll],
    ['captured', captureRoot],
    ['skipped', skipRoot],
  ])('rejects a 100,000-deep nesting bomb when %s, without a stack overflow', (_name, select) => {
    const error = failureOf(bomb, select, [4096]);
    expect(error.code).toBe('E_UNSAFE');
    expect(error.byte).toBe(1000);
    expect(error.message).toMatch(/nesting deeper than 1000 levels/);
  });

  it('accepts nesting exactly at maxDepth and rejects one more', () => {
    const atLimit = `${'['.repeat(50)}${']'.repeat(50)}`;
    expect(splitSync([bytesOf(atLimit)], captureRoot, { maxDepth: 50 }).failure).toBeUndefined();
    const over = `${'['.repeat(51)}${']'.repeat(51)}`;
    for (const select of [descendAll, captureRoot, skipRoot]) {
      expect(splitSync([bytesOf(over)], select, { maxDepth: 50 }).failure).toMatchObject({
        code: 'E_UNSAFE',
        byte: 50,
      });
    }
    const mixed = `{"a":[${'['.repeat(48)}${']'.repeat(48)}]}`;
    const deepInsideSkip = splitSync([bytesOf(mixed)], (path) => (path.length < 2 ? 'descend' : 'skip'), {
      maxDepth: 49,
    });
    expect(deepInsideSkip.failure).toMatchObject({ code: 'E_UNSAFE' });
  });

  it('rejects a captured value larger than maxValueBytes, in one chunk or across chunks', () => {
    const document = `[${JSON.stringify('x'.repeat(100))},${JSON.stringify('y'.repeat(200))}]`;
    for (const sizes of [[1 << 20], [16]]) {
      const { events, failure } = splitSync(
        chunk(bytesOf(document), sizes),
        (path) => (path.length === 0 ? 'descend' : 'value'),
        { maxValueBytes: 150 },
      );
      expect(failure).toMatchObject({ code: 'E_UNSAFE', byte: 104 });
      expect((failure as Error).message).toMatch(/^JSON value at \[1\] is larger than the 150-byte limit/);
      expect(events.filter((event) => event.type === 'value')).toHaveLength(1);
    }
  });

  it('does not limit the size of skipped values', () => {
    const document = `{"skip":${JSON.stringify(['z'.repeat(1000)])},"keep":1}`;
    const { events, failure } = splitSync(chunk(bytesOf(document), [10]), (path) =>
      path.length === 0 ? 'descend' : path[0] === 'keep' ? 'value' : 'skip',
    );
    expect(failure).toBeUndefined();
    expect(events.filter((event) => event.type === 'value')).toEqual([
      expect.objectContaining({ path: ['keep'], value: 1 }),
    ]);
  });
});

describe('indented containers (found by their closing line) keep every check and position', () => {
  const records = (path: readonly unknown[]): 'descend' | 'value' =>
    path.length === 0 ? 'descend' : 'value';
  const CHUNKINGS = [[1 << 20], [1], [7]];

  it('positions an error on the closing line of a record by line and column', () => {
    const document = '[\n  {\n    "a": 1\n  } x\n]\n';
    for (const sizes of CHUNKINGS) {
      const { events, failure } = splitSync(chunk(bytesOf(document), sizes), records);
      expect(events.filter((event) => event.type === 'value')).toHaveLength(1);
      expect(failure, String(sizes)).toMatchObject({ code: 'E_PARSE', line: 4, column: 5, byte: 21 });
    }
  });

  it('does not take an inner closing bracket at the same indentation for the end of a record', () => {
    const document = '[\n  {\n    "a": {\n  },\n    "b": [\n  ]\n  },\n  {\n    "c": 1\n  }\n]';
    for (const sizes of CHUNKINGS) {
      const { events, failure } = splitSync(chunk(bytesOf(document), sizes), records);
      expect(failure).toBeUndefined();
      expect(
        events.filter((event) => event.type === 'value').map((event) => [event.line, event.value]),
      ).toEqual([
        [2, { a: {}, b: [] }],
        [8, { c: 1 }],
      ]);
    }
  });

  it('refuses a record nested deeper than maxDepth, and counts brackets inside strings only as a bound', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 60; level++) deep = { k: deep };
    const tooDeep = JSON.stringify([deep], null, 2);
    // The root array is level 1, so the record's 50th object is level 51, one past the limit.
    let fiftieth = -1;
    for (let count = 0; count < 50; count++) fiftieth = tooDeep.indexOf('{', fiftieth + 1);
    for (const sizes of CHUNKINGS) {
      const error = splitSync(chunk(bytesOf(tooDeep), sizes), records, { maxDepth: 50 }).failure;
      expect(error, String(sizes)).toMatchObject({ code: 'E_UNSAFE' });
      expect((error as ConverterError).byte, String(sizes)).toBe(fiftieth);
    }
    const bracketsInText = JSON.stringify([{ text: '{['.repeat(100) }], null, 2);
    for (const sizes of CHUNKINGS) {
      const { events, failure } = splitSync(chunk(bytesOf(bracketsInText), sizes), records, { maxDepth: 50 });
      expect(failure).toBeUndefined();
      expect(events.find((event) => event.type === 'value')).toMatchObject({
        value: { text: '{['.repeat(100) },
      });
    }
  });

  it('refuses a record larger than maxValueBytes', () => {
    const document = JSON.stringify([{ a: 'x'.repeat(50) }, { b: 'y'.repeat(300) }], null, 2);
    for (const sizes of CHUNKINGS) {
      const { events, failure } = splitSync(chunk(bytesOf(document), sizes), records, { maxValueBytes: 150 });
      expect(failure, String(sizes)).toMatchObject({ code: 'E_UNSAFE', line: 5 });
      expect(events.filter((event) => event.type === 'value')).toHaveLength(1);
    }
  });

  it('searches for closing lines a bounded number of times when the indentation changes from record to record', () => {
    // Each record starts its own line at a different indentation and closes on that line, so no closing line
    // exists: a search per record over the rest of the chunk would be quadratic.
    const count = 2000;
    const records = Array.from(
      { length: count },
      (_, i) => `\n${' '.repeat(1 + (i % 8))}{"id":${i},"x":[1]}`,
    );
    const document = `[${records.join(',')}\n]`;
    const indexOf = vi.spyOn(Buffer.prototype, 'indexOf');
    try {
      const { events, failure } = splitSync([bytesOf(document)], (path) =>
        path.length === 0 ? 'descend' : 'value',
      );
      expect(failure).toBeUndefined();
      expect(events.filter((event) => event.type === 'value')).toHaveLength(count);
      // One search runs to the end of the chunk (a call per `}` left); a search per record would be ~count²/2.
      expect(indexOf.mock.calls.filter(([needle]) => needle === 0x7d).length).toBeLessThan(3 * count);
    } finally {
      indexOf.mockRestore();
    }
  });
});
