import { readFindings } from '../asff/read-findings.js';
import { type AsffViolation, validateAsff } from '../asff/validate.js';
import { parseFlags } from '../cli/args.js';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import { diagnostic, LineWriter, reportError } from '../cli/output.js';

/** `asff-stream validate --help`. */
export const VALIDATE_HELP = `Usage: asff-stream validate [FILE|-] [options]

Check ASFF findings against every rule Security Hub is known to enforce (required fields, lengths, counts, enums,
patterns, 240 KB, keys the AWS SDK would silently drop). Reads NDJSON, a JSON array or {"Findings":[…]}, streamed.
Prints one line per invalid finding on stdout.

Options:
  -q, --quiet   no summary on stderr

Exit codes: 0 all valid, 1 some invalid, 2 the input is not ASFF JSON.`;

function describe(violations: readonly AsffViolation[]): string {
  return violations.map((v) => `${v.path === '' ? '(finding)' : v.path} ${v.message} [${v.rule}]`).join('; ');
}

/** The `validate` command line, read and checked (see `CliCommand.parse`). */
export function validateArguments(argv: readonly string[]) {
  const { flags, positionals } = parseFlags('validate', argv, {
    help: { type: 'boolean', short: 'h' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (flags.help === true) return { help: VALIDATE_HELP } as const;
  return { help: undefined, input: positionals[0] ?? '-', quiet: flags.quiet === true } as const;
}

/** Runs `asff-stream validate`; returns the exit code. */
export async function runValidate(argv: readonly string[]): Promise<ExitCode> {
  const parsed = validateArguments(argv);
  if (parsed.help !== undefined) {
    process.stdout.write(`${parsed.help}\n`);
    return EXIT.OK;
  }
  const out = LineWriter.open(undefined);
  let total = 0;
  let invalid = 0;
  let exit: ExitCode = EXIT.OK;
  try {
    for await (const { value, line, index } of readFindings(parsed.input)) {
      total++;
      const violations = validateAsff(value);
      if (violations.length === 0) continue;
      invalid++;
      const id = (value as { Id?: unknown } | null)?.Id;
      const label = typeof id === 'string' ? ` Id ${JSON.stringify(id.slice(0, 200))}` : '';
      await out.write(`finding ${index + 1} (line ${line}${label}): ${describe(violations)}\n`);
    }
    if (invalid > 0) exit = EXIT.POLICY;
  } catch (error) {
    exit = reportError(error);
  }
  await out.close();
  if (!parsed.quiet) diagnostic(`validated ${total} finding${total === 1 ? '' : 's'}: ${invalid} invalid`);
  return exit;
}
