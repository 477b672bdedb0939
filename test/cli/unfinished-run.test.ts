import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const ACCOUNT = ['--account', '123456789012', '--region', 'us-east-1'];
const NEVER = ['--adapter', 'fixtures/custom/never-settles-adapter.mjs'];

describe('a run that stops without finishing (spawned binary)', () => {
  it.each([
    ['convert', ['convert', ...ACCOUNT, ...NEVER]],
    ['import', ['import', '-', '--dry-run', ...ACCOUNT, ...NEVER]],
  ])('%s: exits 70 with one line on stderr instead of exiting 0 silently', async (_name, args) => {
    const r = await runCli(args, { stdin: 'never ends\n' });
    expect(r.code).toBe(70);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^asff-stream: internal error: the run stopped without finishing \(.+\); please report it$/,
    );
  });
});
