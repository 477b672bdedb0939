import { describe, expect, it } from 'vitest';
import { ConverterError, importFindings, importWithLifecycle, isConverterError } from '../../src/index.js';
import { unlimited } from '../../src/sink/limiter.js';
import { FakeSecurityHub, findings } from '../helpers/fake-security-hub.js';

/** 150 findings, then the input's own error: everything read is imported, then the error is rethrown. */
async function* brokenInput() {
  yield* findings(150);
  throw new ConverterError('E_PARSE', 'unexpected token', { line: 9 });
}

describe('the report of a failed run is on the error (error.report), as the public API offers it', () => {
  it('importFindings: the ImportResult, not enumerable', async () => {
    const hub = new FakeSecurityHub();
    const error = await importFindings(brokenInput(), {
      client: hub,
      limiter: unlimited(),
      retryBaseMs: 1,
      retryCapMs: 5,
    }).catch((e: unknown) => e);
    if (!isConverterError(error)) throw new Error(`expected a ConverterError, got ${String(error)}`);
    expect(error.report).toMatchObject({ received: 150, imported: 150, failed: 0 });
    expect(error.report).not.toHaveProperty('archived');
    // Logging the error does not print the report.
    expect(Object.keys(error)).not.toContain('report');
  });

  it('importWithLifecycle: a LifecycleReport, also when the run failed in its import (a dry run)', async () => {
    const error = await importWithLifecycle(brokenInput(), {
      accountId: '123456789012',
      region: 'us-east-1',
      dryRun: true,
    }).catch((e: unknown) => e);
    if (!isConverterError(error)) throw new Error(`expected a ConverterError, got ${String(error)}`);
    expect(error.code).toBe('E_PARSE');
    expect(error.report).toMatchObject({ received: 150, imported: 150, failed: 0, archived: 0 });
    expect(Object.keys(error)).not.toContain('report');
  });

  it('an input error that cannot take the report (frozen) is rethrown as it is, not replaced by a TypeError', async () => {
    const frozen = Object.freeze(new ConverterError('E_PARSE', 'frozen by its thrower'));
    async function* input() {
      yield* findings(3);
      throw frozen;
    }
    const hub = new FakeSecurityHub();
    const error = await importFindings(input(), { client: hub, limiter: unlimited() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBe(frozen);
    expect(hub.stored.size).toBe(3);
  });
});
