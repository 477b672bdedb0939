import type { ExitCode } from './exit-codes.js';

/** One CLI command: how it runs, and how it reads its command line. */
export interface CliCommand {
  /** Runs the command with its arguments (after the command name); returns the exit code. */
  run(argv: readonly string[], signal: AbortSignal): Promise<ExitCode>;
  /**
   * Reads the command line exactly as `run` does before it starts any work: flags (the command's and the adapters'),
   * their values, the positional arguments. Throws the usage error `run` would end with (exit 2); loads `--adapter`
   * modules but reads no input and makes no AWS call. The docs test checks every documented command line with it.
   */
  parse(argv: readonly string[], env?: NodeJS.ProcessEnv): unknown;
}

// Commands are loaded lazily so `--help` and `convert` never load the AWS SDK.
/** The CLI's commands by name. */
export const COMMANDS: Record<string, () => Promise<CliCommand>> = {
  convert: async () => {
    const { runConvert, convertArguments } = await import('../commands/convert.js');
    return { run: runConvert, parse: convertArguments };
  },
  validate: async () => {
    const { runValidate, validateArguments } = await import('../commands/validate.js');
    return { run: runValidate, parse: validateArguments };
  },
  scope: async () => {
    const { runScope, scopeArguments } = await import('../commands/scope.js');
    return { run: runScope, parse: scopeArguments };
  },
  hub: async () => {
    const { runHubCommand, hubArguments } = await import('../commands/hub.js');
    return { run: runHubCommand, parse: hubArguments };
  },
  import: async () => {
    const { runImport, importArguments } = await import('../commands/import.js');
    return { run: runImport, parse: importArguments };
  },
  demo: async () => {
    const { runDemo, demoArguments } = await import('../commands/demo.js');
    return { run: runDemo, parse: demoArguments };
  },
};

/** What `asff-stream WORD` does when WORD is not a command: `help` (also no word at all), `version`, or nothing. */
export function topLevelAction(word: string | undefined): 'help' | 'version' | undefined {
  if (word === undefined || word === '--help' || word === '-h' || word === 'help') return 'help';
  if (word === '--version' || word === '-v') return 'version';
  return undefined;
}
