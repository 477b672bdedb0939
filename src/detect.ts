import { extname } from 'node:path';
import type { Adapter, DetectSample } from './adapter.js';
import { ConverterError } from './errors.js';

/** Confidence added when the file extension is one the adapter lists; a hint, never decisive alone. */
const EXTENSION_HINT = 0.05;

/** Known binary formats people mistake for scanner reports, by magic bytes. */
const BINARY_SIGNATURES: readonly { bytes: readonly number[]; what: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (an .xlsx/.docx or zipped export?)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x42, 0x5a, 0x68], what: 'a bzip2 archive' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a], what: 'an xz archive' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd archive' },
];

/** Names a binary format from its first bytes, or `undefined` when it is not one we know. */
export function describeBinary(head: Uint8Array): string | undefined {
  for (const { bytes, what } of BINARY_SIGNATURES) {
    if (bytes.every((b, i) => head[i] === b)) return what;
  }
  const n = Math.min(head.length, 1024);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0 || (b < 0x09 && b !== 0x1b)) control++;
  }
  return n > 0 && control / n > 0.05 ? 'binary data' : undefined;
}

/** The file extension without dot, lower-case, ignoring a trailing `.gz`. */
export function extensionOf(filename: string | undefined): string | undefined {
  if (filename === undefined) return undefined;
  const base = filename.toLowerCase().replace(/\.gz$/, '');
  const ext = extname(base);
  return ext.length > 1 ? ext.slice(1) : undefined;
}

/** What the head looks like, in words, for error messages. */
export function describeHead(head: string): string {
  const trimmed = head.trimStart();
  if (trimmed.length === 0) return 'empty';
  const first = trimmed[0];
  if (first === '{' || first === '[') return 'JSON';
  if (first === '<') return 'XML/HTML';
  const excerpt = trimmed
    .slice(0, 40)
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  return `text starting with "${excerpt}"`;
}

/** One adapter's answer to detection. */
export interface DetectScore {
  adapter: Adapter;
  score: number;
}

/** Scores every adapter on the sample (plus the extension hint), highest first, zero scores dropped. */
export function scoreAdapters(sample: DetectSample, adapters: readonly Adapter[]): DetectScore[] {
  const ext = extensionOf(sample.filename);
  const scores: DetectScore[] = [];
  for (const adapter of adapters) {
    const raw = adapter.detect(sample);
    let score = raw === true ? 1 : raw === false ? 0 : Number.isFinite(raw) ? raw : 0;
    if (score > 0 && ext !== undefined && adapter.meta.extensions.includes(ext)) score += EXTENSION_HINT;
    if (score > 0) scores.push({ adapter, score });
  }
  // Stable sort keeps registry order (custom adapters first) on ties.
  return scores.sort((a, b) => b.score - a.score);
}

/**
 * Picks the adapter for an input from its first bytes: content first, the file extension only as a tie-break hint.
 * Throws `E_FORMAT` naming the formats tried and what the input looks like when none claims it.
 */
export function detectAdapter(
  sample: DetectSample & { headBytes?: Uint8Array },
  adapters: readonly Adapter[],
): Adapter {
  const binary = sample.headBytes !== undefined ? describeBinary(sample.headBytes) : undefined;
  if (binary !== undefined) {
    throw new ConverterError('E_FORMAT', `input is ${binary}, not a scanner report`);
  }
  if (sample.head.trim().length === 0) {
    const ext = extensionOf(sample.filename);
    const byExtension = adapters.find((a) => ext !== undefined && a.meta.extensions.includes(ext));
    if (byExtension !== undefined) return byExtension;
    throw new ConverterError('E_FORMAT', 'input is empty; pass --format to say what an empty input means');
  }
  const best = scoreAdapters(sample, adapters)[0];
  if (best !== undefined) return best.adapter;
  const tried = adapters.map((a) => a.name).join(', ');
  throw new ConverterError(
    'E_FORMAT',
    `no adapter recognises this input (${describeHead(sample.head)}); tried ${tried}; use --format to choose one`,
  );
}
