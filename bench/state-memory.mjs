/**
 * Child of bench/state-incremental.mjs: `node --expose-gc bench/state-memory.mjs STATE_FILE` loads the state
 * (every key of it, as `import --state` of a run of all its keys does) in a fresh process and prints its memory
 * per entry: V8 heap plus external memory (typed arrays) after GC, before and after the load, as one JSON line.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const statePath = process.argv[2] ?? '';
const { StateFile } = await import(pathToFileURL(join(ROOT, 'dist/src/state/state-file.js')).href);
const { fileStateStore } = await import(pathToFileURL(join(ROOT, 'dist/src/state/store.js')).href);
const gc = /** @type {() => void} */ (globalThis.gc);
const measure = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
// Every key of the file (one section each): their tables are what a run of all of them holds.
const keys = readFileSync(statePath, 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('{'))
  .map((line) => JSON.parse(line).key);
const load = async () => {
  const file = await StateFile.create(fileStateStore(statePath), { now: new Date() });
  for (const key of keys) await file.open(key, key.accountId);
  return file;
};
// Warm up the code paths once, so that compiled code and module state are not counted.
await (await load()).dispose();
const before = measure();
const file = await load();
const after = measure();
const entries = file.keys.reduce((sum, state) => sum + state.size, 0);
const tableBytes = file.keys.reduce((sum, state) => sum + state.byteLength, 0);
process.stdout.write(
  `${JSON.stringify({
    entries,
    keys: keys.length,
    used: file.report.used,
    tableBytesPerEntry: Math.round((tableBytes / entries) * 10) / 10,
    measuredBytesPerEntry: Math.round(((after - before) / entries) * 10) / 10,
  })}\n`,
);
await file.dispose();
