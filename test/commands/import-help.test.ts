import { describe, expect, it } from 'vitest';
import { IMPORT_BURST, IMPORT_CONCURRENCY, IMPORT_RATE_PER_SECOND } from '../../src/asff/limits.js';
import { IMPORT_HELP } from '../../src/commands/import.js';
import { limiterSettings } from '../../src/sink/limiter.js';

function helpDefault(option: string): string | undefined {
  const line = IMPORT_HELP.split('\n').find((l) => l.trimStart().startsWith(`${option} `));
  return /\(default ([^)]+)\)/.exec(line ?? '')?.[1];
}

describe('import --help states the defaults the code uses', () => {
  it('--concurrency, --rate and --burst name the real default constants', () => {
    expect(helpDefault('--concurrency')).toBe(String(IMPORT_CONCURRENCY));
    expect(helpDefault('--rate')).toBe(String(IMPORT_RATE_PER_SECOND));
    expect(helpDefault('--burst')).toBe(String(IMPORT_BURST));
  });

  it('the limiter built without options uses those constants', () => {
    const settings = limiterSettings();
    expect(settings.maxConcurrent).toBe(IMPORT_CONCURRENCY);
    expect(settings.reservoir).toBe(IMPORT_BURST);
  });
});
