import { describe, expect, it } from 'vitest';
import { defineAdapter, type Finding } from '../src/adapter.js';
import { convertAll } from './helpers/asff.js';
import { CORPUS_SKIP_REASON, corpusFile, HAS_CORPUS } from './helpers/corpus.js';

/** "ID|SEVERITY|CVE" lines; the identity is ID only, so a repeated ID is a repeated finding. */
function repeatingAdapter(merge: boolean) {
  return defineAdapter({
    name: 'repeating',
    meta: { description: 'test', extensions: [], identity: 'the first field' },
    detect: () => 0,
    async *parse(input) {
      let text = '';
      for await (const chunk of input) text += Buffer.from(chunk).toString('utf8');
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const [id = '', severity = '', cve = ''] = line.split('|');
        const finding: Finding = {
          identity: [id],
          ruleId: id,
          title: `finding ${id}`,
          description: 'd',
          severity: { label: severity === 'high' ? 'HIGH' : 'LOW', original: severity },
          types: ['Software and Configuration Checks'],
          resources: [{ Type: 'Other', Id: id }],
          vulnerabilities: [{ Id: cve }],
          state: 'active',
        };
        yield finding;
      }
    },
    ...(merge
      ? {
          mergeRepeat: (earlier: Finding, repeat: Finding): Finding => ({
            ...earlier,
            vulnerabilities: [...(earlier.vulnerabilities ?? []), ...(repeat.vulnerabilities ?? [])],
          }),
        }
      : {}),
  });
}

const LINES = 'A|low|CVE-1\nB|low|CVE-2\nA|low|CVE-3\nC|high|CVE-4\nA|low|CVE-5\n';

function countIds(ids: readonly (string | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id ?? '', (counts.get(id ?? '') ?? 0) + 1);
  return counts;
}

describe('one Id per finding per run', () => {
  it('sends a repeated Id once and counts the repeats as skipped with an issue (no merge hook)', async () => {
    const { findings, stats, issues } = await convertAll(Buffer.from(LINES), {
      format: 'repeating',
      adapters: [repeatingAdapter(false)],
    });
    expect(findings.map((f) => f.Title)).toEqual(['finding A', 'finding B', 'finding C']);
    expect(findings[0]?.Vulnerabilities?.map((v) => v.Id)).toEqual(['CVE-1']);
    expect(stats).toMatchObject({ received: 5, emitted: 3, skipped: 2, failed: 0 });
    expect(stats.issues['repeated-id']).toBe(2);
    expect(issues.filter((i) => i.code === 'repeated-id')).toHaveLength(2);
  });

  it("merges a repeat into the earlier finding with the adapter's mergeRepeat hook", async () => {
    const { findings, stats } = await convertAll(Buffer.from(LINES), {
      format: 'repeating',
      adapters: [repeatingAdapter(true)],
    });
    expect(findings.map((f) => f.Title)).toEqual(['finding A', 'finding B', 'finding C']);
    expect(findings[0]?.Vulnerabilities?.map((v) => v.Id)).toEqual(['CVE-1', 'CVE-3', 'CVE-5']);
    expect(stats).toMatchObject({ received: 5, emitted: 3, skipped: 2, failed: 0 });
    expect(stats.issues['repeated-id-merged']).toBe(2);
    expect(stats.received).toBe(stats.emitted + stats.failed + stats.skipped);
  });

  it('ASFF input (a dead letter written twice) sends each Id once too', async () => {
    const { findings } = await convertAll('fixtures/sarif/cwe.sarif');
    const twice = [...findings, ...findings].map((f) => `${JSON.stringify(f)}\n`).join('');
    const replay = await convertAll(Buffer.from(twice));
    expect(replay.stats.adapter).toBe('asff');
    expect(replay.findings.map((f) => f.Id)).toEqual(findings.map((f) => f.Id));
    expect(replay.stats).toMatchObject({ received: 4, emitted: 2, skipped: 2 });
    expect(replay.stats.issues['repeated-id']).toBe(2);
  });

  it.skipIf(!HAS_CORPUS)(
    'darkreporter__nessus.csv: the 26 non-adjacent rows of one host/port/plugin become one finding each',
    async () => {
      const { findings, stats } = await convertAll(corpusFile('csv', 'darkreporter__nessus.csv'));
      const repeated = [...countIds(findings.map((f) => f.Id)).values()].filter((n) => n > 1);
      expect(repeated).toEqual([]);
      expect(findings).toHaveLength(723 - 26);
      expect(stats.issues['repeated-id-merged']).toBe(26);
      expect(stats.received).toBe(stats.emitted + stats.failed + stats.skipped);
    },
  );
  if (!HAS_CORPUS) it.skip(CORPUS_SKIP_REASON, () => {});
});
