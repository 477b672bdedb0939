import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCOPE_PRODUCT_FIELD } from '../../src/asff/build.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { freePort, HAS_REDIS, NO_REDIS_REASON, startRedis, type TestRedis } from '../helpers/redis.js';

const CREDS = {
  AWS_ACCESS_KEY_ID: 'AKIDLIFECYCLECLI',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  AWS_REGION: 'us-east-1',
  // As in a GitHub Actions job: the repository qualifies the file-name scope (global setup turns detection off).
  ASFF_STREAM_REPOSITORY: '',
  GITHUB_REPOSITORY: 'acme/shop',
};
/** The default scope of scan.csv in that job. */
const SCOPE = 'acme/shop/scan.csv';
const HEADER =
  '"Plugin ID","CVE","CVSS v2.0 Base Score","Risk","Host","Protocol","Port","Name","Synopsis","Description","Solution","See Also","Plugin Output"';

/** A Tenable CSV export with one row per plugin id; `truncated` leaves the last quoted cell open. */
function csv(pluginIds: readonly number[], options: { truncated?: boolean } = {}): string {
  const rows = pluginIds.map(
    (id) =>
      `"${id}","","5.0","High","10.0.0.1","tcp","22","Plugin ${id}","synopsis","description","fix","",""`,
  );
  const text = [HEADER, ...rows].join('\n');
  return options.truncated === true
    ? `${text}\n"9999","","5.0","High","10.0.0.1","tcp","22","cut`
    : `${text}\n`;
}

function lastJsonLine(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

let hub: RunningEmulator;
let dir: string;
let file: string;

/** The stored findings of the scan.csv scope: title → RecordState. */
function states(): Record<string, string | undefined> {
  return Object.fromEntries(
    hub
      .findings()
      .filter((f) => f.ProductFields?.[SCOPE_PRODUCT_FIELD] === SCOPE)
      .map((f) => [f.Title, f.RecordState]),
  );
}

async function importCsv(content: string, ...flags: string[]) {
  return importCsvWith(CREDS, content, ...flags);
}

async function importCsvWith(env: Record<string, string>, content: string, ...flags: string[]) {
  writeFileSync(file, content);
  // STS is served by the emulator too (`--endpoint-url` is Security Hub's only).
  return runCli(['import', file, '--endpoint-url', hub.url, ...flags], {
    env: { ...env, AWS_ENDPOINT_URL_STS: hub.url },
  });
}

beforeAll(async () => {
  hub = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), 'asff-lifecycle-cli-'));
  file = join(dir, 'scan.csv');
});
afterAll(async () => {
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => hub.reset());

describe('asff-stream import --archive-missing (spawned binary, real SDK, local emulator)', () => {
  it('archives what the next complete run no longer reports, in the repository + file-name scope, and says so', async () => {
    const first = await importCsv(csv([1, 2, 3]), '--archive-missing');
    expect(first.code, first.stderr).toBe(0);
    expect(lastJsonLine(first.stdout)).toMatchObject({ imported: 3, archived: 0 });

    const second = await importCsv(csv([1, 3]), '--archive-missing');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(
      /archive-missing: scope "acme\/shop\/scan\.csv" \(csv\/[a-z-]+\): archived 1 finding\(s\) no longer reported/,
    );
    expect(second.stderr).toMatch(/imported 2 of 2 .* 1 archived/);
    expect(lastJsonLine(second.stdout)).toMatchObject({
      received: 2,
      imported: 2,
      failed: 0,
      archived: 1,
      history: { known: 3, preserved: 2 },
      archive: { scope: SCOPE, candidates: 1, archived: 1, blocked: [] },
    });
    // Nessus CSV titles name the port (issue 19).
    expect(states()).toEqual({
      'Plugin 1 on 22/tcp': 'ACTIVE',
      'Plugin 2 on 22/tcp': 'ARCHIVED',
      'Plugin 3 on 22/tcp': 'ACTIVE',
    });
  });

  it('refuses --archive-missing without --scope outside any repository: one line, exit 2, nothing sent', async () => {
    const outside = { ...CREDS, ASFF_STREAM_REPOSITORY: 'none' };
    const r = await importCsvWith(outside, csv([1, 2]), '--archive-missing');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^asff-stream: error: --archive-missing needs --scope: the default scope "scan\.csv"/,
      ),
    ]);
    expect(hub.findings()).toEqual([]);
    // With --scope it runs.
    const scoped = await importCsvWith(outside, csv([1, 2]), '--archive-missing', '--scope', 'weekly-scan');
    expect(scoped.code, scoped.stderr).toBe(0);
    expect(hub.findings()).toHaveLength(2);
  });

  it('warns, and imports, when the default scope does not identify the source', async () => {
    const r = await importCsvWith({ ...CREDS, ASFF_STREAM_REPOSITORY: 'none' }, csv([1]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: scope-unidentified .*scope "scan\.csv"/);
    expect(hub.findings()).toHaveLength(1);
  });

  it('archives nothing after a truncated input and exits 2', async () => {
    await importCsv(csv([1, 2, 3]));
    const cut = await importCsv(csv([1], { truncated: true }), '--archive-missing');
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/ends inside a quoted cell/);
    expect(lastJsonLine(cut.stdout)).toMatchObject({ archived: 0, input: { complete: false } });
    expect(Object.values(states()).every((state) => state === 'ACTIVE')).toBe(true);
  });

  it('refuses a --redis value that is not a redis:// URL with exit 2', async () => {
    const r = await importCsv(csv([1]), '--redis', 'http://localhost:6379');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--redis must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(hub.findings()).toEqual([]);
  });
});

describe.skipIf(!HAS_REDIS)(
  `asff-stream import --redis (real redis-server)${HAS_REDIS ? '' : ` (skipped: ${NO_REDIS_REASON})`}`,
  () => {
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => redis?.stop());

    it('imports through the shared limiter and exits on its own (Redis connections closed)', async () => {
      const r = await importCsv(csv([1, 2]), '--redis', redis.url);
      expect(r.code, r.stderr).toBe(0);
      expect(lastJsonLine(r.stdout)).toMatchObject({ imported: 2, failed: 0 });
      expect(hub.findings()).toHaveLength(2);
    });

    it('reads ASFF_STREAM_REDIS_URL when --redis is not given', async () => {
      writeFileSync(file, csv([1]));
      const closed = `redis://127.0.0.1:${await freePort()}`;
      const r = await runCli(['import', file, '--endpoint-url', hub.url], {
        env: { ...CREDS, AWS_ENDPOINT_URL_STS: hub.url, ASFF_STREAM_REDIS_URL: closed },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    });
  },
);
