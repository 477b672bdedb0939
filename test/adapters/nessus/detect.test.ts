import { describe, expect, it } from 'vitest';
import nessus from '../../../adapters/nessus/index.js';

const V2 = '<NessusClientData_v2>\n<Policy><policyName>x</policyName>';

describe('nessus detect', () => {
  it.each([
    ['a bare NessusClientData_v2 root', V2, undefined, 0.95],
    ['an XML declaration first', `<?xml version="1.0" ?>\n${V2}`, undefined, 0.95],
    [
      'declaration, comments and a DOCTYPE first',
      `<?xml version="1.0"?><!-- a -->\n<!-- b -->${V2}`,
      undefined,
      0.95,
    ],
    ['a DOCTYPE with an internal subset first', `<!DOCTYPE x [ <!ENTITY a "b"> ]>${V2}`, undefined, 0.95],
    ['a BOM first', `\uFEFF${V2}`, undefined, 0.95],
    ['the root after unrecognised leading text', `junk <x/> <NessusClientData_v2>`, undefined, 0.9],
    ['a Nessus v1 root', '<?xml version="1.0" ?>\n<NessusClientData><Targets>', undefined, 0.6],
    ['a wrong NessusClientData root', '<?xml version="1.0" ?>\n<NessusClientData_vwrong>\n', undefined, 0.6],
    ['a ZIP named .nessus', 'PK\u0003\u0004\u0014\u0000docProps/app.xml', 'scan.nessus', 0.5],
    ['a ZIP with another name', 'PK\u0003\u0004\u0014\u0000docProps/app.xml', 'scan.xlsx', 0],
    ['any other file named .nessus', '{"SchemaVersion": 2}', 'report.NESSUS', 0.1],
    ['SARIF JSON', '{"version":"2.1.0","runs":[]}', 'out.sarif', 0],
    ['another XML document', '<?xml version="1.0"?><html><body/></html>', 'page.xml', 0],
    ['an empty sample', '', undefined, 0],
  ])('scores %s', (_name, head, filename, expected) => {
    expect(nessus.detect(filename === undefined ? { head } : { head, filename })).toBe(expected);
  });

  it('ranks a real v2 root above the extension-only hint', () => {
    const root = Number(nessus.detect({ head: V2, filename: 'x.xml' }));
    const hint = Number(nessus.detect({ head: 'not xml at all', filename: 'x.nessus' }));
    expect(root).toBeGreaterThan(hint);
  });
});
