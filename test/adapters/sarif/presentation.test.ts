import { describe, expect, it } from 'vitest';
import { createRun } from '../../../adapters/sarif/context.js';
import { DuplicateCounter } from '../../../adapters/sarif/identity.js';
import {
  adviceFromHelp,
  distinguish,
  helpLinks,
  imageResource,
  isToolHomepage,
  shortText,
  titlePlace,
  vulnerabilityName,
} from '../../../adapters/sarif/presentation.js';
import { compactRule } from '../../../adapters/sarif/rules.js';
import type { Finding } from '../../../src/adapter.js';

describe('titles', () => {
  it('shortText: first line, first sentence of wrapped or long text, no Snyk severity prefix or final period', () => {
    expect(shortText('Reliance on default encoding.')).toBe('Reliance on default encoding');
    expect(shortText('High severity - RBAC is disabled')).toBe('RBAC is disabled');
    expect(shortText('Using CBC with padding is weak. A malicious actor\ncould tell.')).toBe(
      'Using CBC with padding is weak',
    );
    expect(shortText('Disallow the use of eval()')).toBe('Disallow the use of eval()');
  });

  it('titlePlace: path:line, long paths keep their end', () => {
    expect(titlePlace({ path: 'a/b.js', startLine: 3 })).toBe('a/b.js:3');
    expect(titlePlace({ logical: 'main()' })).toBe('main()');
    expect(titlePlace(undefined)).toBeUndefined();
    const long = `${'very/deep/'.repeat(12)}File.java`;
    const place = titlePlace({ path: long, startLine: 59 })!;
    expect(place.length).toBeLessThanOrEqual(90);
    expect(place).toMatch(/^…\/.*\/File\.java:59$/);
  });

  it('vulnerabilityName: a human name of its own, not a generated text with the id or the package', () => {
    const name = (short: string, full?: string) =>
      vulnerabilityName(
        compactRule({
          id: 'x',
          shortDescription: { text: short },
          ...(full && { fullDescription: { text: full } }),
        }),
        'CVE-1',
      );
    expect(name('openssl: information disclosure in fork()')).toBe(
      'openssl: information disclosure in fork()',
    );
    expect(name('High severity - Denial of Service (DoS) vulnerability in a:b')).toBe(
      'Denial of Service (DoS)',
    );
    expect(
      name('CVE-1 Severity=Low Package=bash-4.3', 'CVE-1 Severity=Low Package=bash-4.3'),
    ).toBeUndefined();
    expect(name('CVE-1 Package: openssl', 'openssl: something.')).toBe('openssl: something');
  });
});

describe('advice and references', () => {
  it('adviceFromHelp: an advice section, or help that adds to the description, never a page or a repeat', () => {
    expect(adviceFromHelp(undefined, '# T\nabout\n## Recommendation\nDo `x`.', 'd', 'T')).toBe('Do x.');
    expect(adviceFromHelp(undefined, '# T\nabout\n## Example\ncode', 'd', 'T')).toBeUndefined();
    expect(adviceFromHelp(undefined, 'Same   text.', 'Message\n\nsame text.', 'Rule')).toBeUndefined();
    expect(adviceFromHelp(undefined, 'Ensure X\nResource: a.b', 'msg', 'Ensure X')).toBeUndefined();
    expect(
      adviceFromHelp(
        undefined,
        'Use Y.\n💎 Enable cross-file analysis and Pro rules for free at sg.run/pro',
        'm',
        'R',
      ),
    ).toBe('Use Y.');
  });

  it('helpLinks: markdown and bare Link: lines', () => {
    expect(helpLinks('Severity: Low\nLink: [CVE-1](https://nvd/x)\nLink: https://y/z')).toEqual([
      'https://nvd/x',
      'https://y/z',
    ]);
    expect(helpLinks(undefined)).toEqual([]);
  });

  it('isToolHomepage: informationUri, site roots and bare GitHub repositories, not advisories', () => {
    const run = createRun(0, {});
    run.tool.driver.informationUri = 'https://jeremylong.github.io/DependencyCheck/';
    expect(isToolHomepage('https://jeremylong.github.io/DependencyCheck', run)).toBe(true);
    expect(isToolHomepage('https://github.com/anchore/grype', run)).toBe(true);
    expect(isToolHomepage('https://checkov.io/', run)).toBe(true);
    expect(isToolHomepage('https://github.com/advisories/GHSA-599f-7c49-w659', run)).toBe(false);
    expect(isToolHomepage('https://avd.aquasec.com/nvd/cve-2019-1549', run)).toBe(false);
  });
});

describe('imageResource', () => {
  it('lays the image out as the Trivy JSON adapter does: ImageName the first tag, the digest in Details.Other', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(
      imageResource({ name: 'img', id: 'sha256:id', tags: ['img:1'], digests: [`img@${digest}`] }),
    ).toEqual({
      Type: 'Container',
      Id: 'img',
      Details: {
        Container: { Name: 'img', ImageName: 'img:1', ImageId: 'sha256:id' },
        Other: { ImageDigest: digest },
      },
    });
    expect(imageResource({ name: 'img.tar', tags: [], digests: [] }).Details).toEqual({
      Container: { Name: 'img.tar', ImageName: 'img.tar' },
    });
    const long = `registry.example.com/${'x'.repeat(200)}:v1`;
    expect(imageResource({ name: long, tags: [], digests: [] }).Details?.Container?.ImageName).toBe(
      `…${long.slice(-127)}`,
    );
  });
});

describe('distinguish', () => {
  const finding = (title: string, description: string, ruleId = 'Tool/a.b.rule'): Finding => ({
    identity: [],
    ruleId,
    title,
    description,
    severity: { label: 'LOW', original: 'x' },
    types: [],
    resources: [{ Type: 'Other', Id: 'f.js' }],
    state: 'active',
  });

  it('leaves the first alone, then adds the message, the rule id or an occurrence number', () => {
    const shown = new DuplicateCounter();
    const first = finding('R at f.js:1', 'one.');
    const second = finding('R at f.js:1', 'two.');
    const third = finding('R at f.js:1', 'R at f.js:1', 'Tool/a.b.other');
    const repeat = finding('R at f.js:1', 'one.');
    distinguish(first, shown, undefined);
    distinguish(second, shown, undefined);
    distinguish(third, shown, undefined);
    distinguish(repeat, shown, 2);
    expect([first.title, second.title, third.title, repeat.title]).toEqual([
      'R at f.js:1',
      'R at f.js:1 — two',
      'R at f.js:1 — other',
      'R at f.js:1 (occurrence 2)',
    ]);
  });
});
