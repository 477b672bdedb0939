import type {
  SeverityLabel as AwsSeverityLabel,
  Compliance,
  Remediation,
  Resource,
  Vulnerability,
} from '@aws-sdk/client-securityhub';
import type { InputPosition } from './errors.js';
import type { IssueCode } from './issue-codes.js';
import type { ScopeHintKind } from './scope.js';

export type { ScopeHintKind } from './scope.js';

/** ASFF severity labels, lowest first. */
export type SeverityLabel = `${AwsSeverityLabel}`;

/** The severity of a finding: an ASFF label plus the scanner's own value (kept in `Severity.Original`). */
export interface FindingSeverity {
  /** The ASFF label the adapter maps the scanner's value to; becomes `Severity.Label`. */
  label: SeverityLabel;
  /** The scanner's own severity, e.g. `error`, `HIGH`, `3`, `9.8`. Truncated to 64 characters by `toAsff`. */
  original: string;
}

/**
 * A scanner-neutral finding: what an adapter yields. It never carries account, region, product ARN or
 * timestamps of the run; `toAsff` adds those in one place.
 */
export interface Finding {
  /**
   * The values that identify this finding among all findings of the same adapter and scope. They are hashed
   * into the ASFF `Id`: equal identity ⇔ same Id. Each adapter documents which fields it uses.
   */
  identity: readonly (string | number | boolean | null | undefined)[];
  /** Rule / check / plugin id; becomes the `GeneratorId` (`<adapter>/<ruleId>`). */
  ruleId: string;
  /** One line a reader tells the finding by; whitespace is collapsed, `ruleId` used when blank, cut at 256 characters by `toAsff`. */
  title: string;
  /** Full text of the finding; the title (or `ruleId`) is used when blank, cut at 1024 characters by `toAsff`. */
  description: string;
  /** The ASFF label and the scanner's own value. */
  severity: FindingSeverity;
  /** ASFF Types (`namespace/category/classifier`); invalid or excess entries are dropped by `toAsff`. */
  types: string[];
  /** At least one resource; `toAsff` fills `Partition`/`Region` where missing and caps the list at 32. */
  resources: Resource[];
  /** ASFF `Vulnerabilities` (CVEs, packages); entries without an `Id` are dropped, the list capped at 20. */
  vulnerabilities?: Vulnerability[];
  /** ASFF `Remediation`; its recommendation text is cut at 512 characters by `toAsff`. */
  remediation?: Remediation;
  /** ASFF `Compliance` (status, related requirements, capped at 32); empty values are pruned. */
  compliance?: Compliance;
  /** A URL with more about the finding (the rule's help page); becomes `SourceUrl` when not blank. */
  sourceUrl?: string;
  /** Extra data, flattened into ASFF `ProductFields` under the adapter's prefix. */
  productFields?: Record<string, string | number | boolean | undefined>;
  /**
   * ISO-8601 timestamp from the scanner of when it first saw the problem; the time of the run when absent or
   * unreadable.
   */
  firstObservedAt?: string;
  /** ISO-8601 timestamp from the scanner of when it last saw the problem; the time of the run when absent or unreadable. */
  lastObservedAt?: string;
  /** 0–100 when the scanner reports a confidence. */
  confidence?: number;
  /** 0–100: how important the affected resource is; rounded and clamped into 0–100 by `toAsff`. */
  criticality?: number;
  /**
   * `resolved` marks a result the scanner says is no longer a problem (SARIF suppressed / pass, Trivy
   * misconfiguration PASS, vulnerability status fixed …). Resolved findings are emitted with
   * `RecordState: ARCHIVED` (or skipped with `resolved: 'skip'`).
   */
  state: 'active' | 'resolved';
  /**
   * A suggestion for the default scope (e.g. Trivy artifact name, SARIF tool + repository). Each finding's own hint
   * counts: a log of several sources (a multi-run SARIF file) gives each run's findings that run's hint.
   */
  scopeHint?: string;
  /**
   * What `scopeHint` is (see {@link ScopeHintKind}): a `path` (`trivy fs .` reports `.`) or a bare `tool` name is
   * combined with the repository identity; a `name` is used as it is. Default: `.`/`..`/`./…`/`../…` are paths,
   * anything else a name.
   */
  scopeHintKind?: ScopeHintKind;
  /**
   * The tool inside the adapter that produced the finding, when one adapter reads several tools' output (the SARIF
   * driver name, the CSV profile). With the adapter name it forms the source tool (`sarif/Semgrep`) that archiving
   * is keyed by, so two tools never archive each other's findings (docs/lifecycle.md, "Source tool").
   */
  sourceTool?: string;
}

/** What a finding, or an input part without findings, says about its source (see {@link AdapterContext.onSource}). */
export type FindingSource = Pick<Finding, 'scopeHint' | 'scopeHintKind' | 'sourceTool'>;

/** A record-level problem: reported and counted, never thrown. */
export interface Issue extends InputPosition {
  /**
   * Short kebab-case code, e.g. `ragged-row`, `missing-rule`, `field-truncated`: one of {@link IssueCode} for the
   * built-in adapters (docs/issues.md), or a code of a custom adapter's own.
   */
  code: IssueCode | (string & {});
  /** One line for a person: what is wrong and, where it helps, what was done about it. */
  message: string;
  /** True when the problem made the record be skipped (it counts in `skipped`). */
  skipped?: boolean;
}

/** What an adapter receives besides the bytes. */
export interface AdapterContext {
  /** Report a record-level problem. Set `skipped: true` when a record is dropped because of it. */
  onIssue(issue: Issue): void;
  /**
   * Declare a source the input covers that reported no findings (a SARIF run with no results): with
   * `--archive-missing`, that tool's earlier findings in that scope are archived. Optional for the caller.
   */
  onSource?(source: FindingSource): void;
  /** File name of the input (a hint only; may be absent for stdin). */
  filename?: string;
  /** Adapter-specific options (e.g. `trivyLicenses`, `minSeverity`, `csvMap`), passed through from the caller. */
  options: Readonly<Record<string, unknown>>;
  /** Aborts parsing when signalled (Ctrl-C). Adapters may check `signal.aborted` between records. */
  signal?: AbortSignal;
  /** A directory adapters may use for spooling (e.g. SARIF results that come before their rules). */
  tempDir: string;
}

/** What `detect` sees: the first bytes of the (decompressed, BOM-stripped) input, decoded as UTF-8. */
export interface DetectSample {
  /** The first bytes of the input as text (not the whole input): it may end inside a record. */
  head: string;
  /** The input's file name, when there is one (absent for stdin): a hint next to the content. */
  filename?: string;
}

/**
 * An option an adapter reads from `ctx.options`, declared so that the CLI offers it as a flag (and lists it in
 * `--help`) for built-in adapters and for custom ones loaded with `--adapter`. Library callers pass the same option
 * by `name` in `adapterOptions`.
 */
export interface AdapterOption {
  /** The key in `ctx.options`, e.g. `trivyLicenses`. */
  name: string;
  /** `boolean`: a flag without a value; `string` or `number`: a flag with one value. */
  type: 'boolean' | 'string' | 'number';
  /** One line for `--help`. */
  description: string;
  /** The CLI flag without its dashes, e.g. `trivy-licenses`. @defaultValue `name` in kebab-case */
  flag?: string;
  /** What `--help` calls the value, e.g. `FILE`. @defaultValue `VALUE` */
  valueName?: string;
}

/** Descriptive facts about an adapter, shown in `--help` and README. */
export interface AdapterMeta {
  /** One line on what the adapter reads, shown in `--help`. */
  description: string;
  /** File extensions it usually reads, without dot (a hint for detection only). */
  extensions: readonly string[];
  /** Where the scanner format is documented. */
  docsUrl?: string;
  /** The fields hashed into the Id, in words. */
  identity: string;
  /**
   * True when `parse` is finished with every input chunk (keeps no reference to it or a view of it, copies what
   * it carries over) before it asks for the next one. The pipeline may then read a plain file into two buffers
   * that take turns (the next chunk is read into one while `parse` works on the other), so spent chunks do not
   * pile up as external memory waiting for a garbage collection.
   * @defaultValue false
   */
  releasesChunks?: boolean;
  /** The options `parse` reads from `ctx.options`; the CLI makes a flag of each. */
  options?: readonly AdapterOption[];
}

/**
 * The contract every format adapter implements. Build one with {@link defineAdapter}.
 */
export interface Adapter {
  /** The adapter's name: the `--format` value, the prefix of its `GeneratorId`s (`<name>/<ruleId>`), hashed into every Id. */
  readonly name: string;
  /** What `--help` and the README say about it, and the options it reads. */
  readonly meta: AdapterMeta;
  /**
   * How confident the adapter is that the sample is its format: `false`/0 = no, `true`/1 = certain.
   * Detection picks the highest score above zero.
   */
  detect(sample: DetectSample): boolean | number;
  /** Stream the input into findings. Throws `ConverterError` only for input that is not the format, corrupt, truncated or unsafe. */
  parse(input: AsyncIterable<Uint8Array>, ctx: AdapterContext): AsyncIterable<Finding>;
  /**
   * Optional: combines two findings of one run that have the same identity (so the same Id), e.g. CSV rows of one
   * host, port and plugin that Nessus writes once per CVE. Returns the finding to send instead of both (it may
   * change and return `earlier`). The pipeline calls it for a repeat that comes within
   * `REPEAT_MERGE_WINDOW` (32) findings of the first copy; further apart, and for adapters without this hook,
   * the first copy is sent and the repeat is skipped with issue `repeated-id` (docs/lifecycle.md, "One Id per
   * finding").
   */
  mergeRepeat?(earlier: Finding, repeat: Finding): Finding;
}

/**
 * How many findings the pipeline holds back for an adapter with {@link Adapter.mergeRepeat}, so that a repeat
 * can still be merged into a copy that has not been sent yet.
 */
export const REPEAT_MERGE_WINDOW = 32;

/** Identity helper that exists for type inference: `export default defineAdapter({ name, meta, detect, parse })`. */
export function defineAdapter<T extends Adapter>(adapter: T): T {
  return adapter;
}
