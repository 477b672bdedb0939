import { sourceToolOf } from '../asff/source-tool.js';
import { CONVERT_FLAGS, convertOptionsFromFlags, parseCommandLine } from '../cli/args.js';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import { diagnostic } from '../cli/output.js';
import { ConverterError } from '../errors.js';
import { convert } from '../pipeline.js';

/** `asff-stream scope --help`. */
export const SCOPE_HELP = `Usage: asff-stream scope [INPUT|-] [options]

Print the scope and source tool an import of INPUT would use, and where the scope came from: one line per source
(a multi-run SARIF log has one per run), tab-separated:

  <scope>  <source tool>  <how the scope was chosen>

Reads the input like convert (offline, no AWS credentials). Archiving and history work per product + scope + source
tool (docs/lifecycle.md). A scope that does not identify the source (no repository in the CI environment or git
remote) is flagged on stderr; import --archive-missing refuses it without --scope.

Options:
  --scope NAME          the scope to use instead of the default
  --repository URL      the repository (else $ASFF_STREAM_REPOSITORY, the CI environment, the git remote)
  -f, --format NAME     auto (default), sarif, trivy, nessus or csv
  --csv-map FILE        JSON column mapping for CSV files no built-in profile knows
  --adapter MODULE      load a custom adapter; repeatable

Exit codes: 0 ok, 2 bad input or usage.`;

/** Account and Region do not change a scope; `convert` needs them to build findings. */
const PLACEHOLDER = { accountId: '000000000000', region: 'us-east-1' } as const;

/** The `scope` command line, read and checked (see `CliCommand.parse`). */
export async function scopeArguments(argv: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const { flags, positionals, adapters, adapterOptions } = await parseCommandLine(
    'scope',
    argv,
    CONVERT_FLAGS,
  );
  if (flags.help === true) return { help: SCOPE_HELP } as const;
  if (positionals.length > 1) throw new ConverterError('E_CONFIG', 'scope takes one input (a file or -)');
  const {
    failOn: _failOn,
    accountId: _account,
    region: _region,
    ...options
  } = convertOptionsFromFlags('scope', flags, env, adapterOptions);
  return { help: undefined, input: positionals[0] ?? '-', adapters, options } as const;
}

/** Runs `asff-stream scope`; returns the exit code. */
export async function runScope(argv: readonly string[], signal?: AbortSignal): Promise<ExitCode> {
  const parsed = await scopeArguments(argv);
  if (parsed.help !== undefined) {
    process.stdout.write(`${parsed.help}\n`);
    return EXIT.OK;
  }
  const { input, adapters, options } = parsed;
  const run = convert(input, {
    ...options,
    ...PLACEHOLDER,
    adapters,
    ...(signal !== undefined ? { signal } : {}),
  });
  for await (const _finding of run) {
    // Every finding is read: each may name its own source.
  }
  const { stats } = run;
  const sources =
    stats.sources.length > 0
      ? stats.sources
      : [
          {
            scope: stats.scope ?? '',
            sourceTool: sourceToolOf(stats.adapter ?? ''),
            identified: stats.scopeIdentified ?? true,
            scopeSource: `${stats.scopeSource ?? ''} (the input has no findings)`,
          },
        ];
  for (const source of sources) {
    process.stdout.write(`${source.scope}\t${source.sourceTool}\t${source.scopeSource}\n`);
    if (!source.identified)
      diagnostic(
        `warning: scope "${source.scope}" does not identify the source: pass --scope, or run in CI or a git clone`,
      );
  }
  return EXIT.OK;
}
