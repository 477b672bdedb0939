import { describe, expect, it } from 'vitest';
import { splitPackageVersion, versionSchemeOfPurl } from '../../src/asff/package-version.js';

describe('splitPackageVersion', () => {
  it.each([
    ['1:2.41-5', 'dpkg', { Epoch: '1', Version: '2.41', Release: '5' }],
    ['7.64.0-4+deb10u1', 'dpkg', { Version: '7.64.0', Release: '4+deb10u1' }],
    ['2:8.1.2269-1ubuntu5.21', 'dpkg', { Epoch: '2', Version: '8.1.2269', Release: '1ubuntu5.21' }],
    // A Debian upstream version may itself contain '-': the revision is what follows the last one.
    ['1:1.2.3-beta-4', 'dpkg', { Epoch: '1', Version: '1.2.3-beta', Release: '4' }],
    // A native package has no revision.
    ['3.0.3', 'dpkg', { Version: '3.0.3' }],
    ['1:9.11', 'dpkg', { Epoch: '1', Version: '9.11' }],
    ['2.17-317.el7', 'rpm', { Version: '2.17', Release: '317.el7' }],
    ['1:1.0.2k-19.amzn2.0.4', 'rpm', { Epoch: '1', Version: '1.0.2k', Release: '19.amzn2.0.4' }],
    ['1.0-', 'rpm', { Version: '1.0-' }],
    ['-1', 'rpm', { Version: '-1' }],
    // Language ecosystems: a semver pre-release is one version.
    ['1.0.0-rc.1', undefined, { Version: '1.0.0-rc.1' }],
    ['3.1.4-r2', undefined, { Version: '3.1.4-r2' }],
  ] as const)('%s (%s)', (version, scheme, parts) => {
    expect(splitPackageVersion(version, scheme)).toEqual(parts);
  });
});

describe('versionSchemeOfPurl', () => {
  it('knows deb and rpm package URLs only', () => {
    expect(versionSchemeOfPurl('pkg:deb/debian/bsdutils@2.41-5?arch=amd64&epoch=1')).toBe('dpkg');
    expect(versionSchemeOfPurl('pkg:rpm/amazon/openssl@1.0.2k-19.amzn2.0.4?epoch=1')).toBe('rpm');
    expect(versionSchemeOfPurl('pkg:apk/alpine/musl@1.1.22-r3')).toBeUndefined();
    expect(versionSchemeOfPurl('pkg:npm/lodash@4.17.20')).toBeUndefined();
    expect(versionSchemeOfPurl('not-a-purl')).toBeUndefined();
    expect(versionSchemeOfPurl(undefined)).toBeUndefined();
  });
});
