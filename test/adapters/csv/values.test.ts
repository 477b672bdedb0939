import { describe, expect, it } from 'vitest';
import {
  cellValue,
  parseIsoTimestamp,
  parsePort,
  parseScore,
  parseVector,
  parseYesNo,
  severityFromCell,
  urlsIn,
  vulnerabilityIds,
} from '../../../adapters/csv/values.js';

describe('cell values', () => {
  it.each([
    ['  text  ', 'text'],
    ['N/A', ''],
    ["'-", ''],
    ['-', ''],
    ['null', ''],
    ['None', 'None'],
    ['nullable', 'nullable'],
    ['\u00a0n/a\u3000', ''],
    ['\tNULL\r\n', ''],
    ['é\u2003', 'é'],
    ['x\u00a0', 'x'],
    ['\ufeffCVE-2021-1', 'CVE-2021-1'],
    ['a b', 'a b'],
    ['Null', ''],
    ['-1', '-1'],
  ])('cellValue(%j) = %j', (raw, value) => {
    expect(cellValue(raw)).toBe(value);
  });

  it.each([
    ['CVE-2021-31192, CVE-2021-31188', ['CVE-2021-31192', 'CVE-2021-31188']],
    ['cve-2013-2566\nCVE-2015-2808', ['CVE-2013-2566', 'CVE-2015-2808']],
    ['2022-31159', ['CVE-2022-31159']],
    ['GHSA-JFH8-C2JP-5V3Q', ['GHSA-jfh8-c2jp-5v3q']],
    ['1.3.6.1.4.1.25623.1.0.117274', []],
    ['see 2022-31159', []],
  ])('vulnerabilityIds(%j)', (cell, ids) => {
    expect(vulnerabilityIds(cell)).toEqual(ids);
  });

  it.each([
    ['7.5', 10, 7.5],
    ['8.1 (AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H)', 10, 8.1],
    ['7,5', 10, 7.5],
    ['50', 10, undefined],
    ['0.9438', 1, 0.9438],
    ['3833', 1, undefined],
    ['high', 10, undefined],
    ['', 10, undefined],
  ])('parseScore(%j, %d) = %s', (cell, max, score) => {
    expect(parseScore(cell, max)).toBe(score);
  });

  it.each([
    ['8.1 (AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H)', 'AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H'],
    ['CVSS2#AV:N/AC:H/Au:S/C:N/I:P/A:N', 'CVSS2#AV:N/AC:H/Au:S/C:N/I:P/A:N'],
    ['7.5', undefined],
    ['see the vendor', undefined],
  ])('parseVector(%j)', (cell, vector) => {
    expect(parseVector(cell)).toBe(vector);
  });

  it.each([
    ['443', 443],
    ['TCP/8080', 8080],
    ['443/tcp', 443],
    ['0', undefined],
    ['TCP/0', undefined],
    ['general/tcp', undefined],
    ['70000', undefined],
    ['', undefined],
  ])('parsePort(%j) = %s', (cell, port) => {
    expect(parsePort(cell)).toBe(port);
  });

  it.each([
    ['2023-06-28T11:50:44.895Z', '2023-06-28T11:50:44.895Z'],
    ['2021-09-28T15:07:10.3988407Z', '2021-09-28T15:07:10.398Z'],
    ['2024-05-02T10:00:00+02:00', '2024-05-02T08:00:00.000Z'],
    ['2024-05-02 10:00:00Z', '2024-05-02T10:00:00.000Z'],
    ['2024-05-02', undefined],
    ['2024-05-02T10:00:00', undefined],
    ['05/13/2021 07:08:28', undefined],
    ['Jan 5, 2021 10:24:08 MST', undefined],
  ])('parseIsoTimestamp(%j) = %s', (cell, iso) => {
    expect(parseIsoTimestamp(cell)).toBe(iso);
  });

  it('reads yes/no cells and finds URLs', () => {
    expect(['Yes', 'TRUE', 'no', 'false', 'maybe'].map(parseYesNo)).toEqual([
      'YES',
      'YES',
      'NO',
      'NO',
      undefined,
    ]);
    expect(urlsIn('http://www.nessus.org/u?df5555f5\n https://sweet32.info, ftp://x')).toEqual([
      'http://www.nessus.org/u?df5555f5',
      'https://sweet32.info',
    ]);
  });

  it.each([
    ['High', 'label', 'HIGH'],
    ['None', 'nessus', 'INFORMATIONAL'],
    ['moderate', 'label', 'MEDIUM'],
    ['Negligible', 'label', 'INFORMATIONAL'],
    ['3', 'nessus', 'HIGH'],
    ['4', 'nessus', 'CRITICAL'],
    ['5', 'nessus', undefined],
    ['1', 'qualys', 'INFORMATIONAL'],
    ['2', 'qualys', 'LOW'],
    ['5', 'qualys', 'CRITICAL'],
    ['0', 'qualys', undefined],
    ['9.8', 'cvss', 'CRITICAL'],
    ['4', 'label', undefined],
    ['bogus', 'nessus', undefined],
  ] as const)('severityFromCell(%j, %s) = %s', (cell, scale, label) => {
    expect(severityFromCell(cell, scale)).toBe(label);
  });
});
