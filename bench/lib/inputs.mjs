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
 * Benchmark cases: a generator format (+ SARIF variant) and the adapter that converts it.
 * @type {Record<string, { format: string; variant?: string; adapter: string; label: string }>}
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
};

/**
 * @typedef {object} InputFile
 * @property {string} file
 * @property {number} bytes
 * @property {number} records
 * @property {number} [informational]
 * @property {boolean} reused
 * @property {number} [generateSeconds]
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
  const meta = { ...wanted, bytes: stats.bytes, records: stats.records, informational: stats.informational };
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  return { file, ...meta, reused: false, generateSeconds: (performance.now() - started) / 1000 };
}
