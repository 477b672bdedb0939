import type { GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { importExitCode } from '../../src/commands/import-exit.js';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { isConverterError } from '../../src/errors.js';
import { convert } from '../../src/pipeline.js';
import { memoryDeadLetter } from '../../src/sink/dead-letter.js';
import { createGetFindingsLimiter } from '../../src/sink/get-findings.js';
import {
  importWithLifecycle,
  type LifecycleOptions,
  type LifecycleReport,
  lifecycleReportOf,
  type SecurityHubLikeClient,
} from '../../src/sink/lifecycle.js';
import { type RequestLimiter, unlimited } from '../../src/sink/limiter.js';
import { keys, scanAdapter, scanInput } from '../helpers/scan-adapter.js';

// The history read (GetFindings before the import) and the archive step's read-back, under the faults a real
// account has: an import-only role, Ctrl-C in the middle of the read, offset-style NextTokens.

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const KEY = 'AKIDLIFECYCLEACCESS';

let hub: RunningEmulator;
let fastGet: RequestLimiter;
beforeAll(async () => {
  fastGet = await createGetFindingsLimiter({ rate: 1000, burst: 1000 });
});
afterAll(async () => fastGet.stop());
afterEach(async () => hub?.stop());

async function emulator(options: EmulatorOptions = {}): Promise<void> {
  hub = await startEmulator({ throttling: false, ...options });
}

function sdkClient(): SecurityHubClient {
  return new SecurityHubClient({
    endpoint: hub.url,
    region: REGION,
    credentials: { accessKeyId: KEY, secretAccessKey: 'x' },
    maxAttempts: 1,
  });
}

interface Outcome {
  report: LifecycleReport | undefined;
  error?: unknown;
  exit: number;
  received: number;
}

/** One run of the real pipeline into the emulator; `received` is what the conversion counted. */
async function run(
  findingKeys: readonly string[],
  options: Partial<LifecycleOptions> & { at?: string } = {},
): Promise<Outcome> {
  const { at = '2026-03-01T10:00:00.000Z', ...lifecycle } = options;
  const conversion = convert(scanInput('app', findingKeys), {
    accountId: ACCOUNT,
    region: REGION,
    adapters: [scanAdapter],
    format: 'scan',
    now: () => new Date(at),
  });
  const client = sdkClient();
  try {
    const report = await importWithLifecycle(conversion, {
      accountId: ACCOUNT,
      region: REGION,
      client,
      limiter: unlimited(),
      getFindingsLimiter: fastGet,
      clock: () => new Date(at),
      retryBaseMs: 1,
      retryCapMs: 5,
      ...lifecycle,
    });
    return { report, exit: importExitCode(report), received: conversion.stats.received };
  } catch (error) {
    const report = lifecycleReportOf(error);
    return { report, error, exit: importExitCode(report, error), received: conversion.stats.received };
  } finally {
    client.destroy();
  }
}

function expectBalanced(outcome: Outcome): void {
  const r = outcome.report;
  expect(r).toBeDefined();
  if (r === undefined) return;
  expect(r.received).toBe(r.imported + r.failed + r.skipped);
  expect(r.failed).toBe(r.deadLettered + r.unsent);
  // The conversion saw exactly what the sink accounted: nothing pulled from the input was lost.
  expect(r.received).toBe(outcome.received);
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

describe('history read denied (an import-only role: GetFindings → 403)', () => {
  it('--archive-missing: exit 4, one line naming the IAM action and the flag, report balanced, nothing stored', async () => {
    await emulator({ accessKeys: { [KEY]: { deny: ['GetFindings'] } } });
    const outcome = await run(keys(5), { archiveMissing: true });
    expect(isConverterError(outcome.error) && outcome.error.code).toBe('E_AWS_ACCESS');
    expect(outcome.exit).toBe(EXIT.AWS);
    expect(message(outcome.error)).toMatch(/securityhub:GetFindings.*run without --archive-missing/);
    expect(message(outcome.error)).not.toContain('\n');
    expectBalanced(outcome);
    expect(outcome.report).toMatchObject({ imported: 0, failed: 1, unsent: 1, deadLettered: 0 });
    expect(outcome.report?.failures).toEqual({ AccessDeniedException: 1 });
    expect(hub.findings()).toHaveLength(0);
    expect(hub.requests().filter((r) => r.operation === 'BatchImportFindings')).toHaveLength(0);
  });

  it('--preserve-history alone: stops too (no silent reset of CreatedAt), naming --preserve-history', async () => {
    await emulator({ accessKeys: { [KEY]: { deny: ['GetFindings'] } } });
    const outcome = await run(keys(3), { preserveHistory: true });
    expect(outcome.exit).toBe(EXIT.AWS);
    expect(message(outcome.error)).toMatch(/securityhub:GetFindings.*run without --preserve-history/);
    expectBalanced(outcome);
    expect(hub.findings()).toHaveLength(0);
  });

  it('without either flag nothing reads history: an import-only role imports everything', async () => {
    await emulator({ accessKeys: { [KEY]: { deny: ['GetFindings'] } } });
    const outcome = await run(keys(3));
    expect(outcome.exit).toBe(EXIT.OK);
    expect(hub.findings()).toHaveLength(3);
  });

  it('a hub that is not enabled gives the enable-security-hub hint, not the IAM one', async () => {
    await emulator({ disabledAccounts: [ACCOUNT] });
    const outcome = await run(keys(2), { archiveMissing: true });
    expect(outcome.exit).toBe(EXIT.AWS);
    expect(message(outcome.error)).toMatch(/enable-security-hub/);
    expectBalanced(outcome);
  });
});

describe('Ctrl-C during the history read', () => {
  it('ends aborted (exit 130) with a balanced report; the finding in hand goes to the dead letter as aborted', async () => {
    await emulator();
    const controller = new AbortController();
    const real = sdkClient();
    // GetFindings never answers on its own: the abort is what ends it, as a slow account would.
    const client: SecurityHubLikeClient = {
      send: ((command: GetFindingsCommand, options?: { abortSignal?: AbortSignal }) => {
        if (command.constructor.name !== 'GetFindingsCommand')
          return real.send(command as never, options as never);
        setTimeout(() => controller.abort(), 20);
        return new Promise((_, reject) => {
          options?.abortSignal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })),
          );
        });
      }) as unknown as SecurityHubLikeClient['send'],
    };
    const deadLetter = memoryDeadLetter();
    const outcome = await run(keys(4), {
      archiveMissing: true,
      client,
      signal: controller.signal,
      deadLetter,
    });
    real.destroy();
    expect(outcome.exit).toBe(EXIT.INTERRUPTED);
    expectBalanced(outcome);
    expect(outcome.report).toMatchObject({ aborted: true, imported: 0, deadLettered: 1 });
    expect(deadLetter.entries.map((e) => e.errorCode)).toEqual(['aborted']);
    expect(deadLetter.entries[0]?.finding.Title).toBe('Finding k-0000');
    expect(outcome.report?.archive?.blocked.map((b) => b.code)).toContain('aborted');
    expect(hub.findings()).toHaveLength(0);
  });
});

describe('--archive-missing under either NextToken style', () => {
  for (const tokens of ['cursor', 'offset'] as const) {
    for (const strategy of ['page', 'by-id', 'auto'] as const) {
      it(`${tokens} tokens, ${strategy}: all 600 candidates archived, none reported gone`, async () => {
        await emulator({ getFindingsTokens: tokens });
        const all = keys(610);
        expect((await run(all)).exit).toBe(EXIT.OK);
        const outcome = await run(all.slice(0, 10), {
          archiveMissing: true,
          archiveStrategy: strategy,
          at: '2026-03-02T10:00:00.000Z',
        });
        expect(outcome.exit).toBe(EXIT.OK);
        expect(outcome.report?.archive).toMatchObject({ candidates: 600, archived: 600, gone: 0, failed: 0 });
        const states = hub.findings().map((f) => f.RecordState);
        expect(states.filter((s) => s === 'ARCHIVED')).toHaveLength(600);
        expect(states.filter((s) => s === 'ACTIVE')).toHaveLength(10);
      });
    }
  }
});
