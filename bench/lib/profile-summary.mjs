/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time and the most
 * inclusive time, as percentages of all samples — enough to see where a convert run spends its time.
 */
import { readFileSync } from 'node:fs';

/**
 * @typedef {object} ProfileLine
 * @property {string} name function and location (`toAsff asff/build.js:32`)
 * @property {number} percent share of sampled time
 */

/**
 * @param {string} file a .cpuprofile
 * @param {number} [top]
 * @returns {{ self: ProfileLine[]; inclusive: ProfileLine[] }}
 */
export function summarizeProfile(file, top = 12) {
  /** @type {{ nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[]; samples: number[]; timeDeltas: number[] }} */
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  /** @type {Map<number, number>} */
  const timeByNode = new Map();
  profile.samples.forEach((id, i) => {
    timeByNode.set(id, (timeByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const parentOf = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const label = (/** @type {number} */ id) => {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) return '?';
    const where = frame.url ? ` ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}` : '';
    const name = frame.functionName || '(anonymous)';
    return `${name.length > 48 ? `${name.slice(0, 47)}…` : name}${where}`;
  };
  /** @type {Map<string, number>} */
  const self = new Map();
  /** @type {Map<string, number>} */
  const inclusive = new Map();
  let total = 0;
  for (const [id, time] of timeByNode) {
    total += time;
    const name = label(id);
    self.set(name, (self.get(name) ?? 0) + time);
    const seen = new Set();
    for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parentOf.get(at)) {
      const ancestor = label(at);
      if (seen.has(ancestor)) continue;
      seen.add(ancestor);
      inclusive.set(ancestor, (inclusive.get(ancestor) ?? 0) + time);
    }
  }
  const rank = (/** @type {Map<string, number>} */ map) =>
    [...map]
      .filter(([name]) => !/^\((root|program|idle)\)/.test(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, percent: total > 0 ? (time / total) * 100 : 0 }));
  return { self: rank(self), inclusive: rank(inclusive) };
}
