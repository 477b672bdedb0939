import { describe, expect, it } from 'vitest';
import {
  asffPackage,
  keyValueLines,
  libraryFromFile,
  markdownSection,
  packageUrl,
  scaPackageOf,
} from '../../../adapters/sarif/packages.js';
import { compactRule } from '../../../adapters/sarif/rules.js';

describe('libraryFromFile (dependency-check names the scanned library file)', () => {
  it.each([
    ['/x/jquery-1.8.0.min.js', { Name: 'jquery', Version: '1.8.0', FilePath: '/x/jquery-1.8.0.min.js' }],
    [
      'lib/handlebars-1.0.0.js',
      { Name: 'handlebars', Version: '1.0.0', FilePath: 'lib/handlebars-1.0.0.js' },
    ],
    [
      'WEB-INF/lib/log4j-core-2.14.1.jar',
      { Name: 'log4j-core', Version: '2.14.1', FilePath: 'WEB-INF/lib/log4j-core-2.14.1.jar' },
    ],
    ['static/jquery.min.js', { Name: 'jquery', FilePath: 'static/jquery.min.js' }],
    [
      'bootstrap-4.3.1-beta.2.js',
      { Name: 'bootstrap', Version: '4.3.1-beta.2', FilePath: 'bootstrap-4.3.1-beta.2.js' },
    ],
  ])('%s', (path, expected) => {
    expect(libraryFromFile(path)).toEqual(expected);
  });

  it('gives nothing for files that are not libraries', () => {
    expect(libraryFromFile('pom.xml')).toBeUndefined();
    expect(libraryFromFile(undefined)).toBeUndefined();
  });
});

describe('packageUrl', () => {
  it('builds purls for known ecosystems only', () => {
    expect(packageUrl('maven', 'org.yaml:snakeyaml', '1.33')).toBe('pkg:maven/org.yaml/snakeyaml@1.33');
    expect(packageUrl('npm', '@babel/core', '7.0.0')).toBe('pkg:npm/%40babel/core@7.0.0');
    expect(packageUrl('pip', 'Django', '3.2')).toBe('pkg:pypi/Django@3.2');
    expect(packageUrl('dpkg', 'bash', '4.3')).toBeUndefined();
    expect(packageUrl('dpkg', 'bash', '4.3-14ubuntu1.4', ' ubuntu:16.04')).toBe(
      'pkg:deb/ubuntu/bash@4.3-14ubuntu1.4?distro=ubuntu-16.04',
    );
    expect(packageUrl('rpm', 'glibc', '2.17-317.el7', 'rhel:7')).toBe(
      'pkg:rpm/rhel/glibc@2.17-317.el7?distro=rhel-7',
    );
    expect(packageUrl('java-archive', 'x', '1', 'nvd')).toBeUndefined();
    expect(packageUrl(undefined, 'x', '1')).toBeUndefined();
  });
});

describe('markdownSection', () => {
  const help =
    '# Overview\nText.\n# Remediation\nUpgrade `a` to version **2.0** or higher.\n# References\n- [x](https://x)';

  it('returns the plain text under the heading, up to the next heading', () => {
    expect(markdownSection(help, /^remediation$/i)).toBe('Upgrade a to version 2.0 or higher.');
    expect(markdownSection(help, /^missing$/i)).toBeUndefined();
    expect(markdownSection('no headings', /^remediation$/i)).toBeUndefined();
  });
});

describe('scaPackageOf', () => {
  it('reads Key: value lines from the message first, then the rule help; "None" and empty are no value', () => {
    const rule = compactRule({
      id: 'r',
      help: { text: 'Package: zlib\nVersion: 1.2\nFix Version: None\nType: dpkg\nLocation: pkgdb' },
    });
    expect(scaPackageOf('Anchore', 'Package: zlib1g', rule, 'Dockerfile')).toEqual({
      pkg: { Name: 'zlib1g', Version: '1.2', PackageManager: 'dpkg', FilePath: 'pkgdb' },
    });
    expect(keyValueLines('Fixed Version: \nPackage: a').get('fixed version')).toBe('');
  });

  it('reads Snyk coordinates, package manager and the fix from the Remediation section', () => {
    const rule = compactRule({
      id: 'SNYK-JAVA-X-1',
      fullDescription: { text: '(CVE-2020-1) g:a@1.0' },
      help: {
        markdown: '* Package Manager: maven\n# Remediation\nUpgrade `g:a` to version 1.1, 2.0 or higher.',
      },
    });
    expect(scaPackageOf('Snyk Open Source', undefined, rule, 'pom.xml')).toEqual({
      pkg: {
        Name: 'g:a',
        Version: '1.0',
        FixedInVersion: '1.1',
        PackageManager: 'maven',
        FilePath: 'pom.xml',
      },
      purl: 'pkg:maven/g/a@1.0',
      advice: 'Upgrade g:a to version 1.1, 2.0 or higher.',
    });
  });
});

describe('asffPackage', () => {
  it('splits dpkg and rpm versions into Epoch, Version and Release; other ecosystems keep theirs whole', () => {
    expect(
      asffPackage({
        pkg: { Name: 'bash', Version: '4.3-14ubuntu1.4', PackageManager: 'dpkg', FilePath: 'pkgdb' },
      }),
    ).toEqual({
      Name: 'bash',
      Version: '4.3',
      Release: '14ubuntu1.4',
      PackageManager: 'dpkg',
      FilePath: 'pkgdb',
    });
    expect(asffPackage({ pkg: { Name: 'glibc', Version: '2:2.17-317.el7', PackageManager: 'rpm' } })).toEqual(
      {
        Name: 'glibc',
        Epoch: '2',
        Version: '2.17',
        Release: '317.el7',
        PackageManager: 'rpm',
      },
    );
    expect(asffPackage({ pkg: { Name: 'x', Version: '1:2-3' }, purl: 'pkg:deb/debian/x@1:2-3' })).toEqual({
      Name: 'x',
      Epoch: '1',
      Version: '2',
      Release: '3',
    });
    const npm = { Name: 'lodash', Version: '4.17.15-rc1', PackageManager: 'npm' };
    expect(asffPackage({ pkg: npm })).toBe(npm);
  });
});
