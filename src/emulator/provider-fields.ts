import type { AwsSecurityFinding, FindingProviderFields, Severity } from '@aws-sdk/client-securityhub';

/** Top-level fields that have a `FindingProviderFields` twin (asff-facts §3). */
export const PROVIDER_FIELDS = ['Severity', 'Types', 'Confidence', 'Criticality', 'RelatedFindings'] as const;
type ProviderField = (typeof PROVIDER_FIELDS)[number];

const LABEL_TO_NORMALIZED: Readonly<Record<string, number>> = {
  INFORMATIONAL: 0,
  LOW: 1,
  MEDIUM: 40,
  HIGH: 70,
  CRITICAL: 90,
};

/** Normalized → Label as Security Hub maps it: 0, 1–39, 40–69, 70–89, 90–100. */
export function labelOfNormalized(normalized: number): string {
  if (normalized >= 90) return 'CRITICAL';
  if (normalized >= 70) return 'HIGH';
  if (normalized >= 40) return 'MEDIUM';
  if (normalized >= 1) return 'LOW';
  return 'INFORMATIONAL';
}

/** Fills whichever of Label / Normalized is missing, as Security Hub does. */
export function completeSeverity(severity: Severity): Severity {
  const out: Severity = { ...severity };
  if (out.Label === undefined && typeof out.Normalized === 'number') {
    out.Label = labelOfNormalized(out.Normalized) as Severity['Label'];
  }
  if (out.Normalized === undefined && out.Label !== undefined) {
    const normalized = LABEL_TO_NORMALIZED[out.Label];
    if (normalized !== undefined) out.Normalized = normalized;
  }
  return out;
}

function toProvider(field: ProviderField, value: unknown): unknown {
  if (field !== 'Severity') return structuredClone(value);
  // FindingProviderSeverity has only Label and Original.
  const severity = completeSeverity(value as Severity);
  const out: Record<string, unknown> = {};
  if (severity.Label !== undefined) out.Label = severity.Label;
  if (severity.Original !== undefined) out.Original = severity.Original;
  return out;
}

function toTopLevel(field: ProviderField, value: unknown): unknown {
  return field === 'Severity' ? completeSeverity(value as Severity) : structuredClone(value);
}

/**
 * Applies the FindingProviderFields rules of BatchImportFindings (asff-facts §3) to `next` in place.
 * New finding: a provider value wins and is copied to the top level; a top-level value alone is copied
 * into FindingProviderFields. Existing finding: both incoming values are used, but a top-level field a
 * customer changed with BatchUpdateFindings keeps the customer's value; a field sent in neither place
 * keeps its stored values.
 */
export function applyProviderFields(
  next: AwsSecurityFinding,
  stored: { finding: AwsSecurityFinding; customerChanged: ReadonlySet<string> } | undefined,
): void {
  const top = next as unknown as Record<string, unknown>;
  const incoming = (next.FindingProviderFields ?? {}) as Record<string, unknown>;
  const storedTop = stored?.finding as unknown as Record<string, unknown> | undefined;
  const storedProvider = (stored?.finding.FindingProviderFields ?? {}) as Record<string, unknown>;
  const provider: Record<string, unknown> = {};

  for (const field of PROVIDER_FIELDS) {
    const fromProvider = incoming[field];
    const fromTop = top[field];
    let providerValue: unknown;
    let topValue: unknown;
    if (fromProvider !== undefined) {
      providerValue = fromProvider;
      // New findings ignore a top-level value sent together with the provider value.
      topValue = stored !== undefined && fromTop !== undefined ? fromTop : toTopLevel(field, fromProvider);
    } else if (fromTop !== undefined) {
      providerValue = toProvider(field, fromTop);
      topValue = fromTop;
    } else {
      providerValue = storedProvider[field];
      topValue = storedTop?.[field];
    }
    if (stored?.customerChanged.has(field) === true) topValue = storedTop?.[field];

    if (providerValue !== undefined) provider[field] = providerValue;
    if (topValue === undefined) delete top[field];
    else top[field] = field === 'Severity' ? completeSeverity(topValue as Severity) : topValue;
  }

  if (Object.keys(provider).length > 0) next.FindingProviderFields = provider as FindingProviderFields;
  else delete next.FindingProviderFields;
}
