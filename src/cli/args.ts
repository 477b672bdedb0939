import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Adapter, SeverityLabel } from '../adapter.js';
import { type ConvertOptions, severityOption } from '../pipeline.js';
import { builtinAdapters } from '../registry.js';
import { AdapterFlags, adapterModulePaths, customAdaptersHelp } from './adapter-flags.js';
import { usageError } from './output.js';

type OptionSpec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** Flags shared by `convert` and `import`. */
export const CONVERT_FLAGS = {
  account: { type: 'string' },
  region: { type: 'string' },
  format: { type: 'string', short: 'f' },
  'product-arn': { type: 'string' },
  scope: { type: 'string' },
  'fail-on': { type: 'string' },
  'min-severity': { type: 'string' },
  resolved: { type: 'string' },
  summary: { type: 'string' },
  adapter: { type: 'string', multiple: true },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

/** Help text for the flags in {@link CONVERT_FLAGS}. */
export const CONVERT_FLAGS_HELP = `  --account ID          12-digit AWS account id (default: $AWS_ACCOUNT_ID)
  --region REGION       AWS Region (default: $AWS_REGION, $AWS_DEFAULT_REGION)
  -f, --format NAME     auto (default), sarif, trivy, nessus, csv, or asff (findings already in ASFF: convert
                        output, a dead-letter file; detected by content too)
  --product-arn ARN     product ARN (default: the account's default custom-integration ARN)
  --scope NAME          scope of this run, part of every Id (default: derived from the input)
  --fail-on LABEL       exit 1 when an active finding is LABEL or higher (LOW…CRITICAL)
  --min-severity LABEL  skip findings below LABEL (counted as skipped)
  --resolved MODE       archive (default: send resolved findings as ARCHIVED) or skip
  --summary FILE        write the JSON summary to FILE
  --adapter MODULE      load a custom adapter (an ES module whose default export is an Adapter); repeatable
  -q, --quiet           no progress or summary on stderr`;

/** Values parsed from the command line. */
export type ParsedFlags = Record<string, string | boolean | string[] | undefined>;

/** Parses `argv` with the given flag spec; unknown flags are a usage error (exit 2). */
export function parseFlags(
  command: string,
  argv: readonly string[],
  options: OptionSpec,
): { flags: ParsedFlags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { flags: values as ParsedFlags, positionals };
  } catch (error) {
    throw usageError((error as Error).message.replace(/\. To specify a positional.*$/s, ''), command);
  }
}

/** Reads a string flag. */
export function stringFlag(flags: ParsedFlags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** Loads the custom adapter modules named by `--adapter MODULE` (default export, or a named `adapter` export). */
export async function loadAdapterModules(paths: readonly string[]): Promise<Adapter[]> {
  const adapters: Adapter[] = [];
  for (const path of paths) {
    let module: { default?: unknown; adapter?: unknown };
    try {
      module = (await import(pathToFileURL(resolve(path)).href)) as typeof module;
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      // Node 20 runs no TypeScript: the one fix a user needs is the compiled file.
      const hint = /\.[cm]?ts$/.test(path) ? '; compile it to JavaScript (tsc) and pass the .js file' : '';
      throw usageError(`--adapter ${path}: cannot load it: ${reason}${hint}`);
    }
    const candidate = (module.default ?? module.adapter) as Partial<Adapter> | undefined;
    if (
      candidate === undefined ||
      typeof candidate.name !== 'string' ||
      typeof candidate.detect !== 'function' ||
      typeof candidate.parse !== 'function'
    ) {
      throw usageError(`--adapter ${path}: its default export is not an adapter (name, meta, detect, parse)`);
    }
    adapters.push(candidate as Adapter);
  }
  return adapters;
}

/** A `convert`/`import` command line, parsed with the flags of the built-in and `--adapter` adapters. */
export interface CommandLine {
  flags: ParsedFlags;
  positionals: string[];
  /** The custom adapters loaded with `--adapter`. */
  adapters: Adapter[];
  /** Adapter options given as flags, by option name (for `ConvertOptions.adapterOptions`). */
  adapterOptions: Record<string, unknown>;
  /** The "Custom adapters" and "Adapter options" sections for `--help`. */
  adapterHelp: string;
}

/**
 * Parses a `convert`/`import` command line: loads the `--adapter` modules first, then parses every flag, the
 * command's and those the adapters declare in `meta.options` (built-in and custom), so a custom adapter's flags work
 * and are listed in `--help`. Unknown flags are a usage error (exit 2).
 */
export async function parseCommandLine(
  command: string,
  argv: readonly string[],
  options: NonNullable<OptionSpec>,
): Promise<CommandLine> {
  const adapters = await loadAdapterModules(adapterModulePaths(argv));
  const adapterFlags = new AdapterFlags([...Object.values(builtinAdapters), ...adapters], options);
  const { flags, positionals } = parseFlags(command, argv, { ...options, ...adapterFlags.spec() });
  return {
    flags,
    positionals,
    adapters,
    adapterOptions: adapterFlags.values(flags),
    adapterHelp: `${customAdaptersHelp(adapters)}${adapterFlags.help()}`,
  };
}

/** Builds `ConvertOptions` from the shared flags and the environment. */
export function convertOptionsFromFlags(
  command: string,
  flags: ParsedFlags,
  env: NodeJS.ProcessEnv = process.env,
  adapterOptions: Readonly<Record<string, unknown>> = {},
): Omit<ConvertOptions, 'accountId'> & { accountId: string | undefined; failOn?: SeverityLabel } {
  const format = stringFlag(flags, 'format') ?? 'auto';
  const resolved = stringFlag(flags, 'resolved');
  if (resolved !== undefined && resolved !== 'archive' && resolved !== 'skip') {
    throw usageError(`--resolved "${resolved}": expected archive or skip`, command);
  }
  const minSeverity = stringFlag(flags, 'min-severity');
  const failOn = stringFlag(flags, 'fail-on');
  const productArn = stringFlag(flags, 'product-arn');
  const scope = stringFlag(flags, 'scope');
  return {
    accountId: stringFlag(flags, 'account') ?? env.AWS_ACCOUNT_ID,
    region: stringFlag(flags, 'region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '',
    format,
    adapterOptions: { ...adapterOptions },
    ...(resolved !== undefined ? { resolved } : {}),
    ...(minSeverity !== undefined ? { minSeverity: severityOption('--min-severity', minSeverity) } : {}),
    ...(failOn !== undefined ? { failOn: severityOption('--fail-on', failOn) } : {}),
    ...(productArn !== undefined ? { productArn } : {}),
    ...(scope !== undefined ? { scope } : {}),
  };
}

/**
 * A duration flag in ms: `500ms`, `30s`, `10m`, `1h`, or a bare number of seconds. `undefined` when the flag
 * is absent; a usage error (exit 2) when it is not a positive duration.
 */
export function durationFlag(flags: ParsedFlags, name: string, command: string): number | undefined {
  const raw = stringFlag(flags, name);
  if (raw === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(raw.trim());
  const value = match === null ? Number.NaN : Number(match[1]);
  if (match === null || !(value > 0))
    throw usageError(`--${name} "${raw}": expected a duration such as 500ms, 30s, 10m or 1h`, command);
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(value * unitMs);
}
