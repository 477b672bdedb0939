/**
 * Child of bench/state-incremental.mjs: `node --expose-gc bench/state-memory.mjs STATE_FILE` loads the state
 * (as `import --state` does) in a fresh process and prints its memory per entry: V8 heap plus external
 * memory (typed arrays) after GC, before and after the load, as one JSON line.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const statePath = process.argv[2] ?? '';
const { openKeyState } = await import(pathToFileURL(join(ROOT, 'dist/src/state/state-file.js')).href);
const { fileStateStore } = await import(pathToFileURL(join(ROOT, 'dist/src/state/store.js')).href);
const gc = /** @type {() => void} */ (globalThis.gc);
const measure = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
const header = JSON.parse(readFileSync(statePath, 'utf8').split('\n', 1)[0] ?? '{}');
// Warm up the code paths once, so that compiled code and module state are not counted.
const warm = await openKeyState(fileStateStore(statePath), header.key, header.key.accountId, {
  now: new Date(),
});
await warm.dispose();
const before = measure();
const state = await openKeyState(fileStateStore(statePath), header.key, header.key.accountId, {
  now: new Date(),
});
const after = measure();
process.stdout.write(
  `${JSON.stringify({
    entries: state.size,
    used: state.used,
    tableBytesPerEntry: Math.round((state.byteLength / state.size) * 10) / 10,
    measuredBytesPerEntry: Math.round(((after - before) / state.size) * 10) / 10,
  })}\n`,
);
await state.dispose();
