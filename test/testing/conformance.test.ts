import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Adapter, defineAdapter, type Finding } from '../../src/adapter.js';
import { ConverterError } from '../../src/errors.js';
import { type ConformanceOptions, conformanceCases } from '../../src/testing/index.js';

/**
 * A line format for these tests: `key severity [text]` per line; severity `SKIP` skips the line with an issue, reported
 * for all the lines of a chunk before their findings are yielded. Its flaws are switched on one at a time, and
 * each must make exactly the check that looks for it fail.
 */
type Flaw =
  | 'none'
  | 'chunk-dependent'
  | 'order-dependent-id'
  | 'copies-text'
  | 'plain-error'
  | 'no-position'
  | 'chunk-dependent-error'
  | 'chunk-dependent-issue';

function lineAdapter(flaw: Flaw): Adapter {
  return defineAdapter({
    name: 'lines-test',
    meta: { description: 'test format', extensions: ['lines'], identity: 'the key' },
    detect: ({ head }) => (head.startsWith('#lines') ? 1 : 0),
    async *parse(input, ctx) {
      const decoder = new TextDecoder();
      let pending = '';
      let index = 0;
      let chunkCount = 0;
      let linesBeforeChunk = 0;
      const toFinding = (line: string): Finding | undefined => {
        if (line === '' || line.startsWith('#')) return undefined;
        const [key = '', severity = 'LOW', ...rest] = line.split(' ');
        if (severity === 'SKIP') return undefined;
        if (severity === 'BROKEN') {
          if (flaw === 'plain-error') throw new Error('broken line');
          // The chunk-dependent error counts lines from the start of the chunk it is in, not of the input.
          const line = flaw === 'chunk-dependent-error' ? index + 1 - linesBeforeChunk : index + 1;
          throw new ConverterError('E_PARSE', 'broken line', flaw === 'no-position' ? {} : { line });
        }
        const text = rest.join(' ');
        return {
          identity: flaw === 'order-dependent-id' ? [key, index] : [key],
          ruleId: `rule-${key}`,
          title: flaw === 'chunk-dependent' ? `Finding ${key} (chunk ${chunkCount})` : `Finding ${key}`,
          description: flaw === 'copies-text' && text !== '' ? text : `Finding ${key}`,
          severity: { label: severity as Finding['severity']['label'], original: severity },
          types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
          resources: [{ Type: 'Other', Id: `resource-${key}` }],
          state: 'active',
        };
      };
      const reportSkipped = (lines: readonly string[]): void => {
        for (const [i, line] of lines.entries()) {
          if (line.split(' ')[1] !== 'SKIP') continue;
          const message = flaw === 'chunk-dependent-issue' ? `skipped in chunk ${chunkCount}` : 'skipped';
          ctx.onIssue({ code: 'skipped-line', message, line: index + i + 1, skipped: true });
        }
      };
      for await (const chunk of input) {
        chunkCount += 1;
        linesBeforeChunk = index;
        pending += decoder.decode(chunk, { stream: true });
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        reportSkipped(lines);
        for (const line of lines) {
          const finding = toFinding(line);
          index += 1;
          if (finding) yield finding;
        }
      }
      const rest = pending + decoder.decode();
      reportSkipped([rest]);
      const last = toFinding(rest);
      if (last) yield last;
    },
  });
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'asff-conformance-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const FIXTURES = {
  'scan.lines': '#lines\nalpha HIGH token=hunter2\nbeta LOW\n',
  'scan.reordered.lines': '#lines\nbeta LOW\nalpha HIGH token=hunter2\n',
  'invalid-broken.lines': '#lines\nalpha HIGH\ngamma BROKEN\n',
};

/** Names of the checks that fail for this adapter over the test fixtures. */
async function failing(adapter: Adapter, options: Partial<ConformanceOptions> = {}): Promise<string[]> {
  const dir = folder(FIXTURES);
  // Expected outputs are tested on their own below; here every other check is.
  const cases = conformanceCases(adapter, {
    fixtures: dir,
    invalid: dir,
    secrets: ['hunter2'],
    matchExpected: () => {},
    ...options,
  });
  const failed: string[] = [];
  for (const check of cases) {
    try {
      await check.run();
    } catch {
      failed.push(check.name);
    }
  }
  return failed;
}

describe('conformanceCases', () => {
  it('passes a sound adapter, and lists a check per property', async () => {
    const dir = folder(FIXTURES);
    const names = conformanceCases(lineAdapter('none'), {
      fixtures: dir,
      invalid: dir,
      secrets: ['hunter2'],
    }).map((c) => c.name);
    expect(names).toEqual([
      'scan.lines: every finding is valid ASFF, with one Id each',
      'scan.lines: converts to scan.asff.ndjson',
      'scan.lines: the same findings in chunks of 1, 7, 4096 bytes',
      'scan.lines: the same Ids when its records are reordered (scan.reordered.lines)',
      'scan.lines: no planted secret in any finding',
      'invalid-broken.lines: refused with a ConverterError that says where',
      'invalid-broken.lines: refused the same way in chunks of 1, 7, 4096 bytes',
    ]);
    expect(await failing(lineAdapter('none'))).toEqual([]);
  });

  it.each([
    [
      'chunk-dependent',
      [
        'scan.lines: the same findings in chunks of 1, 7, 4096 bytes',
        // The finding before the broken line differs too.
        'invalid-broken.lines: refused the same way in chunks of 1, 7, 4096 bytes',
      ],
    ],
    [
      'order-dependent-id',
      ['scan.lines: the same Ids when its records are reordered (scan.reordered.lines)'],
    ],
    ['copies-text', ['scan.lines: no planted secret in any finding']],
    ['plain-error', ['invalid-broken.lines: refused with a ConverterError that says where']],
    ['no-position', ['invalid-broken.lines: refused with a ConverterError that says where']],
    ['chunk-dependent-error', ['invalid-broken.lines: refused the same way in chunks of 1, 7, 4096 bytes']],
  ] as const)('an adapter that is %s fails exactly its check', async (flaw, checks) => {
    expect(await failing(lineAdapter(flaw))).toEqual(checks);
  });

  it('compares findings and issues each in its own order, which may interleave differently per chunking', async () => {
    const dir = folder({ 'skips.lines': '#lines\nalpha HIGH\ngamma SKIP\nbeta LOW\n' });
    const check = (flaw: Flaw) =>
      conformanceCases(lineAdapter(flaw), { fixtures: dir }).find((c) => c.name.includes('chunks of'));
    // In one chunk the issue comes before alpha's finding, in 1-byte chunks after it: still the same run.
    await check('none')?.run();
    await expect(check('chunk-dependent-issue')?.run()).rejects.toThrow(
      /chunks of 1 bytes: .*skipped in chunk/,
    );
  });

  it('says how a chunked refusal differs: the line of the error in 1-byte chunks', async () => {
    const dir = folder({ 'invalid-broken.lines': FIXTURES['invalid-broken.lines'] });
    const check = conformanceCases(lineAdapter('chunk-dependent-error'), { invalid: dir }).find((c) =>
      c.name.includes('refused the same way'),
    );
    await expect(check?.run()).rejects.toThrow(
      /chunks of 1 bytes: line 2 is .*E_PARSE.*line\\":1\}.*, expected .*line\\":3\}/,
    );
  });

  it('takes chunk sizes per input, for the fixtures too large for 1-byte chunks', async () => {
    const dir = folder(FIXTURES);
    const names = conformanceCases(lineAdapter('none'), {
      fixtures: dir,
      invalid: dir,
      chunkSizes: (input) => (input === 'scan.lines' ? [5, 64] : [3]),
    }).map((c) => c.name);
    expect(names.filter((name) => name.includes('chunks of'))).toEqual([
      'scan.lines: the same findings in chunks of 5, 64 bytes',
      'invalid-broken.lines: refused the same way in chunks of 3 bytes',
    ]);
    expect(await failing(lineAdapter('chunk-dependent-error'), { chunkSizes: () => [4096] })).toEqual([]);
  });

  it("runs the adapter's own assertions on each input's conversion, as one more check each", async () => {
    const seen: Array<[string, number, number | undefined, string | undefined]> = [];
    const dir = folder(FIXTURES);
    const cases = conformanceCases(lineAdapter('none'), {
      fixtures: dir,
      invalid: dir,
      matchExpected: () => {},
      inspect: (input, { findings, stats, error }) => {
        seen.push([input, findings.length, stats.received, error?.code]);
        if (input === 'scan.lines' && findings.length !== 3) throw new Error('expected 3 findings');
      },
    });
    const own = cases.filter((c) => c.name.endsWith("passes the adapter's own assertions"));
    expect(own.map((c) => c.name)).toEqual([
      "scan.lines: passes the adapter's own assertions",
      "invalid-broken.lines: passes the adapter's own assertions",
    ]);
    await expect(own[0]?.run()).rejects.toThrow('expected 3 findings');
    await own[1]?.run();
    expect(seen).toEqual([
      ['scan.lines', 2, 2, undefined],
      ['invalid-broken.lines', 1, 1, 'E_PARSE'],
    ]);
  });

  it('compares with the expected .asff.ndjson and says which line differs', async () => {
    const dir = folder({ 'scan.lines': FIXTURES['scan.lines'], 'scan.asff.ndjson': '{"Id":"not this"}\n' });
    const check = conformanceCases(lineAdapter('none'), { fixtures: dir }).find((c) =>
      c.name.includes('converts to scan.asff.ndjson'),
    );
    await expect(check?.run()).rejects.toThrow(
      /scan\.asff\.ndjson: line 1 is .*expected "\{\\"Id\\":\\"not this\\"\}"/,
    );
  });

  it('fails when a fixture has no expected output', async () => {
    const dir = folder({ 'scan.lines': FIXTURES['scan.lines'] });
    const check = conformanceCases(lineAdapter('none'), { fixtures: dir }).find((c) =>
      c.name.includes('converts to scan.asff.ndjson'),
    );
    await expect(check?.run()).rejects.toThrow(/scan\.asff\.ndjson is missing/);
  });

  it('reads no subfolder of a fixture folder as a fixture', () => {
    const dir = folder(FIXTURES);
    mkdirSync(join(dir, 'maps'));
    mkdirSync(join(dir, 'invalid-maps'));
    const names = conformanceCases(lineAdapter('none'), { fixtures: dir, invalid: dir }).map((c) => c.name);
    expect(names.filter((name) => name.includes('maps'))).toEqual([]);
    expect(names).toHaveLength(6);
  });

  it('fails when an invalid input is accepted, and when a fixture folder is empty', async () => {
    const dir = folder({ 'invalid-but-fine.lines': '#lines\nalpha HIGH\n' });
    const [invalid] = conformanceCases(lineAdapter('none'), { invalid: dir });
    await expect(invalid?.run()).rejects.toThrow('the input was accepted');
    const [empty] = conformanceCases(lineAdapter('none'), { fixtures: folder({}) });
    await expect(empty?.run()).rejects.toThrow(/no fixture/);
  });
});

// The suite also runs for real over the built-in adapters' fixtures: test/adapters/{sarif,trivy}/fixtures.test.ts.
