// Measures `convert()` (from the built dist/) on one generated file per format and prints CPU MB/s, wall MB/s,
// findings/s and peak RSS; with `--adapter` it measures the adapter alone (its `parse` iterated, no toAsff).
// Run under `node --cpu-prof --cpu-prof-dir=DIR` to get a profile, then `--summary DIR/file.cpuprofile`.
//
//   npm run build
//   node bench/generate.mjs --format sarif --size-mb 50 --out /tmp/sarif-50.sarif
//   node bench/profile-convert.mjs sarif /tmp/sarif-50.sarif [--adapter] [--repeat N]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile-convert.mjs sarif /tmp/sarif-50.sarif
//   node bench/profile-convert.mjs --summary /tmp/prof/CPU.….cpuprofile [top=25]
//
// Each run prints one JSON line. Numbers on a shared machine vary with load: compare CPU MB/s first.
import { createReadStream, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summarizeProfile } from './lib/profile-summary.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

if (args[0] === '--summary') {
  const top = Number(args[2] ?? 25);
  const { self, inclusive } = summarizeProfile(args[1], top);
  const print = (title, lines) => {
    console.log(`\n${title}`);
    for (const line of lines) console.log(`${line.percent.toFixed(1).padStart(6)} %  ${line.name}`);
  };
  print('self time', self);
  print('inclusive time', inclusive);
  process.exit(0);
}

const [format, file] = args;
if (format === undefined || file === undefined) {
  console.error('usage: node bench/profile-convert.mjs <format> <file> [--adapter] [--repeat N]');
  process.exit(2);
}
const adapterOnly = args.includes('--adapter');
const repeatAt = args.indexOf('--repeat');
const repeat = repeatAt >= 0 ? Number(args[repeatAt + 1]) : 1;

const lib = await import(pathToFileURL(join(ROOT, 'dist/src/index.js')).href);
const adapter = (await import(pathToFileURL(join(ROOT, `dist/adapters/${format}/index.js`)).href)).default;
const bytes = statSync(file).size;

let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 20);

let sink = 0;
async function once() {
  const issues = {};
  let records = 0;
  if (adapterOnly) {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const tempDir = mkdtempSync(join(tmpdir(), 'profile-convert-'));
    try {
      const ctx = { onIssue: (i) => (issues[i.code] = (issues[i.code] ?? 0) + 1), options: {}, tempDir };
      for await (const finding of adapter.parse(createReadStream(file, { highWaterMark: 1 << 20 }), ctx)) {
        records++;
        sink = (sink + Object.keys(finding).length) | 0;
      }
    } finally {
      rmSync(tempDir, { recursive: true, force: true });
    }
  } else {
    const run = lib.convert(file, {
      accountId: '123456789012',
      region: 'us-east-1',
      format,
      scope: 'bench',
      now: () => new Date('2026-01-01T00:00:00.000Z'),
      onIssue: (i) => {
        issues[i.code] = (issues[i.code] ?? 0) + 1;
      },
    });
    for await (const finding of run) {
      records++;
      sink = (sink + Object.keys(finding).length + finding.Id.length + finding.Title.length) | 0;
    }
  }
  return { records, issues };
}

for (let i = 0; i < repeat; i++) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const { records, issues } = await once();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuUsed = process.cpuUsage(cpu0);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
  peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  console.log(
    JSON.stringify({
      format,
      mode: adapterOnly ? 'adapter' : 'convert',
      mb: +(bytes / 1e6).toFixed(1),
      records,
      cpuMBps: +(bytes / 1e6 / cpu).toFixed(1),
      wallMBps: +(bytes / 1e6 / wall).toFixed(1),
      findingsPerSec: Math.round(records / cpu),
      usPerFindingCpu: +((cpu * 1e6) / records).toFixed(2),
      peakRssMB: Math.round(peakRss / 1e6),
      issues,
    }),
  );
}
clearInterval(sampler);
if (sink === 0.5) console.log(sink);
