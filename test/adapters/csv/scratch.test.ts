import { it } from 'vitest';
import { corpusFile } from '../../helpers/corpus.js';
import { convertAll } from '../../helpers/asff.js';
it('scratch', async () => {
  for (const [name, n] of [['heimdall2__prismacloud_sample.csv', 1], ['defectdojo__nessus-template.csv', 1], ['defectdojo__Qualys_Sample_Report.csv', 1], ['defectdojo__wiz-multiple_findings.csv', 1]] as const) {
    const issues: unknown[] = [];
    const { findings } = await convertAll(corpusFile('csv', name), { format: 'csv', onIssue: (i) => issues.push(i) });
    console.log(name, JSON.stringify(issues.filter((i: any) => i.code !== 'field-truncated' || name.includes('wiz')).slice(0, 6)));
    for (const f of findings.slice(0, n)) console.log(JSON.stringify(f, null, 1).slice(0, 5000));
  }
});
