// Runs the docs' runnable code blocks, one after another, each in a fresh temporary working directory that holds
// the input files of fixtures/docs/. Started by test/docs-code.test.ts as
//   node --enable-source-maps --import ./loopback-only.mjs doc-runner.mjs PLAN.json
// PLAN: { blocks: [{ id, module, timeoutMs }], inputs, results }. Writes RESULTS: [{ id, errors, output }],
// where output lists what the block printed with console, each with the Markdown line that printed it (and the
// keys of a lone object argument).
// `asff-stream` resolves to this package's build (dist/) through its exports map, as it does for a user.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, inspect } from 'node:util';
import { startEmulator } from 'asff-stream';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const home = process.cwd();
// Every AWS client a block makes without an endpoint of its own talks to this emulator (the SDK reads
// AWS_ENDPOINT_URL); blocks that start their own emulator use theirs.
const hub = await startEmulator();
process.env.AWS_ENDPOINT_URL = hub.url;

let current;
process.on('unhandledRejection', (reason) => current?.errors.push(`unhandled rejection: ${inspect(reason)}`));
process.on('uncaughtException', (error) => current?.errors.push(`uncaught exception: ${inspect(error)}`));
/** The Markdown line that made the current call (the blocks' source maps point into the Markdown files). */
function docLine() {
  const match = /\.md:(\d+):\d+/.exec(new Error().stack ?? '');
  return match === null ? undefined : Number(match[1]);
}
for (const method of ['log', 'info', 'warn', 'error', 'debug']) {
  console[method] = (...values) => {
    const [only] = values;
    // The keys of a lone object, for a `// → { key, … }` comment.
    const keys =
      values.length === 1 && typeof only === 'object' && only !== null ? Object.keys(only) : undefined;
    current?.output.push({ line: docLine(), text: format(...values), keys });
  };
}

const results = [];
for (const block of plan.blocks) {
  const dir = mkdtempSync(join(tmpdir(), 'asff-doc-block-'));
  cpSync(plan.inputs, dir, { recursive: true });
  current = { id: block.id, errors: [], output: [] };
  process.chdir(dir);
  let timer;
  try {
    await Promise.race([
      import(pathToFileURL(block.module).href),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`did not finish within ${block.timeoutMs} ms`)),
          block.timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    current.errors.push(inspect(error)); // the stack and any cause
  } finally {
    clearTimeout(timer);
  }
  // Let callbacks the block left behind report their failures against it.
  await new Promise((resolve) => setTimeout(resolve, 20));
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
  results.push(current);
}
current = undefined;
await hub.stop();
writeFileSync(plan.results, JSON.stringify(results));
// A block may leave a handle open (a server, a timer): that is not the runner's to wait for.
process.exit(0);
