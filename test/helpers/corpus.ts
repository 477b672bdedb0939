import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of `../shared/corpus` as seen from the project root (override: `ASFF_STREAM_CORPUS`). */
export const CORPUS_ROOT =
  process.env.ASFF_STREAM_CORPUS ??
  resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/corpus');

/** True when the real-file corpus is present (it is not in a user's clone). */
export const HAS_CORPUS = existsSync(CORPUS_ROOT);

/** Message shown when corpus tests are skipped. */
export const CORPUS_SKIP_REASON = `real-file corpus not found at ${CORPUS_ROOT}; corpus tests skipped`;

if (!HAS_CORPUS) console.warn(CORPUS_SKIP_REASON);

/** Files of one format folder (`sarif`, `trivy`, `nessus`, `csv`), sorted; empty when the corpus is absent. */
export function corpusFiles(format: string): string[] {
  const dir = join(CORPUS_ROOT, format);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => join(dir, name));
}

/** Absolute path of one corpus file, e.g. `corpusFile('sarif', 'gitleaks__sarif_simple.sarif')`. */
export function corpusFile(format: string, name: string): string {
  return join(CORPUS_ROOT, format, name);
}
