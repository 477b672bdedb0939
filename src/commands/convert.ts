import type { Issue } from '../adapter.js';
import { withAdapterHelp } from '../cli/adapter-flags.js';
import {
  CONVERT_FLAGS,
  CONVERT_FLAGS_HELP,
  convertOptionsFromFlags,
  parseCommandLine,
  stringFlag,
} from '../cli/args.js';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import { FailOnCounter } from '../cli/fail-on.js';
import { diagnostic, LineWriter, ProgressLine, reportError } from '../cli/output.js';
import { IssueLog, summaryLine, summaryOf, writeSummary } from '../cli/summary.js';
import { ConverterError } from '../errors.js';
import { assertAccountAndRegion, convert } from '../pipeline.js';
import { checkProductArn } from '../sink/preflight.js';

/** `asff-stream convert --help`. */
export const CONVERT_HELP = `Usage: asff-stream convert [INPUT|-] [options]

Convert scanner output (SARIF, Trivy JSON, Nessus XML, CSV; gzip and UTF-16 accepted) to ASFF, one finding per
line (NDJSON) on stdout or --output. Reads stdin when INPUT is - or absent. Needs no AWS credentials.

Options:
  -o, --output FILE     write NDJSON to FILE instead of stdout
${CONVERT_FLAGS_HELP}

Exit codes: 0 ok, 1 --fail-on threshold met, 2 bad input or usage.`;

/** Shows a position for an issue, e.g. `line 12`. */
export function issueWhere(issue: Issue): string | undefined {
  if (issue.line !== undefined) return `line ${issue.line}`;
  if (issue.byte !== undefined) return `byte ${issue.byte}`;
  if (issue.recordIndex !== undefined) return `record ${issue.recordIndex}`;
  return undefined;
}

/** The `convert` command line, read and checked ({@link convertArguments}). */
export async function convertArguments(argv: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const { flags, positionals, adapters, adapterOptions, adapterHelp } = await parseCommandLine(
    'convert',
    argv,
    {
      ...CONVERT_FLAGS,
      output: { type: 'string', short: 'o' },
    },
  );
  if (flags.help === true) return { help: withAdapterHelp(CONVERT_HELP, adapterHelp) } as const;
  if (positionals.length > 1) throw new ConverterError('E_CONFIG', 'convert takes one input (a file or -)');
  const { failOn, ...options } = convertOptionsFromFlags('convert', flags, env, adapterOptions);
  assertAccountAndRegion(options.accountId, options.region);
  // The same check as `import`: findings converted for one Region under another's product ARN are refused there.
  if (options.productArn !== undefined && options.accountId !== undefined && options.region !== undefined)
    checkProductArn(options.productArn, { accountId: options.accountId, region: options.region });
  return { help: undefined, flags, input: positionals[0] ?? '-', adapters, failOn, options } as const;
}

/** Runs `asff-stream convert`; returns the exit code. */
export async function runConvert(argv: readonly string[], signal?: AbortSignal): Promise<ExitCode> {
  const parsed = await convertArguments(argv);
  if (parsed.help !== undefined) {
    process.stdout.write(`${parsed.help}\n`);
    return EXIT.OK;
  }
  const { flags, input, adapters, failOn, options } = parsed;
  const quiet = flags.quiet === true;
  const issues = new IssueLog();
  const progress = new ProgressLine(!quiet && process.stderr.isTTY === true && !process.env.CI);
  const out = LineWriter.open(stringFlag(flags, 'output'));
  const run = convert(input, {
    ...options,
    adapters,
    accountId: options.accountId as string,
    ...(signal !== undefined ? { signal } : {}),
    onIssue: (issue) => issues.record(issue.code, issue.message, issueWhere(issue)),
  });
  const failing = new FailOnCounter(failOn);
  let exit: ExitCode = EXIT.OK;
  try {
    for await (const finding of run) {
      await out.write(`${JSON.stringify(finding)}\n`);
      failing.observe(finding);
      progress.update(() => `asff-stream: ${run.stats.emitted} findings…`);
    }
    if (failing.count > 0) exit = EXIT.POLICY;
  } catch (error) {
    exit = reportError(error);
  } finally {
    progress.clear();
    try {
      await out.close();
    } catch (error) {
      if (exit === EXIT.OK) exit = reportError(error);
    }
  }
  if (!quiet && run.stats.adapter !== undefined) {
    issues.print(run.stats.issues);
    diagnostic(summaryLine(run.stats));
    if (failing.count > 0) diagnostic(failing.describe());
  }
  const summaryPath = stringFlag(flags, 'summary');
  if (summaryPath !== undefined) writeSummary(summaryPath, summaryOf(run.stats));
  return exit;
}
