import { describe, expect, it } from 'vitest';
import type { JsonPathSegment } from '../../src/json/index.js';
import { pathToString } from '../../src/json/index.js';
import { bytesOf, chunk, plain, referenceEvents, type Selector, splitAsync, splitSync } from './helpers.js';

const SARIF_LIKE = `{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": { "driver": { "name": "demo", "rules": [ { "id": "R1", "shortDescription": { "text": "a \\"quoted\\" rule" } } ] } },
      "results": [
        { "ruleId": "R1", "level": "error", "message": { "text": "line1\\nline2 \\u00e9 😀" },
          "locations": [ { "physicalLocation": { "artifactLocation": { "uri": "src/a.ts" }, "region": { "startLine": 3 } } } ] },
        { "ruleId": "R2", "message": { "text": "x" }, "properties": { "security-severity": "9.8", "tags": [] } },
        { "ruleId": "R3", "message": { "text": "\\\\ backslash at end \\\\" }, "rank": -1.5e+2 }
      ]
    },
    { "tool": { "driver": { "name": "empty" } }, "results": [] }
  ]
}`;

const TRIVY_LIKE = `{"SchemaVersion":2,"ArtifactName":"app:1.2","Results":[{"Target":"a","Class":"os-pkgs","Vulnerabilities":[{"VulnerabilityID":"CVE-1","Severity":"HIGH","CVSS":{"nvd":{"V3Score":9.8}}},{"VulnerabilityID":"CVE-2","Severity":"LOW"}]},{"Target":"b","Vulnerabilities":null},{"Target":"c"}]}`;

const DOCUMENTS: Record<string, string> = {
  'sarif-like, pretty-printed': SARIF_LIKE,
  'trivy-like, minified': TRIVY_LIKE,
  'root array of mixed values': '[1,"two",{"three":3},[4],null,true,false,-0.25e-3,0]',
  'root number': '42',
  'root negative exponent number with whitespace': ' \n\t-12.5E+3 \r\n',
  'root string': '"just a string \\u2603"',
  'root true': 'true',
  'root null': 'null',
  'empty object': '{}',
  'empty array': '[ ]',
  'empty containers everywhere': '{"a":{},"b":[],"c":[[],{}],"d":[{"e":[]}]}',
  'escaped keys and strings':
    '{"k\\"ey":"v\\\\","r\\u0065sults":[1,{"x":"\\/"}],"emoji":"\\uD83D\\uDE00😀","tab\\there":"\\b\\f\\n\\r\\t"}',
  'multi-byte keys and values': '{"日本":{"ключ":["é","𝄞 clef","中文"]},"ü":"ñ"}',
  'CRLF and tabs': '{\r\n\t"a" :\t[ 1 ,\r\n\t\t2 ] ,\r\n\t"b" : { "c" : "d" }\r\n}',
  'strings full of brackets': '{"a":"[{","b":["}]","\\"]"],"c":{"d":"{{{"}}',
};

const SELECTORS: Record<string, Selector> = {
  'descend everything': () => 'descend',
  'capture the root': () => 'value',
  'skip the root': () => 'skip',
  'descend two levels, capture below': (path) => (path.length < 2 ? 'descend' : 'value'),
  'descend one level, skip below': (path) => (path.length < 1 ? 'descend' : 'skip'),
  'SARIF results': (path) => {
    if (path.length <= 2) return path.length === 0 || path[0] === 'runs' ? 'descend' : 'skip';
    if (path.length === 3) return path[2] === 'results' ? 'descend' : 'skip';
    return 'value';
  },
  'Trivy vulnerabilities': (path) => {
    if (path.length === 0) return 'descend';
    if (path[0] !== 'Results') return path.length === 1 && path[0] === 'ArtifactName' ? 'value' : 'skip';
    if (path.length <= 2) return 'descend';
    if (path.length === 3)
      return path[2] === 'Vulnerabilities' ? 'descend' : path[2] === 'Target' ? 'value' : 'skip';
    return 'value';
  },
  'alternate by path': (path, kind) => {
    const text = pathToString(path);
    let hash = 0;
    for (let index = 0; index < text.length; index++) hash = (hash * 31 + text.charCodeAt(index)) | 0;
    const choice = Math.abs(hash) % 3;
    return choice === 0 && kind !== 'scalar' ? 'descend' : choice === 1 ? 'skip' : 'value';
  },
};

const CHUNKINGS: Record<string, number[]> = {
  whole: [1 << 20],
  '1-byte': [1],
  '2-byte': [2],
  '3-byte': [3],
  'mixed 1,5,2,13': [1, 5, 2, 13],
  '64-byte': [64],
};

describe('streamJson emits what a JSON.parse walk of the whole document gives', () => {
  const cases = Object.entries(DOCUMENTS).flatMap(([documentName, document]) =>
    Object.entries(SELECTORS).map(([selectorName, select]) => ({
      documentName,
      document,
      selectorName,
      select,
    })),
  );
  it.each(cases)('$documentName × $selectorName, every chunking', ({ document, select }) => {
    const expected = referenceEvents(document, select);
    for (const [chunkingName, sizes] of Object.entries(CHUNKINGS)) {
      const { events, failure } = splitSync(chunk(bytesOf(document), sizes), select);
      expect(failure, chunkingName).toBeUndefined();
      expect(plain(events), chunkingName).toEqual(expected);
    }
  });

  it('yields the same through the async generator as through the synchronous core', async () => {
    const select = SELECTORS['SARIF results']!;
    const chunks = chunk(bytesOf(SARIF_LIKE), [7]);
    const asyncRun = await splitAsync(chunks, select);
    expect(asyncRun.failure).toBeUndefined();
    expect(asyncRun.events).toEqual(splitSync(chunks, select).events);
    expect(asyncRun.events.filter((event) => event.type === 'value')).toHaveLength(3);
  });
});

describe('streamJson paths, positions and select calls', () => {
  it('unescapes keys before calling select and in event paths', () => {
    const document = '{"r\\u0065sults":[{"a":1}],"\\u65e5":2}';
    const { events } = splitSync([bytesOf(document)], (path) =>
      path.length === 0 || path[0] === 'results' ? (path.length < 2 ? 'descend' : 'value') : 'value',
    );
    expect(plain(events)).toEqual([
      { type: 'enter', path: [], kind: 'object' },
      { type: 'enter', path: ['results'], kind: 'array' },
      { type: 'value', path: ['results', 0], value: { a: 1 } },
      { type: 'exit', path: ['results'], kind: 'array' },
      { type: 'value', path: ['日'], value: 2 },
      { type: 'exit', path: [], kind: 'object' },
    ]);
  });

  it('keeps document order for integer-like keys (JSON.parse would reorder them)', () => {
    const { events } = splitSync([bytesOf('{"b":1,"10":2,"2":3}')], (path) =>
      path.length === 0 ? 'descend' : 'value',
    );
    expect(events.filter((event) => event.type === 'value').map((event) => event.path)).toEqual([
      ['b'],
      ['10'],
      ['2'],
    ]);
  });

  it('calls select once per child of a descended container, in document order, with the kind', () => {
    const calls: string[] = [];
    splitSync(chunk(bytesOf('{"a":[1,"x",{"b":null}],"c":{"d":[]},"e":true}'), [3]), (path, kind) => {
      calls.push(`${pathToString(path)}:${kind}`);
      return path.length < 2 ? 'descend' : 'skip';
    });
    expect(calls).toEqual([
      ':object',
      'a:array',
      'a[0]:scalar',
      'a[1]:scalar',
      'a[2]:object',
      'c:object',
      'c.d:array',
      'e:scalar',
    ]);
  });

  it('gives events paths that stay unchanged while the splitter moves on', () => {
    const { events } = splitSync(chunk(bytesOf('[[1,2],[3]]'), [1]), () => 'descend');
    const paths = events.map((event) => pathToString(event.path));
    expect(paths).toEqual(['', '[0]', '[0][0]', '[0][1]', '[0]', '[1]', '[1][0]', '[1]', '']);
  });

  it('calls select as a method of the options object', async () => {
    const { streamJson } = await import('../../src/json/index.js');
    async function* input(): AsyncGenerator<Uint8Array> {
      yield bytesOf('{"keep":1,"drop":2}');
    }
    const options = {
      keep: 'keep',
      select(path: readonly JsonPathSegment[]) {
        return path.length === 0 ? 'descend' : path[0] === this.keep ? 'value' : 'skip';
      },
    } as const;
    const paths: unknown[] = [];
    for await (const event of streamJson(input(), options))
      if (event.type === 'value') paths.push(event.path);
    expect(paths).toEqual([['keep']]);
  });

  it('treats descend on a scalar as value', () => {
    const { events } = splitSync([bytesOf('{"a":"x","b":2}')], () => 'descend');
    expect(plain(events).filter((event) => event.type === 'value')).toEqual([
      { type: 'value', path: ['a'], value: 'x' },
      { type: 'value', path: ['b'], value: 2 },
    ]);
  });

  it('reports the byte offset and line where each event starts, for any chunking', () => {
    const document = '{\n  "a": [1, {"b": "é"}],\n  "c": "d"\n}';
    for (const sizes of [[1], [4], [1000]]) {
      const { events } = splitSync(chunk(bytesOf(document), sizes), (path) =>
        path.length < 2 ? 'descend' : 'value',
      );
      expect(events.map((event) => [event.type, pathToString(event.path), event.byte, event.line])).toEqual([
        ['enter', '', 0, 1],
        ['enter', 'a', 9, 2],
        ['value', 'a[0]', 10, 2],
        ['value', 'a[1]', 13, 2],
        ['exit', 'a', 24, 2],
        ['value', 'c', 34, 3],
        ['exit', '', 38, 4],
      ]);
    }
  });

  it('captures a value that spans many chunks exactly', () => {
    const big = { text: 'ü'.repeat(5000), list: Array.from({ length: 300 }, (_, index) => ({ index })) };
    const document = JSON.stringify({ before: 1, big, after: 2 });
    const { events } = splitSync(chunk(bytesOf(document), [997]), (path) =>
      path.length === 0 ? 'descend' : 'value',
    );
    expect(plain(events)).toEqual(
      referenceEvents(document, (path) => (path.length === 0 ? 'descend' : 'value')),
    );
    expect(events.find((event) => event.path[0] === 'big')).toMatchObject({ type: 'value', value: big });
  });
});

describe('pathToString', () => {
  it.each<[JsonPathSegment[], string]>([
    [[], ''],
    [['runs', 0, 'results', 3], 'runs[0].results[3]'],
    [[0, 'a'], '[0].a'],
    [['properties', 'security-severity'], 'properties["security-severity"]'],
    [['$schema'], '$schema'],
    [['with "quote"'], '["with \\"quote\\""]'],
  ])('%j → %s', (path, text) => {
    expect(pathToString(path)).toBe(text);
  });
});

describe('streamJson as an async generator', () => {
  it('handles a whole document given as one chunk larger than its 1 MiB slice', async () => {
    const results = Array.from({ length: 3000 }, (_, index) => ({
      ruleId: `R${index}`,
      text: 'é'.repeat(index % 700),
    }));
    const document = JSON.stringify({ runs: [{ results }] });
    expect(document.length).toBeGreaterThan(1 << 20);
    const select: Selector = (path) => (path.length < 4 ? 'descend' : 'value');
    const { events, failure } = await splitAsync([bytesOf(document)], select);
    expect(failure).toBeUndefined();
    expect(events.filter((event) => event.type === 'value').map((event) => event.value)).toEqual(results);
  });

  it('accepts text chunks from a stream with an encoding set', async () => {
    const { streamJson } = await import('../../src/json/index.js');
    async function* text(): AsyncGenerator<string> {
      yield '{"a":[1,';
      yield '"é"]}';
    }
    const values: unknown[] = [];
    for await (const event of streamJson(text() as unknown as AsyncIterable<Uint8Array>, {
      select: (path) => (path.length < 2 ? 'descend' : 'value'),
    })) {
      if (event.type === 'value') values.push(event.value);
    }
    expect(values).toEqual([1, 'é']);
  });

  it('propagates an exception thrown by select after yielding the earlier values', async () => {
    const { events, failure } = await splitAsync([bytesOf('[1,2,3]')], (path) => {
      if (path[0] === 2) throw new Error('select failed');
      return path.length === 0 ? 'descend' : 'value';
    });
    expect((failure as Error).message).toBe('select failed');
    expect(plain(events).filter((event) => event.type === 'value')).toEqual([
      { type: 'value', path: [0], value: 1 },
      { type: 'value', path: [1], value: 2 },
    ]);
  });

  it('closes the input when the consumer stops early', async () => {
    const { streamJson } = await import('../../src/json/index.js');
    let closed = false;
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (let index = 0; index < 1000; index++) {
          pulled++;
          yield bytesOf(index === 0 ? '[0' : `,${index}`);
        }
        yield bytesOf(']');
      } finally {
        closed = true;
      }
    }
    let seen = 0;
    for await (const event of streamJson(source(), {
      select: (path) => (path.length === 0 ? 'descend' : 'value'),
    })) {
      if (event.type === 'value' && ++seen === 3) break;
    }
    expect(closed).toBe(true);
    expect(pulled).toBeLessThan(10);
  });
});
