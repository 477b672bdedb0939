import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import type { SeverityLabel } from '../adapter.js';
import { isAtLeast } from '../severity.js';

/** Counts the active findings at or above the `--fail-on` threshold (none when no threshold is set). */
export class FailOnCounter {
  count = 0;
  readonly threshold: SeverityLabel | undefined;

  constructor(threshold: SeverityLabel | undefined) {
    this.threshold = threshold;
  }

  observe(finding: AwsSecurityFinding): void {
    if (this.threshold === undefined || finding.RecordState !== 'ACTIVE') return;
    const label = finding.FindingProviderFields?.Severity?.Label;
    if (label !== undefined && isAtLeast(label, this.threshold)) this.count++;
  }

  /** `3 active findings at HIGH or above (--fail-on)`. */
  describe(): string {
    return `${this.count} active finding${this.count === 1 ? '' : 's'} at ${this.threshold} or above (--fail-on)`;
  }
}
