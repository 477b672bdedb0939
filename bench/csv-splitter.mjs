// Compares the CSV adapter's record splitter (src/csv/splitter.ts, through csvRows) with csv-parse 7
// used as the adapter used it before (stream parser, `encoding: 'latin1'`, three record delimiters, relaxed
// quotes and column counts, then per-record UTF-8 / Windows-1252 decoding and line counting). Both read the
// same file in 1 MiB chunks and produce the same records; each approach runs in its own process.
//
//   npm run build
//   node bench/generate.mjs --format csv --size-mb 100 --seed 1 --out /tmp/csv-100.csv
//   node bench/csv-splitter.mjs /tmp/csv-100.csv [--repeat 3]
//
// Prints one JSON line per run: CPU MB/s, wall MB/s, CPU µs per record, peak RSS.
import { isUtf8 } from 'node:buffer';
import { fork } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const ROOT = join(dirname(SELF), '..');
const CHUNK = 1024 * 1024;

const APPROACHES = {
  /** The adapter's reader today: dialect sniffing, then CsvSplitter. */
  async splitter(file, count) {
    const { csvRows } = await import(pathToFileURL(join(ROOT, 'dist/src/csv/rows.js')).href);
    for await (const record of csvRows(createReadStream(file, { highWaterMark: CHUNK }))) count(record);
  },

  /** What the CSV reader (then adapters/csv/records.ts) did before the splitter (its delimiter sniffing left out: the file is comma-separated). */
  async 'csv-parse'(file, count) {
    const { Parser } = await import('csv-parse');
    const { windows1252 } = await import(pathToFileURL(join(ROOT, 'dist/src/csv/decode.js')).href);
    // The former decodeFields: UTF-8 when every non-ASCII cell is valid UTF-8, else Windows-1252.
    const decodeFields = (fields) => {
      let first = -1;
      for (let i = 0; i < fields.length && first === -1; i++) if (/[^\x00-\x7f]/.test(fields[i])) first = i;
      if (first === -1) return false;
      const decoded = [];
      for (let i = first; i < fields.length; i++) {
        if (!/[^\x00-\x7f]/.test(fields[i])) continue;
        const bytes = Buffer.from(fields[i], 'latin1');
        if (!isUtf8(bytes)) {
          for (let j = first; j < fields.length; j++) fields[j] = windows1252(fields[j]);
          return true;
        }
        decoded[i] = bytes.toString('utf8');
      }
      for (let i = first; i < fields.length; i++) if (decoded[i] !== undefined) fields[i] = decoded[i];
      return false;
    };
    const parser = new Parser({
      delimiter: ',',
      encoding: 'latin1',
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: 8 * 1024 * 1024,
    });
    let line = 1;
    let index = 0;
    createReadStream(file, { highWaterMark: CHUNK }).pipe(parser);
    for await (const fields of parser) {
      let breaks = 0;
      for (const field of fields) breaks += field.match(/\r\n|\r|\n/g)?.length ?? 0;
      const latin1 = decodeFields(fields);
      count({ fields, line, index, latin1 });
      line += breaks + 1;
      index++;
    }
  },
};

async function child(name, file) {
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  let records = 0;
  let sink = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await APPROACHES[name](file, (record) => {
    records++;
    sink = (sink + record.fields.length + record.line) | 0;
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = process.cpuUsage(cpu0);
  const cpu = (used.user + used.system) / 1e6;
  clearInterval(sampler);
  const mb = statSync(file).size / 1e6;
  process.send({
    approach: name,
    mb: +mb.toFixed(1),
    records,
    cpuMBps: +(mb / cpu).toFixed(1),
    wallMBps: +(mb / wall).toFixed(1),
    usPerRecordCpu: +((cpu * 1e6) / records).toFixed(2),
    peakRssMB: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1e6),
    sink: sink === 0.5 ? sink : undefined,
  });
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: node bench/csv-splitter.mjs FILE [--repeat N]');
    process.exit(2);
  }
  const at = process.argv.indexOf('--repeat');
  const repeat = at >= 0 ? Number(process.argv[at + 1]) : 1;
  // Alternate the approaches so a change in the machine's load hits both alike.
  for (let i = 0; i < repeat; i++) {
    for (const name of Object.keys(APPROACHES)) {
      const result = await new Promise((resolve, reject) => {
        const proc = fork(SELF, ['--child', name, file]);
        proc.once('message', resolve);
        proc.once('error', reject);
        proc.once('exit', (code) => code !== 0 && reject(new Error(`${name} exited with ${code}`)));
      });
      console.log(JSON.stringify(result));
    }
  }
}
