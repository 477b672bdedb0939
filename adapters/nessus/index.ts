import { defineAdapter } from '../../src/adapter.js';
import { ConverterError } from '../../src/errors.js';

/** Placeholder until the nessus adapter lands: claims nothing, refuses to parse. */
export default defineAdapter({
  name: 'nessus',
  meta: { description: 'nessus (not implemented yet)', extensions: [], identity: 'n/a' },
  detect: () => false,
  // biome-ignore lint/correctness/useYield: placeholder
  async *parse() {
    throw new ConverterError('E_FORMAT', 'the nessus adapter is not implemented yet', { adapter: 'nessus' });
  },
});
