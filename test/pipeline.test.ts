import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineAdapter, type Finding } from '../src/adapter.js';
import { ConverterError } from '../src/errors.js';
import { convert } from '../src/pipeline.js';
import { CONFORMANCE_CONTEXT } from '../src/testing/conformance.js';
import { convertAll } from './helpers/asff.js';

/** A custom adapter as a library user would write it: one finding per non-empty line of "RULE|SEVERITY|FILE". */
const linesAdapter = defineAdapter({
  name: 'lines',
  meta: { description: 'RULE|SEVERITY|FILE lines', extensions: ['lines'], identity: 'rule + file' },
  detect: ({ head }) => (/^[A-Z0-9-]+\|[a-z]+\|/.test(head) ? 0.9 : 0),
  async *parse(input, ctx) {
    let text = '';
    for await (const chunk of input) text += Buffer.from(chunk).toString('utf8');
    let line = 0;
    for (const raw of text.split('\n')) {
      line++;
      if (raw.trim() === '') continue;
      const [rule, sev, file] = raw.split('|');
      if (rule === undefined || sev === undefined || file === undefined) {
        ctx.onIssue({ code: 'bad-line', message: 'expected RULE|SEVERITY|FILE', line, skipped: true });
        continue;
      }
      if (sev === 'boom') throw new ConverterError('E_PARSE', 'boom line', { line });
      const finding: Finding = {
        identity: [rule, file],
        ruleId: rule,
        title: `${rule} in ${file}`,
        description: `Rule ${rule} matched ${file}`,
        severity: { label: sev === 'high' ? 'HIGH' : 'LOW', original: sev },
        types: ['Software and Configuration Checks'],
        resources: [{ Type: 'Other', Id: file }],
        state: sev === 'fixed' ? 'resolved' : 'active',
        scopeHint: 'lines-tool',
      };
      yield finding;
    }
  },
});

const input = (s: string) => Buffer.from(s);

describe('convert with a custom adapter', () => {
  it('detects the custom adapter and runs it through the whole pipeline', async () => {
    const { findings, stats } = await convertAll(input('R1|high|a.js\nR2|low|b.js\n'), {
      adapters: [linesAdapter],
    });
    expect(findings).toHaveLength(2);
    for (const f of findings) expect(f).toBeValidAsff();
    expect(findings[0]?.GeneratorId).toBe('lines/R1');
    expect(findings[0]?.Id?.startsWith('fixture/lines/')).toBe(true);
    expect(stats).toMatchObject({
      adapter: 'lines',
      received: 2,
      emitted: 2,
      skipped: 0,
      failed: 0,
      complete: true,
    });
    expect(stats.bySeverity.HIGH).toBe(1);
  });

  it('uses the adapter scope hint when no scope is given', async () => {
    const run = convert(input('R1|high|a.js\n'), {
      ...CONFORMANCE_CONTEXT,
      scope: undefined,
      adapters: [linesAdapter],
    });
    const ids: string[] = [];
    for await (const f of run) ids.push(f.Id ?? '');
    expect(run.stats.scope).toBe('lines-tool');
    expect(ids[0]?.startsWith('lines-tool/lines/')).toBe(true);
  });

  it('counts skipped records so received = emitted + failed + skipped', async () => {
    const { stats } = await convertAll(input('R1|high|a.js\nbroken\nR3|fixed|c.js\n'), {
      adapters: [linesAdapter],
      resolved: 'skip',
    });
    expect(stats).toMatchObject({ received: 3, emitted: 1, skipped: 2 });
    expect(stats.received).toBe(stats.emitted + stats.failed + stats.skipped);
    expect(stats.issues).toMatchObject({ 'bad-line': 1, 'resolved-skipped': 1 });
  });

  it('filters by --min-severity and archives resolved findings by default', async () => {
    const { findings, stats } = await convertAll(input('R1|high|a.js\nR2|low|b.js\nR3|fixed|c.js\n'), {
      adapters: [linesAdapter],
      minSeverity: 'LOW',
    });
    expect(findings.map((f) => f.RecordState)).toEqual(['ACTIVE', 'ACTIVE', 'ARCHIVED']);
    const high = await convertAll(input('R1|high|a.js\nR2|low|b.js\n'), {
      adapters: [linesAdapter],
      minSeverity: 'HIGH',
    });
    expect(high.findings).toHaveLength(1);
    expect(high.stats.skipped).toBe(1);
    expect(stats.complete).toBe(true);
  });

  it('keeps findings emitted before a fatal error and marks the run incomplete', async () => {
    const run = convert(input('R1|high|a.js\nR2|boom|b.js\nR3|high|c.js\n'), {
      ...CONFORMANCE_CONTEXT,
      adapters: [linesAdapter],
    });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const f of run) seen.push(f.GeneratorId ?? '');
      })(),
    ).rejects.toMatchObject({ code: 'E_PARSE', line: 2 });
    expect(seen).toEqual(['lines/R1']);
    expect(run.stats).toMatchObject({ emitted: 1, complete: false });
  });

  it('gives the same Ids in any order of input', async () => {
    const a = await convertAll(input('R1|high|a.js\nR2|low|b.js\n'), { adapters: [linesAdapter] });
    const b = await convertAll(input('R2|low|b.js\nR1|high|a.js\n'), { adapters: [linesAdapter] });
    expect(new Set(a.findings.map((f) => f.Id))).toEqual(new Set(b.findings.map((f) => f.Id)));
  });

  it('selects an adapter by --format name and rejects unknown names', async () => {
    const { findings } = await convertAll(input('R1|high|a.js\n'), {
      adapters: [linesAdapter],
      format: 'lines',
    });
    expect(findings).toHaveLength(1);
    await expect(convertAll(input('x'), { format: 'nope' })).rejects.toThrow(
      /unknown format "nope"; known formats: sarif/,
    );
  });

  it.each([
    [{ accountId: '123' }, /not 12 digits/],
    [{ accountId: '' }, /--account/],
    [{ region: '' }, /--region/],
    [{ region: 'mars' }, /not an AWS Region/],
  ])('refuses bad account/region %j', async (override, message) => {
    await expect(
      convertAll(input('R1|high|a.js\n'), { adapters: [linesAdapter], ...override }),
    ).rejects.toThrow(message);
  });

  it('rejects (counts as failed) a finding that cannot fit in 240 KB', async () => {
    const hugeAdapter = defineAdapter({
      ...linesAdapter,
      name: 'huge',
      async *parse() {
        yield {
          identity: ['x'],
          ruleId: 'x',
          title: 'x',
          description: 'x',
          severity: { label: 'LOW', original: 'low' },
          types: [],
          resources: [{ Type: 'Other', Id: 'x' }],
          remediation: { Recommendation: { Url: `https://example.com/${'u'.repeat(300_000)}` } },
          state: 'active',
        } satisfies Finding;
      },
    });
    const rejected: string[] = [];
    const { findings, stats } = await convertAll(input('x'), {
      adapters: [hugeAdapter],
      format: 'huge',
      onReject: (_f, reason) => rejected.push(reason),
    });
    expect(findings).toHaveLength(0);
    expect(stats).toMatchObject({ received: 1, failed: 1, emitted: 0 });
    expect(rejected[0]).toMatch(/240 KB/);
  });
});

describe('convert releases its input on every path', () => {
  const openFiles = (): number => readdirSync('/proc/self/fd').length;
  const dir = mkdtempSync(join(tmpdir(), 'asff-stream-close-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Larger than what detection reads, so the file is still open when the run fails.
  const unknown = join(dir, 'unknown.txt');
  writeFileSync(unknown, `no scanner wrote this\n${'x'.repeat(100_000)}\n`);
  const nessusV1 = join(dir, 'v1.nessus');
  writeFileSync(
    nessusV1,
    `<?xml version="1.0"?>\n<NessusClientData>${' '.repeat(100_000)}</NessusClientData>\n`,
  );
  const lines = join(dir, 'big.lines');
  writeFileSync(lines, Array.from({ length: 20_000 }, (_, i) => `R-${i}|low|src/f${i}.c`).join('\n'));

  it.skipIf(!existsSync('/proc/self/fd'))(
    'closes the file when no format is detected, when an adapter fails, and when the consumer stops early',
    async () => {
      const before = openFiles();
      await expect(convertAll(unknown)).rejects.toMatchObject({ code: 'E_FORMAT' });
      expect(openFiles()).toBe(before);
      await expect(convertAll(nessusV1)).rejects.toMatchObject({ code: 'E_FORMAT' });
      expect(openFiles()).toBe(before);
      let seen = 0;
      for await (const _finding of convert(lines, { ...CONFORMANCE_CONTEXT, adapters: [linesAdapter] })) {
        if (++seen === 3) break;
      }
      expect(seen).toBe(3);
      expect(openFiles()).toBe(before);
    },
  );
});
