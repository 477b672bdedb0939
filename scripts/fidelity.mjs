#!/usr/bin/env node
/**
 * Fidelity of converted findings as a reader sees them: converts every file of the real-file corpus and counts,
 * per file, the look-alikes — active findings that share their Title and Resources (Type + Id, in order) with
 * another active finding of the same file. Those are rows of the Security Hub console nobody can tell apart.
 *
 * `npm run fidelity` prints the table; `--tsv` prints it as the tab-separated table that
 * `test/fidelity.expected.tsv` keeps (the test compares the two). Needs `npm run build` first.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const NOW = new Date('2026-01-01T00:00:00.000Z');
const FORMATS = ['sarif', 'trivy', 'nessus', 'csv'];

/** Default corpus location: `../shared/corpus` beside the project root (override: `ASFF_STREAM_CORPUS`). */
export const DEFAULT_CORPUS =
  process.env.ASFF_STREAM_CORPUS ??
  resolve(fileURLToPath(new URL('../', import.meta.url)), '../shared/corpus');

/** The key two findings share when a reader cannot tell them apart in the console list. */
export function lookAlikeKey(finding) {
  const resources = (finding.Resources ?? []).map((r) => `${r.Type}\u0000${r.Id}`).join('\u0001');
  return `${finding.Title}\u0002${resources}`;
}

/**
 * Converts one file and counts its active findings and look-alikes.
 * @returns {Promise<{file: string, active: number, lookAlikes: number, error?: string}>}
 */
export async function measureFile(convert, path, name) {
  const groups = new Map();
  let active = 0;
  try {
    const run = convert(path, { accountId: ACCOUNT, region: REGION, now: () => NOW });
    for await (const finding of run) {
      if (finding.RecordState === 'ARCHIVED') continue;
      active += 1;
      const key = lookAlikeKey(finding);
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
  } catch (error) {
    return { file: name, active, lookAlikes: 0, error: error?.code ?? 'error' };
  }
  let lookAlikes = 0;
  for (const size of groups.values()) if (size > 1) lookAlikes += size;
  return { file: name, active, lookAlikes };
}

/** Measures every corpus file, in format then name order. */
export async function measureCorpus(corpusRoot = DEFAULT_CORPUS) {
  const { convert } = await import('../dist/src/index.js');
  const rows = [];
  for (const format of FORMATS) {
    const dir = join(corpusRoot, format);
    const names = readdirSync(dir)
      .filter((n) => !n.startsWith('.'))
      .sort();
    for (const name of names) rows.push(await measureFile(convert, join(dir, name), `${format}/${name}`));
  }
  return rows;
}

/** The rows as the TSV the test keeps: file, active, look-alikes (an error code where the file is refused). */
export function toTsv(rows) {
  const lines = ['file\tactive\tlook-alikes'];
  for (const r of rows) lines.push(`${r.file}\t${r.active}\t${r.error ?? r.lookAlikes}`);
  return `${lines.join('\n')}\n`;
}

/** Overall totals. */
export function totals(rows) {
  const active = rows.reduce((n, r) => n + r.active, 0);
  const lookAlikes = rows.reduce((n, r) => n + r.lookAlikes, 0);
  return { active, lookAlikes, share: active === 0 ? 0 : lookAlikes / active };
}

async function main() {
  const rows = await measureCorpus();
  if (process.argv.includes('--tsv')) {
    process.stdout.write(toTsv(rows));
    return;
  }
  const width = Math.max(...rows.map((r) => r.file.length));
  for (const r of rows) {
    const share = r.active === 0 ? '' : `${((100 * r.lookAlikes) / r.active).toFixed(1)} %`;
    const value = r.error ?? String(r.lookAlikes);
    console.log(`${r.file.padEnd(width)}  ${String(r.active).padStart(6)}  ${value.padStart(8)}  ${share}`);
  }
  const t = totals(rows);
  console.log(
    `\nlook-alikes: ${t.lookAlikes} of ${t.active} active findings (${(100 * t.share).toFixed(1)} %); target ≤ 2 %`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
