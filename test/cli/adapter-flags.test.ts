import { describe, expect, it } from 'vitest';
import { type Adapter, type AdapterOption, defineAdapter } from '../../src/adapter.js';
import {
  AdapterFlags,
  adapterModulePaths,
  customAdaptersHelp,
  withAdapterHelp,
} from '../../src/cli/adapter-flags.js';
import { isConverterError } from '../../src/errors.js';

function adapter(name: string, options: AdapterOption[]): Adapter {
  return defineAdapter({
    name,
    meta: { description: name, extensions: [], identity: 'x', options },
    detect: () => 0,
    async *parse() {},
  });
}

const COMMAND = { scope: { type: 'string' }, quiet: { type: 'boolean' } } as const;

function refusal(make: () => unknown): string {
  try {
    make();
  } catch (error) {
    if (isConverterError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('AdapterFlags', () => {
  it('makes a flag of each declared option, kebab-case by default, and gives values by option name', () => {
    const flags = new AdapterFlags(
      [
        adapter('a', [
          { name: 'includeLicenses', type: 'boolean', description: 'licenses too' },
          { name: 'limit', type: 'number', description: 'at most N', valueName: 'N' },
        ]),
        adapter('b', [
          { name: 'mapFile', flag: 'b-map', type: 'string', description: 'a map', valueName: 'FILE' },
        ]),
      ],
      COMMAND,
    );
    expect(flags.spec()).toEqual({
      'include-licenses': { type: 'boolean' },
      limit: { type: 'string' },
      'b-map': { type: 'string' },
    });
    expect(flags.values({ 'include-licenses': true, limit: '25', 'b-map': 'm.json', scope: 'x' })).toEqual({
      includeLicenses: true,
      limit: 25,
      mapFile: 'm.json',
    });
    expect(flags.values({})).toEqual({});
    expect(flags.help()).toBe(
      [
        '',
        '',
        'Adapter options:',
        '  --include-licenses    a: licenses too',
        '  --limit N             a: at most N',
        '  --b-map FILE          b: a map',
      ].join('\n'),
    );
  });

  it('gives one flag declared by two adapters of the same type to both, and lists both in help', () => {
    const flags = new AdapterFlags(
      [
        adapter('a', [{ name: 'target', type: 'string', description: 'a target' }]),
        adapter('b', [{ name: 'bTarget', flag: 'target', type: 'string', description: 'b target' }]),
      ],
      COMMAND,
    );
    expect(flags.values({ target: 'img' })).toEqual({ target: 'img', bTarget: 'img' });
    expect(flags.help()).toContain(
      '  --target VALUE        a: a target\n                        b: b target',
    );
  });

  it('refuses a flag that shadows a command flag, a type clash, a bad name or type, and a non-number', () => {
    expect(
      refusal(
        () => new AdapterFlags([adapter('a', [{ name: 'scope', type: 'string', description: '' }])], COMMAND),
      ),
    ).toMatch(/adapter a: option scope: --scope is a flag of the command itself/);
    expect(
      refusal(
        () =>
          new AdapterFlags(
            [
              adapter('a', [{ name: 'x', type: 'string', description: '' }]),
              adapter('b', [{ name: 'x', type: 'boolean', description: '' }]),
            ],
            COMMAND,
          ),
      ),
    ).toMatch(/adapter b: option x: --x is a string flag of another adapter, not a boolean/);
    expect(
      refusal(
        () =>
          new AdapterFlags(
            [adapter('a', [{ name: 'x', flag: 'X Y', type: 'string', description: '' }])],
            COMMAND,
          ),
      ),
    ).toMatch(/not a kebab-case flag name/);
    expect(
      refusal(
        () =>
          new AdapterFlags(
            [adapter('a', [{ name: 'x', type: 'json' as 'string', description: '' }])],
            COMMAND,
          ),
      ),
    ).toMatch(/type "json" is not boolean, string or number/);
    const flags = new AdapterFlags(
      [adapter('a', [{ name: 'limit', type: 'number', description: '' }])],
      COMMAND,
    );
    expect(refusal(() => flags.values({ limit: 'ten' }))).toMatch(/^--limit "ten": expected a number/);
    expect(refusal(() => flags.values({ limit: '' }))).toMatch(/^--limit "": expected a number/);
  });

  it('has no help section when no adapter declares an option', () => {
    expect(new AdapterFlags([adapter('a', [])], COMMAND).help()).toBe('');
    expect(withAdapterHelp('Usage\n\nExit codes: 0', '\n\nAdapter options:')).toBe(
      'Usage\n\nAdapter options:\n\nExit codes: 0',
    );
  });
});

describe('customAdaptersHelp', () => {
  it('lists the adapters loaded with --adapter by the name --format takes, and nothing without any', () => {
    const grype = defineAdapter({
      name: 'grype',
      meta: { description: 'Grype JSON (grype -o json)', extensions: ['json'], identity: 'match' },
      detect: () => 0,
      async *parse() {},
    });
    expect(customAdaptersHelp([grype])).toBe(
      '\n\nCustom adapters (--format NAME picks one; otherwise detected from the content):\n' +
        '  grype                 Grype JSON (grype -o json)',
    );
    expect(customAdaptersHelp([])).toBe('');
  });
});

describe('adapterModulePaths', () => {
  it('finds every --adapter value before the other flags are known', () => {
    expect(
      adapterModulePaths(['in.json', '--x-flag', '3', '--adapter', 'a.mjs', '--adapter=b.mjs', '-q']),
    ).toEqual(['a.mjs', 'b.mjs']);
    expect(adapterModulePaths(['in.json'])).toEqual([]);
  });
});
