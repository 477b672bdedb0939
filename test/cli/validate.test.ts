import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const ACCOUNT = ['--account', '123456789012', '--region', 'us-east-1'];

async function findings(): Promise<Record<string, unknown>[]> {
  const r = await runCli(['convert', ...ACCOUNT, '--adapter', 'fixtures/custom/lines-adapter.mjs', '-q'], {
    stdin: 'R1|high|a.js\nR2|low|b.js\nR3|critical|c.js\n',
  });
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('asff-stream validate (spawned binary)', () => {
  it('accepts what convert produces, as NDJSON, array and envelope', async () => {
    const list = await findings();
    for (const input of [
      `${list.map((f) => JSON.stringify(f)).join('\n')}\n`,
      JSON.stringify(list, null, 2),
      JSON.stringify({ Findings: list }),
    ]) {
      const r = await runCli(['validate', '-'], { stdin: input });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/validated 3 findings: 0 invalid/);
    }
  });

  it('prints one line per invalid finding naming the rule, and exits 1', async () => {
    const list = await findings();
    list[1]!.Title = 'x'.repeat(300);
    list[2]!.Resources = [];
    const r = await runCli(['validate'], { stdin: JSON.stringify({ Findings: list }, null, 2) });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^finding 2 \(line \d+ Id "fixture|lines\/.*Title should NOT be longer than 256 characters \[max-length\]/,
    );
    expect(lines[1]).toMatch(/^finding 3 .*Resources should NOT have fewer than 1 items \[min-items\]/);
    expect(r.stderr).toMatch(/validated 3 findings: 2 invalid/);
  });

  it('validates a single pretty-printed finding', async () => {
    const [first] = await findings();
    const r = await runCli(['validate'], {
      stdin: JSON.stringify({ ...first, Severity: { Label: 'BAD' } }, null, 2),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Severity\.Label should be equal to one of the allowed values/);
  });

  it('exits 2 on input that is not JSON, naming the line', async () => {
    const r = await runCli(['validate'], { stdin: '{"a":1}\nnot json\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/NDJSON line is not JSON.*line 2/);
  });
});
