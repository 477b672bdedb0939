import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import sarif from '../../../adapters/sarif/index.js';
import { selectSarif } from '../../../adapters/sarif/parse.js';
import type { Finding } from '../../../src/adapter.js';
import { ConverterError } from '../../../src/errors.js';
import { chunksOf } from '../../helpers/chunks.js';
import { encode, parseWith } from './helpers.js';

const driver = (name: string, rules: object[] = [{ id: 'R1', shortDescription: { text: 'Rule one' } }]) => ({
  driver: { name, rules },
});
const result = (text: string, extra: object = {}) => ({
  ruleId: 'R1',
  message: { text },
  locations: [
    { physicalLocation: { artifactLocation: { uri: 'a.js' }, region: { startLine: text.length } } },
  ],
  ...extra,
});

describe('selectSarif', () => {
  it.each([
    [[], 'object', 'descend'],
    [[], 'array', 'descend'],
    [[], 'scalar', 'value'],
    [['runs'], 'array', 'descend'],
    [['runs'], 'object', 'value'],
    [['version'], 'scalar', 'value'],
    [['$schema'], 'scalar', 'skip'],
    [['inlineExternalProperties'], 'array', 'skip'],
    [['runs', 0], 'object', 'descend'],
    [['runs', 0], 'scalar', 'value'],
    [['runs', 0, 'results'], 'array', 'descend'],
    [['runs', 0, 'results', 5], 'object', 'value'],
    [['runs', 0, 'results', 5, 'message'], 'object', 'skip'],
    [['runs', 0, 'tool'], 'object', 'descend'],
    [['runs', 0, 'tool', 'driver'], 'object', 'descend'],
    [['runs', 0, 'tool', 'driver', 'name'], 'scalar', 'value'],
    [['runs', 0, 'tool', 'driver', 'globalMessageStrings'], 'object', 'value'],
    [['runs', 0, 'tool', 'driver', 'notifications'], 'array', 'skip'],
    [['runs', 0, 'tool', 'driver', 'rules'], 'array', 'descend'],
    [['runs', 0, 'tool', 'driver', 'rules', 3], 'object', 'value'],
    [['runs', 0, 'tool', 'extensions'], 'array', 'descend'],
    [['runs', 0, 'tool', 'extensions', 2], 'object', 'descend'],
    [['runs', 0, 'tool', 'extensions', 2, 'rules', 0], 'object', 'value'],
    [['runs', 0, 'tool', 'extensions', 2, 'locations'], 'array', 'skip'],
    [['runs', 0, 'artifacts'], 'array', 'descend'],
    [['runs', 0, 'artifacts', 7], 'object', 'descend'],
    [['runs', 0, 'artifacts', 7, 'location'], 'object', 'value'],
    [['runs', 0, 'artifacts', 7, 'hashes'], 'object', 'skip'],
    [['runs', 0, 'originalUriBaseIds'], 'object', 'value'],
    [['runs', 0, 'versionControlProvenance'], 'array', 'value'],
    [['runs', 0, 'automationDetails'], 'object', 'value'],
    [['runs', 0, 'logicalLocations', 1], 'object', 'value'],
    [['runs', 0, 'taxonomies', 0], 'object', 'descend'],
    [['runs', 0, 'taxonomies', 0, 'name'], 'scalar', 'value'],
    [['runs', 0, 'taxonomies', 0, 'taxa', 4], 'object', 'value'],
    [['runs', 0, 'taxonomies', 0, 'fullDescription'], 'object', 'skip'],
    [['runs', 0, 'invocations', 0, 'executionSuccessful'], 'scalar', 'value'],
    [['runs', 0, 'invocations', 0, 'toolExecutionNotifications'], 'array', 'skip'],
    [['runs', 0, 'properties'], 'object', 'descend'],
    [['runs', 0, 'properties', 'imageName'], 'scalar', 'value'],
    [['runs', 0, 'properties', 'metrics'], 'object', 'skip'],
    [['runs', 0, 'columnKind'], 'scalar', 'skip'],
  ] as const)('%j (%s) → %s', (path, kind, expected) => {
    expect(selectSarif(path, kind)).toBe(expected);
  });
});

describe('parseSarif: runs and keys in any order', () => {
  it('converts several runs, counting records across runs', async () => {
    const { findings, issues } = await parseWith({
      version: '2.1.0',
      runs: [
        { tool: driver('one'), results: [result('a'), result('bb')] },
        { tool: driver('two'), results: [result('ccc')] },
      ],
    });
    expect(findings.map((f) => [f.ruleId, f.title])).toEqual([
      ['one/R1', 'Rule one at a.js:1'],
      ['one/R1', 'Rule one at a.js:2'],
      ['two/R1', 'Rule one at a.js:3'],
    ]);
    expect(issues).toEqual([]);
  });

  it('accepts version and $schema after runs, and runs: []', async () => {
    expect(
      (await parseWith({ runs: [{ tool: driver('x'), results: [result('a')] }], version: '2.1.0' })).findings,
    ).toHaveLength(1);
    expect(await parseWith({ version: '2.1.0', runs: [] })).toEqual({
      findings: [],
      issues: [],
      tempFilesLeft: [],
    });
  });

  it('gives the same findings whatever the order of run sections', async () => {
    const sections = {
      tool: driver('x'),
      artifacts: [{ location: { uri: 'from-index.c' } }],
      results: [
        result('a'),
        result('b', { locations: [{ physicalLocation: { artifactLocation: { index: 0 } } }] }),
      ],
      logicalLocations: [{ fullyQualifiedName: 'ns' }],
    };
    const orders = [
      ['tool', 'artifacts', 'results', 'logicalLocations'],
      ['results', 'tool', 'logicalLocations', 'artifacts'],
      ['results', 'logicalLocations', 'artifacts', 'tool'],
    ];
    const outputs = [];
    for (const order of orders) {
      const run = Object.fromEntries(order.map((key) => [key, sections[key as keyof typeof sections]]));
      const parsed = await parseWith({ runs: [run], version: '2.1.0' });
      expect(parsed.issues).toEqual([]);
      outputs.push(parsed.findings);
    }
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
    expect(outputs[0]![1]!.resources[0]!.Id).toBe('from-index.c');
  });
});

describe('parseSarif: scope hint', () => {
  it("gives each run's results that run's hint and tool, so the order of the runs changes nothing", async () => {
    const runs = [
      {
        tool: driver('first'),
        results: [],
        versionControlProvenance: [{ repositoryUri: 'https://github.com/o/app' }],
      },
      { tool: driver('second'), results: [result('a')] },
      {
        tool: driver('third'),
        versionControlProvenance: [{ repositoryUri: 'https://github.com/o/app' }],
        results: [result('b')],
      },
    ];
    const summary = (findings: Finding[]) =>
      findings.map((f) => [f.ruleId, f.scopeHint, f.scopeHintKind, f.sourceTool]);
    const forward = await parseWith({ version: '2.1.0', runs });
    const backward = await parseWith({ version: '2.1.0', runs: [...runs].reverse() });
    expect(summary(forward.findings)).toEqual([
      ['second/R1', 'second', 'tool', 'second'],
      ['third/R1', 'third@o/app', 'name', 'third'],
    ]);
    expect(summary(backward.findings)).toEqual(summary(forward.findings).reverse());
  });
});

describe('parseSarif: order independence', () => {
  it('gives the same Ids when runs and results are reordered', async () => {
    const runs = [
      {
        tool: driver('one'),
        results: [result('a'), result('bb'), result('a', { fingerprints: { k: '1' } })],
      },
      {
        tool: driver('two'),
        results: [result('c'), result('dd', { partialFingerprints: { primaryLocationLineHash: 'h:1' } })],
      },
    ];
    const reordered = [
      { ...runs[1]!, results: [...runs[1]!.results].reverse() },
      { ...runs[0]!, results: [...runs[0]!.results].reverse() },
    ];
    const ids = async (log: object) =>
      (await parseWith(log)).findings.map((f) => `${f.description}→${JSON.stringify(f.identity)}`).sort();
    expect(await ids({ version: '2.1.0', runs: reordered })).toEqual(await ids({ version: '2.1.0', runs }));
  });
});

describe('parseSarif: results before their tool', () => {
  const semgrepLike = {
    version: '2.1.0',
    runs: [
      { tool: driver('first'), results: [result('streamed')] },
      {
        results: [result('parked one'), result('parked two')],
        tool: driver('second', [{ id: 'R1', shortDescription: { text: 'Known later' } }]),
      },
    ],
  };

  async function collectWithTempDir(input: AsyncIterable<Uint8Array>, stopAfter = Number.POSITIVE_INFINITY) {
    const tempDir = await mkdtemp(join(tmpdir(), 'sarif-spool-'));
    const seen: { finding: Finding; files: string[] }[] = [];
    let error: unknown;
    try {
      for await (const finding of sarif.parse(input, { onIssue: () => {}, options: {}, tempDir })) {
        seen.push({ finding, files: await readdir(tempDir) });
        if (seen.length >= stopAfter) break;
      }
    } catch (caught) {
      error = caught;
    }
    const left = await readdir(tempDir);
    await rm(tempDir, { recursive: true, force: true });
    return { seen, left, error };
  }

  it('parks them in a spool file under tempDir and converts them with the rules that come later', async () => {
    const { seen, left } = await collectWithTempDir(chunksOf(encode(semgrepLike)));
    expect(seen.map(({ finding }) => [finding.ruleId, finding.title, finding.description])).toEqual([
      ['first/R1', 'Rule one at a.js:8', 'streamed'],
      ['second/R1', 'Known later at a.js:10', 'parked one'],
      // Same rule, same place: the later one is told apart by its message.
      ['second/R1', 'Known later at a.js:10 — parked two', 'parked two'],
    ]);
    expect(seen[0]!.files).toEqual([]);
    expect(seen[1]!.files).toHaveLength(1);
    expect(seen[1]!.files[0]).toMatch(/^asff-stream-sarif-run1-\d+-[0-9a-f-]+\.spool$/);
    expect(left).toEqual([]);
  });

  it('spools a result that comes before its tool as the input bytes, unparsed (pretty-printed text kept)', async () => {
    const text = JSON.stringify(semgrepLike, null, 2);
    const tempDir = await mkdtemp(join(tmpdir(), 'sarif-spool-raw-'));
    let spooled = '';
    try {
      for await (const finding of sarif.parse(chunksOf(encode(text), [7, 64, 3]), {
        onIssue: () => {},
        options: {},
        tempDir,
      })) {
        const [file] = await readdir(tempDir);
        if (file !== undefined && spooled === '') spooled = await readFile(join(tempDir, file), 'utf8');
        expect(finding.ruleId).toMatch(/^(first|second)\/R1$/);
      }
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
    const parked = semgrepLike.runs[1]!.results!;
    // The spool holds each parked result exactly as it appears in the input, indentation and newlines included.
    for (const value of parked) {
      const asInInput = JSON.stringify(value, null, 2).replaceAll('\n', '\n        ');
      expect(text).toContain(asInInput);
      expect(spooled).toContain(asInInput);
    }
    expect(spooled).not.toContain(JSON.stringify(parked[0]));
  });

  it('reports invalid JSON inside a parked result as E_PARSE at the same place as an unparked one', async () => {
    // `"level" "error"` (no colon) keeps brackets and strings balanced: only JSON.parse sees the problem.
    const bad = '{"ruleId":"R1","message":{"text":"x"},"level" "error"}';
    const good = JSON.stringify(result('fine'));
    const tool = JSON.stringify(driver('t'));
    const parkedLog = `{"version":"2.1.0","runs":[{"results":[${good},\n ${bad}],"tool":${tool}}]}`;
    const streamedLog = `{"version":"2.1.0","runs":[{"tool":${tool},"results":[${good},\n ${bad}]}]}`;
    const failure = async (text: string) => {
      const { seen, left, error } = await collectWithTempDir(chunksOf(encode(text), [5, 17]));
      expect(left).toEqual([]);
      expect(error).toBeInstanceOf(ConverterError);
      return { seen: seen.map(({ finding }) => finding.description), error: error as ConverterError };
    };
    const parked = await failure(parkedLog);
    const streamed = await failure(streamedLog);
    expect(parked.error.code).toBe('E_PARSE');
    expect(parked.error.message).toBe(streamed.error.message);
    expect(parked.error.message).toMatch(
      /invalid JSON in the object at runs\[0\]\.results\[1\]: expected ':'/,
    );
    const offset = (text: string) => Buffer.byteLength(text.slice(0, text.indexOf('"level" "error"') + 7));
    expect(parked.error).toMatchObject({ line: 2, byte: offset(parkedLog) + 1 });
    expect(streamed.error).toMatchObject({ line: 2, byte: offset(streamedLog) + 1 });
    expect(parked.error.column).toBe(streamed.error.column);
    // Parked results are read back in order: the good one is converted before the bad one fails the log.
    expect(parked.seen).toEqual(['fine']);
    expect(streamed.seen).toEqual(['fine']);
  });

  it('deletes the spool file when the consumer stops early', async () => {
    const { seen, left } = await collectWithTempDir(chunksOf(encode(semgrepLike)), 2);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.files).toHaveLength(1);
    expect(left).toEqual([]);
  });

  it('deletes the spool file when the input is cut before the tool arrives, and fails with E_TRUNCATED', async () => {
    const text = JSON.stringify(semgrepLike);
    const cut = text.slice(0, text.indexOf('"tool":{"driver":{"name":"second"') + 10);
    const { seen, left, error } = await collectWithTempDir(chunksOf(encode(cut)));
    expect(seen.map(({ finding }) => finding.description)).toEqual(['streamed']);
    expect(error).toBeInstanceOf(ConverterError);
    expect((error as ConverterError).code).toBe('E_TRUNCATED');
    expect(left).toEqual([]);
  });

  it('converts results of a run without any tool, with an issue', async () => {
    const { findings, issues } = await parseWith({
      version: '2.1.0',
      runs: [{ results: [result('orphan')] }],
    });
    expect(findings.map((f) => [f.ruleId, f.title])).toEqual([['unknown-tool/R1', 'orphan at a.js:6']]);
    expect(issues.map((i) => i.code)).toEqual(['missing-tool', 'missing-rule']);
  });

  it('waits for taxonomies when a rule points into them by index only', async () => {
    const rule = { id: 'R1', relationships: [{ target: { index: 0, toolComponent: { index: 0 } } }] };
    const { findings } = await parseWith({
      version: '2.1.0',
      runs: [
        {
          tool: driver('kics', [rule]),
          results: [result('a')],
          taxonomies: [{ name: 'CWE', taxa: [{ id: '798' }] }],
        },
      ],
    });
    expect(findings[0]!.productFields?.Cwes).toBe('CWE-798');
  });
});

describe('parseSarif: sections that arrive after converted results', () => {
  it('reports versionControlProvenance, automationDetails and relative originalUriBaseIds that come too late', async () => {
    const located = (uri: string, base: string) => ({
      ruleId: 'R1',
      message: { text: uri },
      locations: [{ physicalLocation: { artifactLocation: { uri, uriBaseId: base } } }],
    });
    const { findings, issues } = await parseWith({
      version: '2.1.0',
      runs: [
        {
          tool: driver('x'),
          results: [located('a.c', 'SRC'), located('b.c', 'ROOT')],
          originalUriBaseIds: { SRC: { uri: 'src/' }, ROOT: { uri: 'file:///build/' } },
          versionControlProvenance: [{ repositoryUri: 'https://github.com/o/r' }],
          automationDetails: { id: 'nightly/' },
        },
      ],
    });
    expect(findings.map((f) => f.resources[0]!.Id)).toEqual(['a.c', 'b.c']);
    expect(issues.map((i) => [i.code, i.message])).toEqual([
      [
        'late-run-context',
        'run 0 (x): "originalUriBaseIds" comes after 2 of its results, which were converted without it',
      ],
      [
        'late-run-context',
        'run 0 (x): "versionControlProvenance" comes after 2 of its results, which were converted without it',
      ],
      [
        'late-run-context',
        'run 0 (x): "automationDetails" comes after 2 of its results, which were converted without it',
      ],
    ]);
  });

  it('is silent when the late originalUriBaseIds only holds absolute roots (Trivy ROOTPATH)', async () => {
    const { issues } = await parseWith({
      version: '2.1.0',
      runs: [
        {
          tool: driver('Trivy'),
          results: [
            {
              ruleId: 'R1',
              message: { text: 'm' },
              locations: [{ physicalLocation: { artifactLocation: { uri: 'img', uriBaseId: 'ROOTPATH' } } }],
            },
          ],
          originalUriBaseIds: { ROOTPATH: { uri: 'file:///home/runner/' } },
        },
      ],
    });
    expect(issues).toEqual([]);
  });
});

describe('parseSarif: record-level problems', () => {
  it.each([
    [
      'a run that is not an object',
      { version: '2.1.0', runs: [7, { tool: driver('x'), results: [result('a')] }] },
      1,
      [['invalid-run', true]],
    ],
    [
      'results that are not an array',
      { version: '2.1.0', runs: [{ tool: driver('x'), results: { a: 1 } }] },
      0,
      [['invalid-results', undefined]],
    ],
    [
      'results: null (tool did not run)',
      { version: '2.1.0', runs: [{ tool: driver('x'), results: null }] },
      0,
      [],
    ],
    [
      'a result that is not an object',
      { version: '2.1.0', runs: [{ tool: driver('x'), results: ['x', result('a')] }] },
      1,
      [['invalid-result', true]],
    ],
    [
      'a failed tool execution',
      {
        version: '2.1.0',
        runs: [
          {
            tool: driver('x'),
            invocations: [{ executionSuccessful: false }, { executionSuccessful: false }],
            results: [result('a')],
          },
        ],
      },
      1,
      [['tool-execution-failed', undefined]],
    ],
    [
      'a 2.x version other than 2.1.0',
      { version: '2.0.0', runs: [{ tool: driver('x'), results: [result('a')] }] },
      1,
      [['sarif-version', undefined]],
    ],
  ])('%s', async (_name, log, count, expected) => {
    const { findings, issues, error } = await parseWith(log);
    expect(error).toBeUndefined();
    expect(findings).toHaveLength(count);
    expect(issues.map((issue) => [issue.code, issue.skipped])).toEqual(expected);
  });

  it('keeps exact duplicates apart with an occurrence number and reports them', async () => {
    const { findings, issues } = await parseWith({
      version: '2.1.0',
      runs: [
        { tool: driver('x'), results: [result('same'), result('other'), result('same'), result('same')] },
      ],
    });
    expect(findings.map((f) => f.identity.at(-1))).toEqual(['same', 'other', 'occurrence:2', 'occurrence:3']);
    expect(issues.map((i) => [i.code, i.recordIndex])).toEqual([
      ['duplicate-result', 2],
      ['duplicate-result', 3],
    ]);
  });

  it('places issues by record index, byte and line', async () => {
    const text = `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},\n"results":[\n${JSON.stringify(result('a'))},\n7]}]}`;
    const { issues } = await parseWith(text);
    const invalid = issues.find((issue) => issue.code === 'invalid-result')!;
    expect(invalid).toMatchObject({ recordIndex: 1, line: 4, byte: text.lastIndexOf('7') });
  });
});

describe('parseSarif: fatal input problems', () => {
  it.each([
    ['empty input', '', 'E_FORMAT', /^not a SARIF log: /],
    [
      'a console report',
      '\n  _   _\n | |_| |  Passed checks: 3',
      'E_FORMAT',
      /^not a SARIF log: input is not JSON/,
    ],
    ['a JSON array', '[1, 2]', 'E_FORMAT', /the document is an array/],
    ['a JSON string', '"runs"', 'E_FORMAT', /the document is string/],
    [
      'an object without runs',
      '{"SchemaVersion": 2, "Results": []}',
      'E_FORMAT',
      /no "runs" array \(its keys start with "SchemaVersion", "Results"\)/,
    ],
    ['runs that is an object', '{"version":"2.1.0","runs":{}}', 'E_FORMAT', /"runs" is object, not an array/],
    ['SARIF 1.0', '{"version":"1.0.0","runs":[]}', 'E_FORMAT', /not a SARIF 2\.x log: "version" is 1\.0\.0/],
    ['truncated', '{"version":"2.1.0","runs":[{"tool":', 'E_TRUNCATED', /input ended/],
    ['bad syntax', '{"version":"2.1.0","runs":[{"tool" 1}]}', 'E_PARSE', /./],
  ])('%s → %s', async (_name, text, code, message) => {
    const { error, tempFilesLeft } = await parseWith(text);
    expect(error).toBeInstanceOf(ConverterError);
    expect((error as ConverterError).code).toBe(code);
    expect((error as ConverterError).message).toMatch(message);
    expect((error as ConverterError).adapter).toBe('sarif');
    expect((error as ConverterError).byte).toBeTypeOf('number');
    expect(tempFilesLeft).toEqual([]);
  });

  it('keeps the findings made before a syntax error', async () => {
    const text = JSON.stringify({
      version: '2.1.0',
      runs: [{ tool: driver('x'), results: [result('a'), result('b')] }],
    });
    const broken = text.replace('"b"', '"b" oops');
    const { findings, error } = await parseWith(broken);
    expect(findings.map((f) => f.description)).toEqual(['a']);
    expect((error as ConverterError).code).toBe('E_PARSE');
  });

  it('stops with E_ABORTED when the signal fires', async () => {
    const controller = new AbortController();
    const tempDir = await mkdtemp(join(tmpdir(), 'sarif-abort-'));
    const input = chunksOf(
      encode({
        version: '2.1.0',
        runs: [{ tool: driver('x'), results: [result('a'), result('b'), result('c')] }],
      }),
      [40],
    );
    const seen: string[] = [];
    await expect(async () => {
      for await (const finding of sarif.parse(input, {
        onIssue: () => {},
        options: {},
        tempDir,
        signal: controller.signal,
      })) {
        seen.push(finding.description);
        controller.abort();
      }
    }).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(seen).toEqual(['a']);
    await rm(tempDir, { recursive: true, force: true });
  });
});

describe('parseSarif: options', () => {
  it('reads repository and target options', async () => {
    const log = {
      version: '2.1.0',
      runs: [
        { tool: driver('Dockle'), results: [{ ruleId: 'R1', message: { text: 'no place' } }, result('x')] },
      ],
    };
    const { findings } = await parseWith(log, {
      target: 'registry.example.com/app:1.2',
      repository: 'git@github.com:acme/app.git',
    });
    expect(findings.map((f) => [f.resources[0]!.Type, f.resources[0]!.Id])).toEqual([
      ['CodeRepository', 'https://github.com/acme/app'],
      ['CodeRepository', 'https://github.com/acme/app'],
    ]);
    const withoutRepository = await parseWith(log, {
      target: 'registry.example.com/app:1.2',
      repository: 42,
    });
    expect(withoutRepository.findings[0]!.resources[0]!.Id).toBe('registry.example.com/app:1.2');
  });
});
