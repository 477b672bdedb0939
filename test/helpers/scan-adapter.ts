import { type Adapter, defineAdapter, type Finding } from '../../src/adapter.js';
import { ConverterError } from '../../src/errors.js';

/**
 * A tiny scanner format for lifecycle tests: a header `# scan NAME` (the scope hint), one finding key per
 * line (`key` or `key resolved`; `!` is an unreadable record, skipped with an issue), and a footer
 * `# end`. Input without the footer is truncated (`E_TRUNCATED`), like a scanner killed mid-write.
 */
export const scanAdapter: Adapter = defineAdapter({
  name: 'scan',
  meta: { description: 'lifecycle test format', extensions: ['scan'], identity: 'the key' },
  detect: ({ head }) => (head.startsWith('# scan ') ? 1 : 0),
  async *parse(input, ctx) {
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of input) text += decoder.decode(chunk, { stream: true });
    text += decoder.decode();
    const lines = text.split('\n').filter((line) => line !== '');
    const name = /^# scan (.+)$/.exec(lines[0] ?? '')?.[1];
    if (name === undefined) throw new ConverterError('E_FORMAT', 'no "# scan" header', { adapter: 'scan' });
    const complete = lines.at(-1) === '# end';
    const body = lines.slice(1, complete ? -1 : undefined);
    for (const [index, line] of body.entries()) {
      if (line === '!') {
        ctx.onIssue({ code: 'unreadable', message: 'unreadable record', recordIndex: index, skipped: true });
        continue;
      }
      const [key = '', state] = line.split(' ');
      const finding: Finding = {
        identity: [key],
        ruleId: `rule-${key}`,
        title: `Finding ${key}`,
        description: `Finding ${key} of scan ${name}`,
        severity: { label: key.startsWith('low') ? 'LOW' : 'HIGH', original: 'x' },
        types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
        resources: [{ Type: 'Other', Id: `resource-${key}` }],
        state: state === 'resolved' ? 'resolved' : 'active',
        scopeHint: name,
      };
      yield finding;
    }
    if (!complete)
      throw new ConverterError('E_TRUNCATED', 'the scan ended without "# end"', {
        adapter: 'scan',
        recordIndex: body.length,
      });
  },
});

/** The bytes of a scan with these keys; `truncated` leaves the footer out. */
export function scanInput(
  name: string,
  keys: readonly string[],
  options: { truncated?: boolean } = {},
): Uint8Array {
  const lines = [`# scan ${name}`, ...keys, ...(options.truncated === true ? [] : ['# end'])];
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

/** `count` keys `prefix-0000` … */
export function keys(count: number, prefix = 'k'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
}
