import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import type { LifecycleReport } from '../../src/sink/lifecycle.js';
import { HAS_REDIS, NO_REDIS_REASON, startRedis, type TestRedis } from '../helpers/redis.js';

const WORKER = fileURLToPath(new URL('./workers/import-worker.mjs', import.meta.url));
const PROCESSES = 4;
/** 500 findings in batches of 25 = 20 requests per process, 80 in all: more than 2 × the burst of 30. */
const FINDINGS_PER_PROCESS = 500;
const REQUESTS_PER_PROCESS = FINDINGS_PER_PROCESS / 25;

interface WorkerResult {
  code: number | null;
  report: LifecycleReport | undefined;
  stderr: string;
}

function runWorker(index: number, hubUrl: string, redisUrl: string): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER], {
      env: {
        ...process.env,
        HUB_URL: hubUrl,
        REDIS_URL: redisUrl,
        WORKER: String(index),
        COUNT: String(FINDINGS_PER_PROCESS),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').at(-1);
      resolve({ code, stderr, report: line ? (JSON.parse(line) as LifecycleReport) : undefined });
    });
  });
}

describe.skipIf(!HAS_REDIS)(
  `${PROCESSES} import processes sharing one Redis budget against one emulator${HAS_REDIS ? '' : ` (skipped: ${NO_REDIS_REASON})`}`,
  () => {
    let redis: TestRedis;
    let hub: RunningEmulator;
    beforeAll(async () => {
      redis = await startRedis();
      // The real quotas: BatchImportFindings 10/s burst 30, GetFindings 3/s burst 6.
      hub = await startEmulator();
    });
    afterAll(async () => {
      await hub?.stop();
      await redis?.stop();
    });

    it('stay together within 10 requests/s burst 30, get no 429, and import everything', async () => {
      const results = await Promise.all(
        Array.from({ length: PROCESSES }, (_, i) => runWorker(i, hub.url, redis.url)),
      );
      for (const result of results) {
        expect(result.code, result.stderr).toBe(0);
        expect(result.report).toMatchObject({
          received: FINDINGS_PER_PROCESS,
          imported: FINDINGS_PER_PROCESS,
          failed: 0,
          throttled: 0,
          requests: REQUESTS_PER_PROCESS,
          archived: 0,
        });
      }
      expect(hub.findings()).toHaveLength(PROCESSES * FINDINGS_PER_PROCESS);

      const imports = (r: { operation: string }) => r.operation === 'BatchImportFindings';
      const gets = (r: { operation: string }) => r.operation === 'GetFindings';
      // A token bucket of 30 refilled +5 every 500 ms lets at most 30 + 2 × 5 = 40 requests start in any
      // one-second window (a full bucket, then the two refills that fall inside the window); the service's
      // bucket (10/s, burst 30) allows the same 40. Without sharing, four processes would send 80 at once.
      expect(hub.maxRequestsInAnyWindow(1000, imports)).toBeLessThanOrEqual(40);
      // GetFindings (one history page per process): 6 + 3 = 9 at most in any second.
      expect(hub.maxRequestsInAnyWindow(1000, gets)).toBeLessThanOrEqual(9);
      expect(hub.stats()).toMatchObject({
        throttled: 0,
        byOperation: { BatchImportFindings: PROCESSES * REQUESTS_PER_PROCESS, GetFindings: PROCESSES },
      });
      // Sharing shows in the time it took: after the burst of 30, the other 50 requests at 10/s.
      const times = hub
        .requests()
        .filter(imports)
        .map((r) => r.elapsedMs);
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(
        ((PROCESSES * REQUESTS_PER_PROCESS - 30) / 10 - 0.5) * 1000,
      );
    });
  },
);
