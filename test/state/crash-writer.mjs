/**
 * Child process of the crash test: replaces the state file at argv[2] with the prepared state at argv[3]
 * through the file store, over and over, until it is killed. Prints "writing" before each write.
 */
import { pathToFileURL } from 'node:url';

const [, , target, prepared, dist] = process.argv;
const { fileStateStore } = await import(pathToFileURL(`${dist}/src/state/store.js`).href);
const store = fileStateStore(target);
for (;;) {
  const current = await store.fetch(`${prepared}.current`);
  process.stdout.write('writing\n');
  await store.put(prepared, current);
}
