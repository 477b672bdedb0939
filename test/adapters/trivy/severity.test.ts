import { describe, expect, it } from 'vitest';
import { cvssList, recordSeverity, vulnerabilitySeverity } from '../../../adapters/trivy/severity.js';

describe('vulnerabilitySeverity', () => {
  it.each([
    ['CRITICAL', {}, 'CRITICAL', 'trivy'],
    ['HIGH', {}, 'HIGH', 'trivy'],
    ['MEDIUM', {}, 'MEDIUM', 'trivy'],
    ['LOW', { nvd: { V3Score: 9.8 } }, 'LOW', 'trivy'],
    // UNKNOWN: the SeveritySource vendor's CVSS first, v4.0 before v3 before v2 …
    [
      'UNKNOWN',
      { ghsa: { V40Score: 9.3, V3Score: 5 }, nvd: { V3Score: 2 } },
      'CRITICAL',
      'cvss:ghsa:V40Score',
    ],
    ['UNKNOWN', { ghsa: { V3Score: 7.5, V2Score: 2 }, nvd: { V3Score: 2 } }, 'HIGH', 'cvss:ghsa:V3Score'],
    ['UNKNOWN', { ghsa: { V2Score: 4.3 } }, 'MEDIUM', 'cvss:ghsa:V2Score'],
    // … then NVD's …
    ['UNKNOWN', { redhat: { V3Score: 9 }, nvd: { V2Score: 3.1 } }, 'LOW', 'cvss:nvd:V2Score'],
    // … else INFORMATIONAL.
    ['UNKNOWN', { redhat: { V3Score: 9 } }, 'INFORMATIONAL', 'default'],
    ['UNKNOWN', undefined, 'INFORMATIONAL', 'default'],
    [undefined, { nvd: { V3Score: 5.3 } }, 'MEDIUM', 'cvss:nvd:V3Score'],
    ['UNKNOWN', { ghsa: { V3Score: 0 } }, 'INFORMATIONAL', 'cvss:ghsa:V3Score'],
  ])('Severity %s with CVSS %j → %s (%s)', (word, cvss, label, basis) => {
    const decided = vulnerabilitySeverity({ Severity: word, SeveritySource: 'ghsa', CVSS: cvss });
    expect(decided.severity.label).toBe(label);
    expect(decided.severity.original).toBe(word ?? 'UNKNOWN');
    expect(decided.basis).toBe(basis);
  });

  it('UNKNOWN: the word of the vendor Trivy names in SeveritySource comes before any CVSS score', () => {
    const decided = vulnerabilitySeverity({
      Severity: 'UNKNOWN',
      SeveritySource: 'redhat',
      VendorSeverity: { redhat: 3, nvd: 1 },
      CVSS: { redhat: { V3Score: 5.5 } },
    });
    expect(decided).toEqual({ severity: { label: 'HIGH', original: 'UNKNOWN' }, basis: 'vendor:redhat' });
    // A vendor that itself says UNKNOWN (0) decides nothing.
    const unknown = vulnerabilitySeverity({
      Severity: 'UNKNOWN',
      SeveritySource: 'redhat',
      VendorSeverity: { redhat: 0 },
      CVSS: { redhat: { V3Score: 5.5 } },
    });
    expect(unknown.basis).toBe('cvss:redhat:V3Score');
  });

  it('ignores the VendorSeverity map: Trivy already chose (severity_prio.json: LOW wins over vendor MEDIUM)', () => {
    const decided = vulnerabilitySeverity({ Severity: 'LOW', VendorSeverity: { nvd: 2, ubuntu: 2 } });
    expect(decided.severity.label).toBe('LOW');
  });
});

describe('recordSeverity', () => {
  it.each([
    ['CRITICAL', 'CRITICAL'],
    ['high', 'HIGH'],
    ['UNKNOWN', 'INFORMATIONAL'],
    [undefined, 'INFORMATIONAL'],
    ['whatever', 'INFORMATIONAL'],
  ])('%s → %s', (word, label) => {
    expect(recordSeverity(word).severity.label).toBe(label);
  });
});

describe('cvssList', () => {
  it('emits one entry per source (by name) and version, skipping empty ones', () => {
    expect(
      cvssList({
        CVSS: {
          nvd: { V2Score: 5, V3Vector: 'CVSS:3.0/AV:N', V3Score: 7.5 },
          bitnami: { V3Score: 6.1 },
          empty: {},
          broken: 'x',
        },
      }),
    ).toEqual([
      { Version: '3.x', BaseScore: 6.1, Source: 'bitnami' },
      { Version: '2.0', BaseScore: 5, Source: 'nvd' },
      { Version: '3.0', BaseScore: 7.5, BaseVector: 'CVSS:3.0/AV:N', Source: 'nvd' },
    ]);
    expect(cvssList({})).toEqual([]);
  });
});
