/**
 * Every issue code the built-in adapters, the pipeline and the import sink report (`ConversionStats.issues`,
 * `ImportReport.issues`, the CLI's warnings), with what it means. docs/issues.md shows this table;
 * `test/issue-codes.test.ts` keeps the two in step and fails on a code emitted anywhere that is not listed here.
 * Custom adapters may report codes of their own: `Issue.code` takes any string.
 */
export const ISSUE_CODES = {
  // Every adapter (toAsff and the pipeline)
  'below-min-severity': 'skipped: the finding is below `--min-severity`',
  'credential-redacted': 'an AWS credential or private key was redacted from the finding',
  'field-truncated': 'a text field was longer than ASFF allows; cut with a visible `… [truncated]` marker',
  'fields-capped':
    'ProductFields or Details.Other had more entries than ASFF allows; the extra ones were dropped',
  'finding-shrunk': 'the finding exceeded 240 KB; details and reference lists were trimmed to fit',
  'finding-too-large': 'failed: the finding is over 240 KB even after shrinking; dead-lettered, never sent',
  'repeated-id': 'skipped: a finding repeats the Id of an earlier one of this run; the first copy is sent',
  'repeated-id-merged':
    'skipped: a finding repeats the Id of a recent one; merged into it (the adapter says how)',
  'resolved-skipped': 'skipped: the scanner says the finding is resolved and `--resolved skip` is set',
  'resources-capped': 'more than 32 resources; the extra ones were dropped',
  'scope-limit': 'the input names more scopes than a run tracks; findings of the others get the first scope',
  'scope-unidentified':
    'the default scope does not identify the source (no repository found): pass --scope, or run in CI or a clone',
  'source-limit': 'more scope + source tool pairs than a run tracks; --archive-missing archives nothing',
  'type-dropped': 'a Types entry is not `namespace/category/classifier`; dropped',
  'types-capped': 'more than 50 Types; the extra ones were dropped',
  'vulnerabilities-capped': 'more vulnerabilities or packages than ASFF allows; the extra ones were dropped',
  // Import sink
  'customer-field-dropped':
    'library input set Note, UserDefinedFields, VerificationState or Workflow (fields of Security Hub users); dropped, the finding was sent',
  'duplicate-id': 'an Id was already sent in this run; the repeat was not sent again',
  // SARIF
  'bad-location':
    'a result location could not be read (no uri, a bad region); the result keeps its other places',
  'duplicate-result':
    'a result repeats the identity of an earlier one; kept as a numbered occurrence with its own Id',
  'invalid-result': 'a result (or Trivy result) is not an object; skipped',
  'invalid-results': 'a run\'s "results" is not an array; ignored',
  'invalid-run': 'a run is not an object; skipped',
  'late-run-context': 'a run section (rules, artifacts …) comes after results that were converted without it',
  'missing-message-string':
    'a result names a message string its rule does not define; the id is shown instead',
  'missing-rule': 'a result names a rule the run does not define; converted without rule metadata',
  'missing-tool': 'a run has results but no "tool" section; converted without rule definitions',
  'sarif-version': 'the log is not SARIF 2.1.0; read as 2.1.0',
  'tool-execution-failed': 'the tool reports executionSuccessful=false; its results may be incomplete',
  'unknown-kind': 'an unknown result kind; read as "fail"',
  // Trivy
  'invalid-kubernetes-resource': 'a `trivy k8s` resource is not an object; skipped',
  'invalid-list': 'a list of results or findings is not an array; ignored',
  'invalid-record': 'a vulnerability, misconfiguration, secret or license entry is not an object; skipped',
  'licenses-not-included': 'license findings were not converted; `--trivy-licenses` includes them',
  'missing-check-id': 'a misconfiguration has no ID or AVDID; skipped',
  'missing-package': 'a vulnerability names no package (PkgName, PkgID or PURL)',
  'missing-rule-id': 'a secret has no RuleID',
  'missing-target': 'a result has no Target',
  'missing-vulnerability-id': 'a vulnerability has no VulnerabilityID; skipped',
  // Nessus
  'doctype-ignored': 'the DOCTYPE was ignored (external DTDs are never fetched)',
  'duplicate-tracking-capped':
    'a host has more distinct items than are tracked; later repeats may share an Id',
  'host-properties-capped': 'a host has more host tags than are kept; the extra ones were ignored',
  'host-properties-late':
    "a host's HostProperties come after many of its items; those were converted without them",
  'invalid-cvss': 'a CVSS score or vector is not valid; ignored',
  'invalid-epss': 'an EPSS score is not a probability; ignored',
  'text-truncated': 'an element or host tag is longer than the reader keeps; the rest was dropped',
  'values-capped': 'an item has more child values than the reader keeps; the extra ones were dropped',
  // CSV (the adapter; csvRows of asff-stream/toolkit reports empty-row, latin1-fallback, preamble-skipped, ragged-row)
  'empty-row': 'skipped: the row has no values',
  'latin1-fallback': 'the row is not valid UTF-8; decoded as Windows-1252 (Latin-1)',
  'merged-row': 'a row repeats the identity of an earlier row with other values; merged into one finding',
  'missing-identity': 'skipped: the row has no value in any identity column',
  'missing-title': 'skipped: the row has no title',
  'preamble-skipped': 'report lines before the header row were skipped',
  'ragged-row': 'the row has more or fewer cells than the header',
  'unknown-severity': 'a severity word the profile does not know (CSV, Nessus); a fallback label was used',
} as const satisfies Record<string, string>;

/** An issue code of the built-in adapters, the pipeline or the sink: a key of {@link ISSUE_CODES}. */
export type IssueCode = keyof typeof ISSUE_CODES;

/** True when `code` is one of {@link ISSUE_CODES}. */
export function isIssueCode(code: string): code is IssueCode {
  return Object.hasOwn(ISSUE_CODES, code);
}
