import type { DetectSample } from '../../src/adapter.js';

/**
 * How sure the head of an input is a SARIF log (0–1). Markers are JSON keys, never free text, so a Trivy JSON
 * report (`"SchemaVersion": 2`, `"Results"`) never matches:
 * - `"$schema"` whose value mentions `sarif` → 1;
 * - `"version": "2.1.0"` together with `"runs": [` → 0.95;
 * - `"runs": [` together with `"tool"`, `"driver"` or `"results"` keys (Bandit writes `version` and `$schema`
 *   last) → 0.8;
 * - otherwise a `.sarif` file name whose content starts with `{` → 0.3.
 * Anything that does not start with `{` is 0.
 */
export function detectSarif(sample: DetectSample): number {
  const head = sample.head.replace(/^\uFEFF/, '');
  if (!head.trimStart().startsWith('{')) return 0;
  if (/"\$schema"\s*:\s*"[^"]*sarif/i.test(head)) return 1;
  const runs = /"runs"\s*:\s*\[/.test(head);
  if (runs && /"version"\s*:\s*"2\.1\.0"/.test(head)) return 0.95;
  if (runs && /"(tool|driver|results)"\s*:/.test(head)) return 0.8;
  return sample.filename !== undefined && /\.sarif(\.json)?(\.gz)?$/i.test(sample.filename) ? 0.3 : 0;
}
