#!/usr/bin/env node
import { COMMANDS, topLevelAction } from './cli/commands.js';
import { EXIT, type ExitCode } from './cli/exit-codes.js';
import { diagnostic, reportError, usageError } from './cli/output.js';

const HELP = `Usage: asff-stream <command> [options]

Stream scanner output (SARIF, Trivy JSON, Nessus XML, CSV) into AWS Security Finding Format and import it into
AWS Security Hub at the API's rate limit, in constant memory, losing nothing.

Commands:
  convert [INPUT|-]   convert to ASFF NDJSON (offline, no AWS needed)
  import [INPUT|-]    convert and import into Security Hub (BatchImportFindings, paced 10 req/s burst 30)
  scope [INPUT|-]     print the scope and source tool an import would use, and where the scope came from
  validate [FILE|-]   check ASFF findings (NDJSON, JSON array or {"Findings":[…]}) against Security Hub's rules
  hub                 run the local Security Hub emulator (for tests and demos)
  demo                import the bundled samples into an in-process emulator and print the report

Run 'asff-stream <command> --help' for a command's options.

Exit codes: 0 ok, 1 --fail-on threshold met / invalid findings, 2 bad input or usage,
            3 some findings not imported, 4 AWS access or configuration problem, 130 interrupted.`;

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  const [command, ...rest] = argv;
  const action = topLevelAction(command);
  if (action === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command === undefined ? EXIT.INPUT : EXIT.OK;
  }
  if (action === 'version') {
    process.stdout.write(`${await version()}\n`);
    return EXIT.OK;
  }
  const load = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  const controller = new AbortController();
  const interrupt = (): void => {
    if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
    controller.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    if (load === undefined) throw usageError(`unknown command "${command}"`);
    const code = await (await load()).run(rest, controller.signal);
    // For `hub`, Ctrl-C is the normal way to stop.
    return controller.signal.aborted && code === EXIT.OK && command !== 'hub' ? EXIT.INTERRUPTED : code;
  } catch (error) {
    return reportError(error);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

// The pinned AWS SDK works on Node 20; its notice about future releases is noise in a CI log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.OK);
});

const argv = process.argv.slice(2);
let finished = false;
// Node exits with code 0 when the event loop empties, even while `main` still waits on a promise that nothing
// can settle any more (a lost wake-up): that run would end silently, with no report. Make it a loud bug.
process.on('beforeExit', () => {
  if (finished) return;
  finished = true;
  diagnostic(
    `internal error: the run stopped without finishing ("${argv[0] ?? ''}" was waiting for something that can no longer happen; no report was written); please report it`,
  );
  process.exitCode = EXIT.INTERNAL;
});

main(argv).then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    finished = true;
    process.exitCode = reportError(error);
  },
);
