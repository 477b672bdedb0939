import { oneLine, truncateText } from './text.js';

/** ProductFields key holding the source tool (`trivy`, `sarif/Semgrep`); archiving and history filter on it. */
export const SOURCE_TOOL_PRODUCT_FIELD = 'asff-stream/source-tool';

/** Longest source tool value kept (a driver name longer than this is cut, the same way every run). */
const MAX_SOURCE_TOOL_LENGTH = 128;

/**
 * The source tool of a finding: the adapter, and the tool inside it when the adapter reads several tools' output
 * (`Finding.sourceTool`: the SARIF driver name, the CSV profile), e.g. `trivy`, `sarif/Semgrep`, `csv/nessus`.
 * Together with the product and the scope it names the findings one kind of run owns: a Trivy run and a Semgrep
 * run that share a scope never archive each other (docs/lifecycle.md, "Source tool"). Stored in
 * `ProductFields['asff-stream/source-tool']`; a state file or cache keyed by run should use this value too.
 */
export function sourceToolOf(adapter: string, tool?: string): string {
  const inner = tool === undefined ? '' : oneLine(tool).trim();
  const key = inner === '' || inner === adapter ? adapter : `${adapter}/${inner}`;
  return truncateText(key, MAX_SOURCE_TOOL_LENGTH);
}
