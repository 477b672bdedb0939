import { describe, expect, it } from 'vitest';
import {
  type LocationTables,
  lateNeeds,
  readUriBases,
  resolveArtifactLocation,
  resolveLocation,
  resolvePath,
} from '../../../adapters/sarif/locations.js';

const bases = readUriBases({
  REPO: { uri: 'file:///home/runner/work/app/app/' },
  SRC: { uri: 'src/', uriBaseId: 'REPO' },
  LIB: { uri: 'vendor/lib', uriBaseId: 'SRC' },
  ABS_ONLY: { uri: '/opt/build/' },
  A: { uri: 'a/', uriBaseId: 'B' },
  B: { uri: 'b/', uriBaseId: 'A' },
});

describe('resolvePath', () => {
  it.each([
    ['relative, no base', 'src/app.ts', undefined, 'src/app.ts'],
    ['relative with ./ and ..', './src/../lib/x.ts', undefined, 'lib/x.ts'],
    ['leading ../ kept (KICS)', '../../playbooks/site.yml', undefined, '../../playbooks/site.yml'],
    ['base with an absolute root stays relative', 'app.ts', 'REPO', 'app.ts'],
    ['relative base chain', 'io/read.c', 'SRC', 'src/io/read.c'],
    ['two-level relative chain', 'zlib.c', 'LIB', 'src/vendor/lib/zlib.c'],
    ['absolute-path base stays relative', 'x.c', 'ABS_ONLY', 'x.c'],
    ['looping bases stop', 'x.c', 'A', 'b/a/x.c'],
    ['undefined base', 'x.c', '%SRCROOT%', 'x.c'],
    ['percent-encoded', 'my%20file%2B1.c', undefined, 'my file+1.c'],
    ['bad percent-encoding kept', 'bad%zzname.c', undefined, 'bad%zzname.c'],
    ['backslashes', 'src\\win\\app.cs', undefined, 'src/win/app.cs'],
    ['file:/// URI', 'file:///Users/dev/app/src/a.js', undefined, '/Users/dev/app/src/a.js'],
    ['file:////  (dependency-check)', 'file:////src/.venv/x.js', undefined, '/src/.venv/x.js'],
    ['file:/ (Polyspace)', 'file:/example/pi.c', undefined, '/example/pi.c'],
    ['file:///C:/ Windows drive', 'file:///C:/build/a.c', undefined, 'C:/build/a.c'],
    ['file://localhost/', 'file://localhost/etc/x', undefined, '/etc/x'],
    ['file://server/ UNC', 'file://server/share/x.c', undefined, '//server/share/x.c'],
    ['encoded file URI', 'file:///tmp/my%20dir/a.c', undefined, '/tmp/my dir/a.c'],
    ['https URI kept', 'https://example.com/a.js', undefined, 'https://example.com/a.js'],
    ['absolute URI ignores its base', 'file:///x/y.c', 'SRC', '/x/y.c'],
  ])('%s', (_name, uri, base, expected) => {
    expect(resolvePath(uri, base, bases)).toBe(expected);
  });
});

const tables: LocationTables = {
  artifacts: [{ uri: 'file:/work/a.c' }, { uri: 'b.c', uriBaseId: 'SRC' }, undefined],
  originalUriBaseIds: bases,
  logicalLocations: [{ fullyQualifiedName: 'ns::f()', name: 'f' }, { name: 'layer' }],
};

describe('resolveArtifactLocation', () => {
  it.each([
    ['uri wins over index', { uri: 'z.c', index: 0 }, { path: 'z.c' }],
    ['index only', { index: 0 }, { path: '/work/a.c' }],
    ['index with the artifact base', { index: 1 }, { path: 'src/b.c', uriBaseId: 'SRC' }],
    ['index past the table', { index: 9 }, { problem: 'artifactLocation.index 9 is not in run.artifacts' }],
    ['index on a hole', { index: 2 }, { problem: 'artifactLocation.index 2 is not in run.artifacts' }],
    ['nothing', {}, {}],
    ['not an object', 'a.c', {}],
  ])('%s', (_name, artifactLocation, expected) => {
    expect(resolveArtifactLocation(artifactLocation, tables)).toEqual(expected);
  });
});

describe('resolveLocation', () => {
  it('reads the region, the snippet and the logical location', () => {
    expect(
      resolveLocation(
        {
          physicalLocation: {
            artifactLocation: { uri: 'a.c', uriBaseId: 'SRC' },
            region: { startLine: 4, startColumn: 2, endColumn: 9, snippet: { text: 'memcpy(a, b, n);' } },
          },
          logicalLocations: [{ index: 0 }],
        },
        tables,
      ),
    ).toEqual({
      path: 'src/a.c',
      uriBaseId: 'SRC',
      startLine: 4,
      endLine: 4,
      startColumn: 2,
      endColumn: 9,
      snippet: 'memcpy(a, b, n);',
      logical: 'ns::f()',
    });
  });

  it.each([
    ['an own name wins over the table', [{ name: 'own', index: 0 }], 'own'],
    ['a name-only table entry', [{ index: 1 }], 'layer'],
    ['the first usable entry', ['junk', { index: 7 }, { fullyQualifiedName: 'x::y' }], 'x::y'],
  ])('logical location: %s', (_name, logicalLocations, expected) => {
    expect(resolveLocation({ logicalLocations }, tables).logical).toBe(expected);
  });

  it('ignores regions without a usable start line', () => {
    expect(
      resolveLocation(
        { physicalLocation: { artifactLocation: { uri: 'a' }, region: { byteOffset: 10, startLine: 0 } } },
        tables,
      ),
    ).toEqual({ path: 'a' });
  });
});

describe('lateNeeds', () => {
  it('flags index-only references to run tables', () => {
    expect(
      lateNeeds({
        locations: [
          { physicalLocation: { artifactLocation: { index: 1 } }, logicalLocations: [{ index: 0 }] },
        ],
        taxa: [{ index: 2 }],
      }),
    ).toEqual({ artifacts: true, logicalLocations: true, taxonomies: true });
    expect(lateNeeds({ analysisTarget: { index: 0 } }).artifacts).toBe(true);
  });

  it('does not flag references that carry their own uri, name or id', () => {
    expect(
      lateNeeds({
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: 'a.c', index: 1 } },
            logicalLocations: [{ name: 'f', index: 0 }],
          },
        ],
        taxa: [{ id: 'CWE-79', index: 2 }],
      }),
    ).toEqual({ artifacts: false, logicalLocations: false, taxonomies: false });
  });
});
