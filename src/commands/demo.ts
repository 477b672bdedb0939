import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from '../cli/args.js';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import { formatBySeverity } from '../cli/summary.js';
import { startEmulator } from '../emulator/index.js';
import { convert, type InputSource } from '../pipeline.js';
import { importFindings } from '../sink/import.js';
import { combineReports, importSummaryLine } from './import.js';

/** `asff-stream demo --help`. */
export const DEMO_HELP = `Usage: asff-stream demo [DIR]

Starts the local Security Hub emulator in-process, imports the bundled sample reports (SARIF, Trivy JSON,
Nessus XML, CSV — or the files in DIR) through the same pipeline and rate limiter as 'import', and prints
the report of each. Needs no AWS account and no network.`;

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** The bundled samples: `fixtures/demo` of the package. */
export const DEMO_DIR = fileURLToPath(new URL('../../../fixtures/demo/', import.meta.url));

/** How many generated findings the at-scale part of the demo imports. */
const SCALE_FINDINGS = 5000;

/** A Trivy JSON report with `count` vulnerabilities, generated as a byte stream (never held whole). */
async function* syntheticTrivyReport(count: number): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  yield encoder.encode(
    '{"SchemaVersion":2,"ArtifactName":"demo/app:2.0","ArtifactType":"container_image","Results":[{"Target":"demo/app:2.0 (debian 12.5)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[',
  );
  const severities = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
  for (let i = 0; i < count; i++) {
    const vulnerability = {
      VulnerabilityID: `CVE-2026-${10000 + i}`,
      PkgName: `libdemo${i % 250}`,
      InstalledVersion: `1.${i % 7}.0-1`,
      FixedVersion: `1.${i % 7}.1-1`,
      Status: 'fixed',
      Severity: severities[i % severities.length],
      Title: `libdemo${i % 250}: generated vulnerability ${i}`,
      Description: 'A generated vulnerability, to show the import pacing at the API quota.',
      CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', V3Score: 7.5 } },
    };
    yield encoder.encode(`${i === 0 ? '' : ','}${JSON.stringify(vulnerability)}`);
  }
  yield encoder.encode(']}]}');
}

/** The `demo` command line, read and checked (see `CliCommand.parse`). */
export function demoArguments(argv: readonly string[]) {
  const { flags, positionals } = parseFlags('demo', argv, { help: { type: 'boolean', short: 'h' } });
  if (flags.help === true) return { help: DEMO_HELP } as const;
  return { help: undefined, dir: positionals[0] ?? DEMO_DIR } as const;
}

/** Runs `asff-stream demo`; returns the exit code. */
export async function runDemo(argv: readonly string[], signal?: AbortSignal): Promise<ExitCode> {
  const parsed = demoArguments(argv);
  if (parsed.help !== undefined) {
    process.stdout.write(`${parsed.help}\n`);
    return EXIT.OK;
  }
  const { dir } = parsed;
  const files = readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => join(dir, name));
  const hub = await startEmulator({ accountId: ACCOUNT, region: REGION });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Local Security Hub emulator on ${hub.url} (account ${ACCOUNT}, ${REGION}; 10 requests/s, burst 30)\n`);
  const withSignal = signal !== undefined ? { signal } : {};
  /** Converts and imports one input into the emulator through the same pipeline and limiter as `import`. */
  const importIntoHub = async (input: InputSource, scope?: string) => {
    const run = convert(input, {
      accountId: ACCOUNT,
      region: REGION,
      ...(scope !== undefined ? { scope } : {}),
      ...withSignal,
    });
    const report = await importFindings(run, {
      endpoint: hub.url,
      accountId: ACCOUNT,
      region: REGION,
      credentials: { accessKeyId: 'AKIDDEMODEMODEMO', secretAccessKey: 'demo' },
      ...withSignal,
    });
    return { run, combined: combineReports(run.stats, report) };
  };
  let exit: ExitCode = EXIT.OK;
  try {
    for (const file of files) {
      if (signal?.aborted === true) return EXIT.INTERRUPTED;
      const { run, combined } = await importIntoHub(file);
      const bySeverity = formatBySeverity(run.stats.bySeverity);
      out(`${file.split('/').pop()} → ${run.stats.adapter} (scope "${run.stats.scope}"): ${bySeverity}`);
      out(`  ${importSummaryLine(combined)}`);
      if (combined.failed > 0) exit = EXIT.PARTIAL;
    }
    out(
      `\nAt scale: ${SCALE_FINDINGS.toLocaleString('en-US')} generated Trivy findings through the same limiter (quota: a burst of 30 requests, then 10/s of 100 findings)…`,
    );
    const { combined: report } = await importIntoHub(syntheticTrivyReport(SCALE_FINDINGS), 'demo-at-scale');
    out(`  ${importSummaryLine(report)} → ${Math.round(report.findingsPerSecond)} findings/s`);
    if (report.failed > 0) exit = EXIT.PARTIAL;
    const stored = hub.findings();
    const active = stored.filter((f) => f.RecordState !== 'ARCHIVED').length;
    out(
      `\nSecurity Hub now holds ${stored.length} findings (${active} active, ${stored.length - active} archived).`,
    );
    const sample = stored.find((f) => (f.Vulnerabilities?.length ?? 0) > 0) ?? stored[0];
    if (sample !== undefined) {
      out('One of them, as Security Hub stores it:');
      out(JSON.stringify(sample, null, 2).split('\n').slice(0, 40).join('\n'));
      out('  …');
    }
    const stats = hub.stats();
    out(`\nEmulator: ${stats.requests} requests, ${stats.throttled} throttled.`);
  } finally {
    await hub.stop();
  }
  return exit;
}
