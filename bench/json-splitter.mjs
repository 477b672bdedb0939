// Compares the JSON record splitter with whole-file JSON.parse and stream-json 3.8 on a generated SARIF-like
// file with ~1 KB results, each approach in its own process (for a clean heap and its own peak RSS).
//
//   npm run build && node bench/json-splitter.mjs [sizeMB=100] [--pretty]
//   node bench/json-splitter.mjs --generate <path> [sizeMB] [--pretty]   (only writes the input, for profiling)
//
// Every result is materialised and touched once. The temp file is deleted at the end.
import { fork } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const CHUNK = 1024 * 1024;

function makeResult(index, pretty) {
  const result = {
    ruleId: `js/rule-${index % 97}`,
    ruleIndex: index % 97,
    level: ['error', 'warning', 'note'][index % 3],
    message: {
      // One result in eight carries non-ASCII text (UTF-8 decoding of those is several times slower).
      text: `Potential problem number ${index}: "user input" flows to a sink at \\src\\app.ts${index % 8 === 0 ? ' — check é, 中文 and 😀 handling' : ''}. ${'x'.repeat(index % 400)} ${'y'.repeat(200)}`,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: {
            uri: `src/module-${index % 500}/file-${index % 37}.ts`,
            uriBaseId: '%SRCROOT%',
          },
          region: { startLine: index % 4000, startColumn: 5, endLine: (index % 4000) + 2, endColumn: 17 },
        },
      },
    ],
    partialFingerprints: { primaryLocationLineHash: `${(index * 2654435761) % 2 ** 32}:1` },
    properties: {
      'security-severity': String((index % 100) / 10),
      tags: ['security', 'external/cwe/cwe-079'],
    },
  };
  return pretty ? JSON.stringify(result, null, 2).replace(/\n/g, '\n        ') : JSON.stringify(result);
}

async function generate(path, sizeMB, pretty) {
  const out = createWriteStream(path);
  const target = sizeMB * 1024 * 1024;
  const write = (text) =>
    out.write(text) ? Promise.resolve() : new Promise((resolve) => out.once('drain', resolve));
  const tool = JSON.stringify({ driver: { name: 'bench', rules: [{ id: 'js/rule-0' }] } });
  await write(
    `{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":${tool},"results":[`,
  );
  let written = 200;
  let count = 0;
  let batch = '';
  while (written < target) {
    const text = `${count === 0 ? '' : ','}${pretty ? '\n        ' : ''}${makeResult(count, pretty)}`;
    batch += text;
    written += Buffer.byteLength(text);
    count++;
    if (batch.length > 1 << 20) {
      await write(batch);
      batch = '';
    }
  }
  await write(`${batch}]}]}\n`);
  await new Promise((resolve) => out.end(resolve));
  return count;
}

function touch(result, totals) {
  totals.count++;
  totals.chars += result.ruleId.length;
}

const APPROACHES = {
  async 'JSON.parse(readFileSync)'(path) {
    const totals = { count: 0, chars: 0 };
    const document = JSON.parse(readFileSync(path, 'utf8'));
    for (const run of document.runs) for (const result of run.results) touch(result, totals);
    return totals;
  },
  async 'streamJson (this splitter)'(path) {
    const { streamJson } = await import('../dist/src/json/index.js');
    const totals = { count: 0, chars: 0 };
    const select = (p) =>
      p.length === 0 || (p[0] === 'runs' && p.length === 1) || (p.length === 2 && p[0] === 'runs')
        ? 'descend'
        : p.length === 3
          ? p[2] === 'results'
            ? 'descend'
            : 'skip'
          : p.length === 4
            ? 'value'
            : 'skip';
    for await (const event of streamJson(createReadStream(path, { highWaterMark: CHUNK }), { select })) {
      if (event.type === 'value') touch(event.value, totals);
    }
    return totals;
  },
  async 'stream-json 3.8 parser({streamValues:false})+pick+streamArray'(path) {
    const { parser } = await import('stream-json');
    const { pick } = await import('stream-json/filters/pick.js');
    const { streamArray } = await import('stream-json/streamers/stream-array.js');
    const { default: chain } = await import('stream-chain');
    const totals = { count: 0, chars: 0 };
    const pipeline = chain([
      createReadStream(path, { highWaterMark: CHUNK }),
      parser({ streamValues: false }),
      pick({ filter: 'runs.0.results' }),
      streamArray(),
    ]);
    for await (const { value } of pipeline) touch(value, totals);
    return totals;
  },
};

async function child(name, path) {
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const totals = await APPROACHES[name](path);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.send({ totals, seconds, cpuSeconds, rss: process.resourceUsage().maxRSS * 1024 });
}

async function main() {
  const sizeMB = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 100);
  const pretty = process.argv.includes('--pretty');
  const path = join(tmpdir(), `asff-stream-bench-${process.pid}.sarif`);
  try {
    const count = await generate(path, sizeMB, pretty);
    const bytes = statSync(path).size;
    console.log(
      `SARIF-like, ${pretty ? 'pretty-printed' : 'minified'}: ${(bytes / 1e6).toFixed(1)} MB, ${count} results of ~${Math.round(bytes / count)} B; Node ${process.version}`,
    );
    for (const name of Object.keys(APPROACHES)) {
      const result = await new Promise((resolve, reject) => {
        const worker = fork(SELF, ['--child', name, path]);
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => code !== 0 && reject(new Error(`${name} exited with ${code}`)));
      });
      if (result.totals.count !== count)
        throw new Error(`${name} saw ${result.totals.count} results, not ${count}`);
      const mbps = (seconds) => (bytes / 1e6 / seconds).toFixed(0).padStart(5);
      // CPU-time MB/s is steadier than wall-clock on a shared machine (other processes steal the cores).
      console.log(
        `${name.padEnd(62)} ${mbps(result.seconds)} MB/s wall ${mbps(result.cpuSeconds)} MB/s CPU  peak RSS ${(result.rss / 1e6).toFixed(0)} MB`,
      );
    }
  } finally {
    rmSync(path, { force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else if (process.argv[2] === '--generate') {
  // Only writes the file (for profiling): --generate <path> [sizeMB] [--pretty]
  const count = await generate(
    process.argv[3],
    Number(process.argv[4] ?? 100),
    process.argv.includes('--pretty'),
  );
  console.log(`${count} results written to ${process.argv[3]}`);
} else await main();
