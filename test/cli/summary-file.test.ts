import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('--summary FILE that cannot be written', () => {
  it('is an I/O error naming the file (exit 2), not an internal error (exit 70)', async () => {
    const result = await runCli([
      'convert',
      'fixtures/demo/trivy-image.json',
      '--account',
      '123456789012',
      '--region',
      'eu-west-1',
      '--summary',
      '/nonexistent-dir/summary.json',
    ]);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.stderr).toMatch(/cannot write the summary to \/nonexistent-dir\/summary\.json \(ENOENT\)/);
    expect(result.code).toBe(2);
  });
});
