/**
 * Turns the collected measurements into target verdicts and the Markdown of bench/RESULTS.md.
 */
import { CASES } from './inputs.mjs';

/** MB = 1,000,000 bytes throughout. */
export const MB = 1_000_000;

/** Convert-throughput targets (MB/s of input) per case, from design.md. */
export const THROUGHPUT_TARGETS = { sarif: 100, 'sarif-semgrep': 100, trivy: 100, nessus: 50, csv: 40 };
export const RSS_LIMIT_MB = 200;
/** "No growth beyond noise" from 100 MB to 1 GB: at most this much more peak RSS … */
export const GROWTH_NOISE_MB = 20;
/** … or this fraction of the 100 MB peak, whichever is larger. */
export const GROWTH_NOISE_FRACTION = 0.1;
export const IMPORT_TARGET = 0.95;
export const STARTUP_LIMIT_MS = 100;
/** A 1 req/s quota: the import takes at most this multiple of the ideal time (one accepted request a second). */
export const QUOTA_TARGET = 1.3;
/** Peak RSS under a fault may exceed the fault-free import's by at most this (MB): memory must not grow with a fault. */
export const FAULT_RSS_SLACK_MB = 30;

/** The peers' whole-file approach per case (compared at ≤ 100 MB). */
const WHOLE = {
  sarif: 'json-parse-whole',
  'sarif-semgrep': 'json-parse-whole',
  trivy: 'json-parse-whole',
  nessus: 'xml2js-whole',
};

/**
 * @typedef {object} Measurement
 * @property {string} caseName
 * @property {number} sizeMb
 * @property {string} approach
 * @property {string} status 'ok' | 'n/a' | 'error'
 * @property {number} bytes
 * @property {number} [seconds]
 * @property {number} [cpuSeconds]
 * @property {number} [records]
 * @property {number} [expectedRecords]
 * @property {number} peakRssBytes
 * @property {string} [note]
 * @property {{ file: string; self: { name: string; percent: number }[]; inclusive: { name: string; percent: number }[] }} [profile]
 */

/** @param {Measurement} m */
export const mbPerSecond = (m) => (m.status === 'ok' && m.seconds ? m.bytes / MB / m.seconds : undefined);
/** @param {Measurement} m */
const cpuMbPerSecond = (m) => (m.status === 'ok' && m.cpuSeconds ? m.bytes / MB / m.cpuSeconds : undefined);

/** @param {number | undefined} value @param {number} [digits] */
const fmt = (value, digits = 1) =>
  value === undefined || !Number.isFinite(value)
    ? '–'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * @param {Measurement[]} measurements
 * @param {string} caseName
 * @param {number} sizeMb
 * @param {string} approach
 */
const find = (measurements, caseName, sizeMb, approach) =>
  measurements.find((m) => m.caseName === caseName && m.sizeMb === sizeMb && m.approach === approach);

/**
 * @typedef {object} Verdict
 * @property {string} target
 * @property {string} measured
 * @property {'PASS' | 'FAIL' | 'info' | 'n/a'} verdict
 */

/**
 * @param {{ measurements: Measurement[]; cases: string[]; sizes: number[]; importResult?: Record<string, any>; startup?: import('./cli-start.mjs').StartResult[] }} run
 * @returns {Verdict[]}
 */
export function verdicts(run) {
  /** @type {Verdict[]} */
  const out = [];
  const largest = Math.max(...run.sizes);
  const hundred = run.sizes.includes(100) ? 100 : Math.min(...run.sizes.filter((s) => s <= 100), largest);
  for (const caseName of run.cases) {
    const stressOf = CASES[caseName]?.stressOf;
    if (stressOf !== undefined) {
      out.push(stressVerdict(run, caseName, stressOf));
      continue;
    }
    const goal = THROUGHPUT_TARGETS[/** @type {keyof typeof THROUGHPUT_TARGETS} */ (caseName)];
    for (const size of run.sizes) {
      const ours = find(run.measurements, caseName, size, 'ours');
      const speed = ours ? mbPerSecond(ours) : undefined;
      out.push({
        target: `${caseName} ${size} MB: convert ≥ ${goal} MB/s`,
        measured:
          speed === undefined
            ? (ours?.note ?? 'not measured')
            : `${fmt(speed)} MB/s (CPU-time basis ${fmt(cpuMbPerSecond(/** @type {Measurement} */ (ours)))})`,
        verdict: speed === undefined ? 'n/a' : speed >= goal ? 'PASS' : 'FAIL',
      });
    }
    const wholeName = WHOLE[/** @type {keyof typeof WHOLE} */ (caseName)];
    if (wholeName !== undefined && caseName !== 'nessus') {
      const ours = find(run.measurements, caseName, hundred, 'ours');
      const whole = find(run.measurements, caseName, hundred, wholeName);
      const a = ours ? mbPerSecond(ours) : undefined;
      const b = whole ? mbPerSecond(whole) : undefined;
      out.push({
        target: `${caseName} ${hundred} MB: convert faster than whole-file JSON.parse`,
        measured:
          a === undefined || b === undefined
            ? (ours?.note ?? 'not measured')
            : `${fmt(a / b, 2)}× (${fmt(a)} vs ${fmt(b)} MB/s)`,
        verdict: a === undefined || b === undefined ? 'n/a' : a >= b ? 'PASS' : 'FAIL',
      });
    }
    const big = find(run.measurements, caseName, largest, 'ours');
    const rssOk = big?.status === 'ok';
    out.push({
      target: `${caseName} ${largest} MB: peak RSS ≤ ${RSS_LIMIT_MB} MB${largest < 1000 ? ' (target is at 1 GB)' : ''}`,
      measured: rssOk ? `${fmt(big.peakRssBytes / MB)} MB` : (big?.note ?? 'not measured'),
      verdict: rssOk ? (big.peakRssBytes / MB <= RSS_LIMIT_MB ? 'PASS' : 'FAIL') : 'n/a',
    });
    if (run.sizes.includes(100) && run.sizes.includes(1000)) {
      const small = find(run.measurements, caseName, 100, 'ours');
      const large = find(run.measurements, caseName, 1000, 'ours');
      if (small?.status === 'ok' && large?.status === 'ok') {
        const growth = (large.peakRssBytes - small.peakRssBytes) / MB;
        const allowed = Math.max(GROWTH_NOISE_MB, (GROWTH_NOISE_FRACTION * small.peakRssBytes) / MB);
        out.push({
          target: `${caseName}: no RSS growth 100 MB → 1 GB (≤ ${fmt(allowed)} MB noise)`,
          measured: `${growth >= 0 ? '+' : ''}${fmt(growth)} MB`,
          verdict: growth <= allowed ? 'PASS' : 'FAIL',
        });
      } else {
        out.push({
          target: `${caseName}: no RSS growth 100 MB → 1 GB`,
          measured: large?.note ?? small?.note ?? 'not measured',
          verdict: 'n/a',
        });
      }
    }
  }
  const imp = run.importResult;
  if (imp !== undefined) {
    const ok = imp.status === 'ok';
    out.push({
      target: `import ≥ ${IMPORT_TARGET * 100} % of 1,000 findings/s, zero losses`,
      measured: ok
        ? `${fmt(imp.fractionOfCeiling * 100)} % (${fmt(imp.sustainedPerSecond, 0)}/s sustained), ${imp.zeroLoss ? 'no losses' : `LOST: imported ${imp.imported}/${imp.findings}, failed ${imp.failed}`}`
        : (imp.note ?? imp.status),
      verdict: ok ? (imp.fractionOfCeiling >= IMPORT_TARGET && imp.zeroLoss ? 'PASS' : 'FAIL') : 'n/a',
    });
  }
  const faults = run.faultsResult;
  if (faults !== undefined) {
    const ok = faults.status === 'ok';
    const quota = faults.quota;
    out.push({
      target: `import at a 1 req/s quota within ${QUOTA_TARGET}× of the ideal time, zero losses`,
      measured:
        ok && quota?.report !== undefined
          ? `${fmt(quota.seconds, 1)} s for ${fmt(quota.report.received, 0)} findings (ideal ${fmt(quota.idealSeconds, 0)} s: ${fmt(quota.ratio, 2)}×), ${quota.report.throttled} throttles, stored ${quota.stored}`
          : (faults.note ?? quota?.note ?? 'not measured'),
      verdict:
        ok && quota?.report !== undefined
          ? quota.ratio <= QUOTA_TARGET && quota.stored === quota.report.received
            ? 'PASS'
            : 'FAIL'
          : 'n/a',
    });
    for (const [name, label] of [
      ['outage', 'a 20 s outage'],
      ['errors85', '85 % 5xx'],
    ]) {
      const row = faults[name];
      const base = faults.baseline;
      const measured = row?.peakRssBytes !== undefined && base?.peakRssBytes !== undefined;
      out.push({
        target: `peak RSS during ${label} within ${FAULT_RSS_SLACK_MB} MB of the fault-free import, findings held ≤ 1,100`,
        measured: measured
          ? `${fmt(row.peakRssBytes / MB, 0)} MB vs ${fmt(base.peakRssBytes / MB, 0)} MB; most held ${row.mostPending}; imported ${row.report?.imported}/${row.report?.received}, stored ${row.stored}`
          : (row?.note ?? faults.note ?? 'not measured'),
        verdict: measured
          ? row.peakRssBytes <= base.peakRssBytes + FAULT_RSS_SLACK_MB * MB && row.mostPending <= 1_100
            ? 'PASS'
            : 'FAIL'
          : 'n/a',
      });
    }
  }
  if (run.startup !== undefined) {
    const base = run.startup.find((s) => s.name === 'node -e 0');
    for (const s of run.startup.filter((x) => x.name !== 'node -e 0')) {
      const ok = s.status === 'ok' && base?.status === 'ok';
      const diff = ok
        ? /** @type {number} */ (s.medianMs) - /** @type {number} */ (base?.medianMs)
        : undefined;
      out.push({
        target: `${s.name} within ${STARTUP_LIMIT_MS} ms of node -e 0`,
        measured: diff === undefined ? (s.note ?? 'not measured') : `+${fmt(diff, 0)} ms`,
        verdict: diff === undefined ? 'n/a' : diff <= STARTUP_LIMIT_MS ? 'PASS' : 'FAIL',
      });
    }
  }
  return out;
}

/**
 * A stress mix is reported, not judged: its speed next to the realistic input of the same shape and size.
 * @param {{ measurements: Measurement[]; sizes: number[] }} run
 * @param {string} caseName
 * @param {string} realistic
 * @returns {Verdict}
 */
function stressVerdict(run, caseName, realistic) {
  const size = Math.min(...run.sizes);
  const stress = find(run.measurements, caseName, size, 'ours');
  const base = find(run.measurements, realistic, size, 'ours');
  const a = stress ? mbPerSecond(stress) : undefined;
  const b = base ? mbPerSecond(base) : undefined;
  return {
    target: `${caseName} ${size} MB (stress mix, not a target): convert speed next to ${realistic}`,
    measured:
      a === undefined
        ? (stress?.note ?? 'not measured')
        : `${fmt(a)} MB/s${b === undefined ? '' : ` = ${fmt(a / b, 2)}× the realistic mix (${fmt(b)} MB/s)`}`,
    verdict: a === undefined ? 'n/a' : 'info',
  };
}

/**
 * @param {{ measurements: Measurement[]; inputs?: Record<string, any>[]; seed?: string; cases: string[]; sizes: number[]; importResult?: Record<string, any>; startup?: import('./cli-start.mjs').StartResult[]; machine: Record<string, string>; mode: string; command: string; durationSeconds: number; loadBefore: number[]; loadAfter: number[] }} run
 */
export function renderMarkdown(run) {
  const lines = [];
  lines.push('# Benchmark results', '');
  lines.push(
    `Written by \`${run.command}\` (${run.mode}); do not edit by hand. How to read it: [docs/bench.md](../docs/bench.md).`,
    '',
  );
  lines.push('## Machine', '');
  for (const [key, value] of Object.entries(run.machine)) lines.push(`- **${key}**: ${value}`);
  lines.push(
    `- **load average (1/5/15 min)**: before ${run.loadBefore.map((x) => x.toFixed(2)).join(' / ')}, after ${run.loadAfter.map((x) => x.toFixed(2)).join(' / ')}`,
  );
  lines.push(`- **run took**: ${fmt(run.durationSeconds / 60)} min`, '');
  const loaded = Math.max(run.loadBefore[0] ?? 0, run.loadAfter[0] ?? 0) >= 1;
  if (loaded) {
    lines.push(
      `> **Caveat:** the machine was shared while this ran (load average up to ${fmt(Math.max(run.loadBefore[0] ?? 0, run.loadAfter[0] ?? 0), 2)} on ${run.machine.cpus}). Wall-clock MB/s are then lower than on an idle machine; the "CPU MB/s" column (input ÷ CPU time of the process) is less affected. Compare approaches within this run only.`,
      '',
    );
  }
  lines.push('## Targets', '');
  lines.push('| target | measured | verdict |', '|---|---|---|');
  for (const v of verdicts(run))
    lines.push(
      `| ${v.target} | ${v.measured} | ${v.verdict === 'PASS' ? '✅ PASS' : v.verdict === 'FAIL' ? '❌ FAIL' : v.verdict === 'info' ? 'ℹ️ info' : 'n/a'} |`,
    );
  lines.push('', '## Convert throughput and memory', '');
  lines.push(
    'MB = 1,000,000 bytes. Every approach runs in its own `node --expose-gc` process on the same file; "ours ÷" is our wall-clock MB/s divided by that row\'s.',
    '',
  );
  lines.push(
    '| input | size | approach | MB/s | CPU MB/s | records | records/s | peak RSS MB | ours ÷ |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const caseName of run.cases) {
    for (const size of run.sizes) {
      const rows = run.measurements.filter((m) => m.caseName === caseName && m.sizeMb === size);
      const ours = rows.find((m) => m.approach === 'ours');
      const oursSpeed = ours ? mbPerSecond(ours) : undefined;
      for (const m of rows) {
        const speed = mbPerSecond(m);
        const label =
          m.approach === 'ours'
            ? '**ours (convert)**'
            : m.approach === 'ours-ndjson'
              ? 'ours (convert → NDJSON)'
              : m.approach;
        const records =
          m.status === 'ok'
            ? `${fmt(m.records, 0)}${m.expectedRecords !== undefined && m.records !== m.expectedRecords && m.approach !== 'io' ? ` (of ${fmt(m.expectedRecords, 0)})` : ''}`
            : '–';
        if (m.status !== 'ok') {
          lines.push(`| ${caseName} | ${size} MB | ${label} | ${m.status}: ${m.note ?? ''} | | | | | |`);
          continue;
        }
        const ratio =
          oursSpeed !== undefined && speed !== undefined && !m.approach.startsWith('ours')
            ? `${fmt(oursSpeed / speed, 2)}×`
            : '';
        lines.push(
          `| ${caseName} | ${size} MB | ${label} | ${fmt(speed)} | ${fmt(cpuMbPerSecond(m))} | ${m.approach === 'io' ? '–' : records} | ${m.approach === 'io' ? '–' : fmt((m.records ?? 0) / /** @type {number} */ (m.seconds), 0)} | ${fmt(m.peakRssBytes / MB)} | ${ratio} |`,
        );
      }
    }
  }
  const profiled = run.measurements.filter((m) => m.profile !== undefined);
  if (profiled.length > 0) {
    lines.push('', '### Where our convert spends its time (`--cpu-prof`)', '');
    const top = (/** @type {{ name: string; percent: number }[]} */ list) =>
      list
        .slice(0, 10)
        .map((l) => `\`${l.name}\` ${fmt(l.percent)} %`)
        .join(', ');
    for (const m of profiled) {
      const p = /** @type {NonNullable<Measurement['profile']>} */ (m.profile);
      lines.push(`- **${m.caseName} ${m.sizeMb} MB** (\`${p.file}\`)`);
      lines.push(`  - inclusive: ${top(p.inclusive)}`);
      lines.push(`  - self: ${top(p.self)}`);
    }
  }
  lines.push('', `### Inputs (\`bench/generate.mjs\`, seed ${run.seed ?? '1'})`, '');
  lines.push(
    '| input | shape | size | bytes | records | findings expected | generator peak RSS MB |',
    '|---|---|---|---:|---:|---:|---:|',
  );
  for (const i of run.inputs ?? []) {
    lines.push(
      `| ${i.caseName} | ${CASES[i.caseName]?.label ?? ''} | ${i.sizeMb} MB | ${fmt(i.bytes, 0)} | ${fmt(i.records, 0)} | ${fmt(i.findings, 0)} | ${i.generatorPeakRssMb ?? '(cached)'} |`,
    );
  }
  if (run.importResult !== undefined) {
    const r = run.importResult;
    lines.push('', '## Import rate against the emulator', '');
    if (r.status === 'ok') {
      lines.push(
        '| findings | client s | paced span s | sustained findings/s | fraction of 1,000/s | end-to-end findings/s (fraction) | imported | failed | requests | throttled | max requests in any 1 s | zero loss |',
        '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
      );
      lines.push(
        `| ${fmt(r.findings, 0)} | ${fmt(r.seconds, 2)} | ${fmt(r.spanSeconds, 2)} | ${fmt(r.sustainedPerSecond, 0)} | ${fmt(r.fractionOfCeiling * 100)} % | ${fmt(r.findingsPerSecond, 0)} (${fmt(r.endToEndFraction * 100)} %) | ${r.imported ?? '–'} | ${r.failed ?? '–'} | ${r.requests ?? '–'} | ${r.throttled ?? '–'} | ${r.maxRequestsInAnySecond ?? '–'} | ${r.zeroLoss ? 'yes' : 'NO'} |`,
      );
    } else lines.push(`${r.status}: ${r.note ?? ''}`);
  }
  if (run.faultsResult !== undefined) {
    const f = run.faultsResult;
    lines.push('', '## Import under faults (emulator)', '');
    if (f.status === 'ok') {
      lines.push(
        '| scenario | findings | seconds | peak RSS MB | most held | imported | failed | requests | throttled | outages | stored |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      );
      for (const [name, label] of [
        ['quota', '1 req/s quota left'],
        ['baseline', 'no fault'],
        ['outage', '20 s outage (ECONNREFUSED)'],
        ['errors85', '85 % 5xx'],
      ]) {
        const r = f[name];
        if (r?.report === undefined) {
          lines.push(`| ${label} | ${r?.note ?? 'not measured'} |`);
          continue;
        }
        lines.push(
          `| ${label} | ${fmt(r.report.received, 0)} | ${fmt(r.seconds, 1)} | ${fmt(r.peakRssBytes / MB, 0)} | ${r.mostPending} | ${r.report.imported} | ${r.report.failed} | ${r.report.requests} | ${r.report.throttled} | ${r.report.outages} | ${r.stored} |`,
        );
      }
    } else lines.push(`${f.status}: ${f.note ?? ''}`);
  }
  if (run.startup !== undefined) {
    lines.push('', '## CLI cold start', '');
    lines.push('| command | median ms | Δ vs node -e 0 | samples (ms) |', '|---|---:|---:|---|');
    const base = run.startup.find((s) => s.name === 'node -e 0');
    for (const s of run.startup) {
      if (s.status !== 'ok') {
        lines.push(`| \`${s.command}\` | ${s.status}: ${s.note ?? ''} | | |`);
        continue;
      }
      const diff =
        base?.medianMs !== undefined && s !== base
          ? `+${fmt(/** @type {number} */ (s.medianMs) - base.medianMs, 0)}`
          : '';
      lines.push(`| \`${s.command}\` | ${fmt(s.medianMs, 0)} | ${diff} | ${s.samplesMs?.join(', ')} |`);
    }
  }
  lines.push('');
  return lines.join('\n');
}
