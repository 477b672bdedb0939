// Measures the SARIF adapter on a generated CodeQL-like log (~1 KB results, 97 rules with security-severity
// and CWE tags, GitHub partial fingerprints): the splitter alone, the adapter with `tool` before `results`, the
// adapter with `results` before `tool` (every result spooled to disk and replayed), and the whole `convert()`
// pipeline (adapter + toAsff). Each in its own process, for a clean heap and its own peak RSS.
//
//   npm run build && node bench/sarif-adapter.mjs [sizeMB=100]
//
// Every finding is materialised and touched once. The temp files are deleted at the end.
import { fork } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const CHUNK = 1024 * 1024;
const RULES = 97;

function makeRule(index) {
  return {
    id: `js/rule-${index}`,
    name: `js/rule-${index}`,
    shortDescription: { text: `Rule number ${index}` },
    fullDescription: { text: `What rule ${index} looks for, and why it matters. ${'z'.repeat(index * 3)}` },
    defaultConfiguration: { level: ['error', 'warning', 'note'][index % 3] },
    helpUri: `https://example.com/rules/${index}`,
    properties: {
      'security-severity': String((index % 100) / 10),
      precision: 'high',
      tags: ['security', `external/cwe/cwe-${String(index + 20).padStart(3, '0')}`],
    },
  };
}

function makeResult(index) {
  return JSON.stringify({
    ruleId: `js/rule-${index % RULES}`,
    ruleIndex: index % RULES,
    message: {
      // One result in eight carries non-ASCII text (UTF-8 decoding of those is several times slower).
      text: `Potential problem number ${index}: "user input" flows to a [sink](1)${index % 8 === 0 ? ' — check é, 中文 and 😀 handling' : ''}. ${'x'.repeat(index % 400)} ${'y'.repeat(200)}`,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: {
            uri: `src/module-${index % 500}/file-${index % 37}.ts`,
            uriBaseId: '%SRCROOT%',
          },
          region: {
            startLine: (index % 4000) + 1,
            startColumn: 5,
            endLine: (index % 4000) + 3,
            endColumn: 17,
          },
        },
      },
    ],
    partialFingerprints: { primaryLocationLineHash: `${(index * 2654435761) % 2 ** 32}:${(index % 3) + 1}` },
  });
}

async function generate(path, sizeMB, resultsFirst) {
  const out = createWriteStream(path);
  const write = (text) =>
    out.write(text) ? Promise.resolve() : new Promise((resolve) => out.once('drain', resolve));
  const tool = JSON.stringify({
    driver: {
      name: 'CodeQL',
      semanticVersion: '2.17.0',
      rules: Array.from({ length: RULES }, (_, i) => makeRule(i)),
    },
  });
  await write(`{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{`);
  if (!resultsFirst) await write(`"tool":${tool},`);
  await write('"results":[');
  const target = sizeMB * 1024 * 1024;
  let written = 0;
  let count = 0;
  let batch = '';
  while (written < target) {
    const text = `${count === 0 ? '' : ','}${makeResult(count)}`;
    batch += text;
    written += Buffer.byteLength(text);
    count++;
    if (batch.length > 1 << 20) {
      await write(batch);
      batch = '';
    }
  }
  await write(`${batch}]${resultsFirst ? `,"tool":${tool}` : ''}}]}\n`);
  await new Promise((resolve) => out.end(resolve));
  return count;
}

const ctx = (tempDir) => ({ onIssue: () => {}, options: {}, tempDir });

const APPROACHES = {
  async 'streamJson alone (results captured, nothing mapped)'(path) {
    const { streamJson } = await import('../dist/src/json/index.js');
    let count = 0;
    const select = (p) =>
      p.length < 3 ? 'descend' : p.length === 3 ? (p[2] === 'results' ? 'descend' : 'skip') : 'value';
    for await (const event of streamJson(createReadStream(path, { highWaterMark: CHUNK }), { select }))
      if (event.type === 'value' && event.path[2] === 'results') count++;
    return count;
  },
  async 'sarif adapter, tool before results'(path, tempDir) {
    const { default: sarif } = await import('../dist/adapters/sarif/index.js');
    let count = 0;
    for await (const finding of sarif.parse(createReadStream(path, { highWaterMark: CHUNK }), ctx(tempDir)))
      if (finding.title.length > 0) count++;
    return count;
  },
  async 'sarif adapter, results before tool (spooled to disk)'(path, tempDir) {
    return APPROACHES['sarif adapter, tool before results'](path, tempDir);
  },
  async 'convert(): adapter + toAsff, tool before results'(path) {
    const { convert } = await import('../dist/src/pipeline.js');
    let count = 0;
    const run = convert(path, {
      accountId: '123456789012',
      region: 'us-east-1',
      scope: 'bench',
      format: 'sarif',
    });
    for await (const finding of run) if (finding.Id.length > 0) count++;
    return count;
  },
};

async function child(name, path, tempDir) {
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const count = await APPROACHES[name](path, tempDir);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  process.send({
    count,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rss: process.resourceUsage().maxRSS * 1024,
  });
}

async function main() {
  const sizeMB = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 100);
  const dir = mkdtempSync(join(tmpdir(), 'asff-stream-sarif-bench-'));
  const toolFirst = join(dir, 'tool-first.sarif');
  const resultsFirst = join(dir, 'results-first.sarif');
  try {
    const count = await generate(toolFirst, sizeMB, false);
    await generate(resultsFirst, sizeMB, true);
    const bytes = statSync(toolFirst).size;
    console.log(
      `CodeQL-like SARIF: ${(bytes / 1e6).toFixed(1)} MB, ${count} results of ~${Math.round(bytes / count)} B; Node ${process.version}`,
    );
    for (const name of Object.keys(APPROACHES)) {
      const path = name.includes('results before tool') ? resultsFirst : toolFirst;
      const result = await new Promise((resolve, reject) => {
        const worker = fork(SELF, ['--child', name, path, dir]);
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => code !== 0 && reject(new Error(`${name} exited with ${code}`)));
      });
      if (result.count !== count) throw new Error(`${name} saw ${result.count} results, not ${count}`);
      const mbps = (seconds) => (bytes / 1e6 / seconds).toFixed(0).padStart(5);
      // CPU-time MB/s is steadier than wall-clock on a shared machine (other processes steal the cores).
      console.log(
        `${name.padEnd(56)} ${mbps(result.seconds)} MB/s wall ${mbps(result.cpuSeconds)} MB/s CPU  peak RSS ${(result.rss / 1e6).toFixed(0)} MB`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], process.argv[5]);
else await main();
