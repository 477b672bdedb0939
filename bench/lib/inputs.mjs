/**
 * Generated benchmark inputs, cached by name in bench/out: `<case>-<size>mb-seed<seed>.<ext>` plus a
 * `.meta.json` that records the generator version and what was generated. A file is reused when its meta
 * matches and its size is what the meta says; otherwise it is regenerated in a child process.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSIONS, GENERATOR_VERSION } from '../generate.mjs';

/**
 * Benchmark cases: a generator format (+ SARIF variant and text mix) and the adapter that converts it. A case with
 * `stressOf` is the `multibyte-heavy` mix of that case: measured at the run's smallest size only, reported next to the realistic
 * input, not judged against the throughput targets (see docs/bench.md "Text mix").
 * @type {Record<string, { format: string; variant?: string; text?: string; stressOf?: string; adapter: string; label: string }>}
 */
export const CASES = {
  sarif: { format: 'sarif', variant: 'codeql', adapter: 'sarif', label: 'SARIF (CodeQL-style, rules first)' },
  'sarif-semgrep': {
    format: 'sarif',
    variant: 'semgrep',
    adapter: 'sarif',
    label: 'SARIF (Semgrep-style, results before rules)',
  },
  trivy: { format: 'trivy', adapter: 'trivy', label: 'Trivy JSON v2' },
  nessus: { format: 'nessus', adapter: 'nessus', label: 'Nessus XML v2' },
  csv: { format: 'csv', adapter: 'csv', label: 'Nessus CSV' },
  'sarif-multibyte': {
    format: 'sarif',
    variant: 'codeql',
    text: 'multibyte-heavy',
    stressOf: 'sarif',
    adapter: 'sarif',
    label: 'SARIF (CodeQL-style), a multi-byte word in nearly every result',
  },
  'trivy-multibyte': {
    format: 'trivy',
    text: 'multibyte-heavy',
    stressOf: 'trivy',
    adapter: 'trivy',
    label: 'Trivy JSON v2, a multi-byte word in nearly every vulnerability',
  },
};

/**
 * @typedef {object} InputFile
 * @property {string} file
 * @property {number} bytes
 * @property {number} records hot-array elements / ReportItems / CSV rows
 * @property {number} findings what a converter should emit (CSV: per-CVE rows merged)
 * @property {number} [informational]
 * @property {boolean} reused
 * @property {number} [generateSeconds]
 * @property {number} [generatorPeakRssMb]
 */

/**
 * Returns the cached input for a case, generating it first when needed.
 * @param {string} outDir
 * @param {string} caseName
 * @param {number} sizeMb
 * @param {string} seed
 * @returns {Promise<InputFile>}
 */
export async function ensureInput(outDir, caseName, sizeMb, seed) {
  const spec = CASES[caseName];
  if (spec === undefined)
    throw new Error(`unknown case ${caseName}; known: ${Object.keys(CASES).join(', ')}`);
  const ext = EXTENSIONS[/** @type {keyof typeof EXTENSIONS} */ (spec.format)];
  const file = join(outDir, `${caseName}-${sizeMb}mb-seed${seed}.${ext}`);
  const metaFile = `${file}.meta.json`;
  const wanted = {
    generatorVersion: GENERATOR_VERSION,
    format: spec.format,
    variant: spec.variant ?? null,
    text: spec.text ?? 'realistic',
    sizeMb,
    seed,
  };
  if (existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    const same = Object.entries(wanted).every(([key, value]) => meta[key] === value);
    if (same && statSync(file).size === meta.bytes) return { file, ...meta, reused: true };
  }
  rmSync(metaFile, { force: true });
  const args = [
    'bench/generate.mjs',
    '--format',
    spec.format,
    '--size-mb',
    String(sizeMb),
    '--seed',
    seed,
    '--out',
    file,
  ];
  if (spec.variant !== undefined) args.push('--variant', spec.variant);
  if (spec.text !== undefined) args.push('--text', spec.text);
  const started = performance.now();
  const stats = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (data) => {
      stderr += data;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`generator failed for ${caseName} ${sizeMb} MB: ${stderr.trim()}`));
      else resolve(JSON.parse(stderr.trim().split('\n').pop() ?? '{}'));
    });
  });
  const meta = {
    ...wanted,
    bytes: stats.bytes,
    records: stats.records,
    findings: stats.findings ?? stats.records,
    informational: stats.informational,
    generatorPeakRssMb: stats.peakRssMb,
  };
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  return { file, ...meta, reused: false, generateSeconds: (performance.now() - started) / 1000 };
}
