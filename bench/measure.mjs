/**
 * One measurement in its own process: `node --expose-gc bench/measure.mjs <approach> <format> <file> [json]`.
 * Parses `file` with one approach, touches every record once, and prints one JSON line on stdout:
 * `{ approach, status, bytes, seconds, records, peakRssBytes, sampledPeakRssBytes, ... }`.
 * Peak RSS is the kernel's high-water mark for this process (`process.resourceUsage().maxRSS`), cross-checked
 * by sampling `process.memoryUsage.rss()` every 20 ms.
 */
import { createReadStream, createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { splitJsonArrays } from './lib/ref-json-splitter.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHUNK = 1 << 20;

/** The hot arrays of the JSON formats (path from the root, `*` = any index). */
export const JSON_PATHS = { sarif: ['runs', '*', 'results'], trivy: ['Results', '*', 'Vulnerabilities'] };

let sink = 0;
/**
 * Touches a record so no engine can skip materialising it.
 * @param {unknown} record
 */
function touch(record) {
  if (record !== null && typeof record === 'object') sink = (sink + Object.keys(record).length) | 0;
  else sink = (sink + 1) | 0;
}

/** @param {string} file */
const chunks = (file) => createReadStream(file, { highWaterMark: CHUNK });
/** @param {string} file */
const textChunks = (file) => createReadStream(file, { highWaterMark: CHUNK, encoding: 'utf8' });

/**
 * Each approach resolves to `{ records, extra? }` or throws `NotApplicable`.
 * @type {Record<string, (format: string, file: string, options: Record<string, unknown>) => Promise<{ records: number; extra?: Record<string, unknown> }>>}
 */
const APPROACHES = {
  async io(_format, file) {
    let bytes = 0;
    for await (const chunk of chunks(file)) bytes += chunk.length;
    return { records: 0, extra: { bytesRead: bytes } };
  },

  async ours(format, file, options) {
    // The public entry, or the pipeline module itself on branches that have no barrel yet.
    const entry = ['dist/src/index.js', 'dist/src/pipeline.js']
      .map((f) => join(ROOT, f))
      .find((f) => existsSync(f));
    if (entry === undefined) throw new NotApplicable('library not built (dist/src/index.js missing)');
    const lib = await import(pathToFileURL(entry).href);
    if (typeof lib.convert !== 'function') throw new NotApplicable('convert() not in the built library yet');
    const adapterFile = join(ROOT, `dist/adapters/${format}/index.js`);
    if (existsSync(adapterFile)) {
      const adapter = (await import(pathToFileURL(adapterFile).href)).default;
      if (/not implemented/i.test(String(adapter?.meta?.description ?? ''))) {
        throw new NotApplicable('adapter not implemented');
      }
    }
    const issues = {};
    const run = lib.convert(file, {
      accountId: '123456789012',
      region: 'us-east-1',
      format,
      scope: 'bench',
      now: () => new Date('2026-01-01T00:00:00.000Z'),
      onIssue: (/** @type {{ code: string }} */ issue) => {
        issues[issue.code] = (issues[issue.code] ?? 0) + 1;
      },
      ...(options.convertOptions ?? {}),
    });
    let records = 0;
    try {
      const onFinding = /** @type {((finding: unknown) => Promise<void>) | undefined} */ (options.onFinding);
      for await (const finding of run) {
        records++;
        touch(finding);
        sink = (sink + finding.Id.length + finding.Title.length) | 0;
        if (onFinding !== undefined) await onFinding(finding);
      }
    } catch (error) {
      if (/not implemented/i.test(String(error?.message))) throw new NotApplicable('adapter not implemented');
      throw error;
    }
    const stats = run.stats ?? {};
    return {
      records,
      extra: {
        stats: {
          received: stats.received,
          emitted: stats.emitted,
          failed: stats.failed,
          skipped: stats.skipped,
          complete: stats.complete,
        },
        issues,
      },
    };
  },

  // What `asff-stream convert` does with each finding: the same conversion, each finding serialized as an NDJSON
  // line and written to /dev/null through the CLI's own LineWriter, so serializing and writing are in the figure.
  async 'ours-ndjson'(format, file, options) {
    const output = join(ROOT, 'dist/src/cli/output.js');
    if (!existsSync(output)) throw new NotApplicable('CLI not built (dist/src/cli/output.js missing)');
    const { LineWriter } = await import(pathToFileURL(output).href);
    const out = new LineWriter(createWriteStream('/dev/null'));
    const result = await APPROACHES.ours(format, file, {
      ...options,
      onFinding: (/** @type {unknown} */ finding) => out.write(`${JSON.stringify(finding)}\n`),
    });
    await out.close();
    return result;
  },

  async 'json-parse-whole'(format, file) {
    const document = JSON.parse(readFileSync(file, 'utf8'));
    let records = 0;
    const outer = format === 'sarif' ? document.runs : document.Results;
    for (const container of outer ?? []) {
      for (const record of (format === 'sarif' ? container.results : container.Vulnerabilities) ?? []) {
        records++;
        touch(record);
      }
    }
    return { records };
  },

  async 'json-splitter'(format, file) {
    let records = 0;
    for await (const record of splitJsonArrays(chunks(file), jsonPath(format))) {
      records++;
      touch(record);
    }
    return { records };
  },

  async 'stream-json'(format, file) {
    const { parser } = await import('stream-json');
    const { pick } = await import('stream-json/filters/pick.js');
    const { streamValues } = await import('stream-json/streamers/stream-values.js');
    const { chain } = await import('stream-chain');
    const [outer, , inner] = jsonPath(format);
    const pipeline = chain([
      chunks(file),
      parser({ streamValues: false }),
      pick({ filter: (stack) => stack.length === 4 && stack[0] === outer && stack[2] === inner }),
      streamValues(),
    ]);
    let records = 0;
    for await (const item of pipeline) {
      records++;
      touch(item.value);
    }
    return { records };
  },

  async saxes(_format, file) {
    const { SaxesParser } = await import('saxes');
    const parser = new SaxesParser();
    const collector = reportItemCollector();
    parser.on('opentag', (tag) => collector.open(tag.name, tag.attributes));
    parser.on('text', (text) => collector.text(text));
    parser.on('closetag', (tag) => collector.close(tag.name));
    parser.on('error', (error) => {
      throw error;
    });
    for await (const chunk of textChunks(file)) parser.write(chunk);
    parser.close();
    return { records: collector.count() };
  },

  async sax(_format, file) {
    const sax = (await import('sax')).default;
    const parser = sax.parser(true);
    const collector = reportItemCollector();
    parser.onopentag = (tag) => collector.open(tag.name, tag.attributes);
    parser.ontext = (text) => collector.text(text);
    parser.onclosetag = (name) => collector.close(name);
    parser.onerror = (error) => {
      throw error;
    };
    for await (const chunk of textChunks(file)) parser.write(chunk);
    parser.close();
    return { records: collector.count() };
  },

  async 'xml2js-whole'(_format, file) {
    const xml2js = (await import('xml2js')).default;
    const document = await xml2js.parseStringPromise(readFileSync(file, 'utf8'));
    let records = 0;
    for (const report of document.NessusClientData_v2?.Report ?? []) {
      for (const host of report.ReportHost ?? []) {
        for (const item of host.ReportItem ?? []) {
          records++;
          touch(item);
        }
      }
    }
    return { records };
  },

  async 'csv-parse'(_format, file) {
    const { parse } = await import('csv-parse');
    const rows = chunks(file).pipe(parse({ columns: true, bom: true, relax_column_count: true }));
    let records = 0;
    for await (const row of rows) {
      records++;
      touch(row);
    }
    return { records };
  },
};

/** Thrown when an approach cannot run yet (library not built, adapter still a placeholder). */
class NotApplicable extends Error {}

/** @param {string} format */
function jsonPath(format) {
  const path = JSON_PATHS[/** @type {keyof typeof JSON_PATHS} */ (format)];
  if (path === undefined) throw new NotApplicable(`no JSON path for ${format}`);
  return path;
}

/**
 * Builds one plain object per ReportItem (attributes + child element texts, `cve` as a list) and per host's
 * HostProperties, the way a streaming Nessus reader must.
 */
function reportItemCollector() {
  /** @type {Record<string, unknown> | null} */
  let item = null;
  /** @type {Record<string, string> | null} */
  let host = null;
  let tagName = '';
  let text = '';
  let records = 0;
  return {
    /** @param {string} name @param {Record<string, string>} attributes */
    open(name, attributes) {
      if (name === 'ReportItem') item = { ...attributes };
      else if (name === 'HostProperties') host = {};
      else if (name === 'tag') tagName = attributes.name ?? '';
      text = '';
    },
    /** @param {string} value */
    text(value) {
      if (item !== null || host !== null) text += value;
    },
    /** @param {string} name */
    close(name) {
      if (name === 'ReportItem') {
        records++;
        touch(item);
        item = null;
      } else if (item !== null) {
        if (name !== 'cve') item[name] = text;
        else if (Array.isArray(item.cve)) item.cve.push(text);
        else item.cve = [text];
      } else if (name === 'tag' && host !== null) host[tagName] = text;
      else if (name === 'HostProperties') {
        touch(host);
        host = null;
      }
      text = '';
    },
    count: () => records,
  };
}

async function main() {
  const [approach, format, file, json] = process.argv.slice(2);
  const run = APPROACHES[approach ?? ''];
  if (run === undefined || format === undefined || file === undefined) {
    process.stderr.write(
      `usage: measure.mjs <${Object.keys(APPROACHES).join('|')}> <format> <file> [options-json]\n`,
    );
    process.exitCode = 2;
    return;
  }
  const options = json === undefined ? {} : JSON.parse(json);
  let sampledPeak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
  }, 20);
  sampler.unref();
  globalThis.gc?.();
  const baselineRss = process.memoryUsage.rss();
  const bytes = statSync(file).size;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  /** @type {Record<string, unknown>} */
  let result;
  try {
    const outcome = await run(format, file, options);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    result = {
      status: 'ok',
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      records: outcome.records,
      ...outcome.extra,
    };
  } catch (error) {
    result =
      error instanceof NotApplicable
        ? { status: 'n/a', note: error.message }
        : { status: 'error', note: String(error?.message ?? error).split('\n')[0] };
  }
  clearInterval(sampler);
  sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
  const peakRssBytes = Math.max(process.resourceUsage().maxRSS * 1024, sampledPeak);
  process.stdout.write(
    `${JSON.stringify({ approach, format, bytes, baselineRssBytes: baselineRss, sampledPeakRssBytes: sampledPeak, peakRssBytes, sink, ...result })}\n`,
  );
}

await main();
