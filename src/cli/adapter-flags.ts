import { parseArgs } from 'node:util';
import type { Adapter, AdapterOption } from '../adapter.js';
import { usageError } from './output.js';

type OptionSpec = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

const FLAG_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** One CLI flag made from adapter options: every adapter declaring it gets its value under its option name. */
interface AdapterFlag {
  flag: string;
  type: AdapterOption['type'];
  valueName: string;
  /** `adapter: description` lines for `--help`. */
  descriptions: string[];
  /** Option names in `ctx.options` that receive the value. */
  names: Set<string>;
}

/** `trivyLicenses` → `trivy-licenses`. */
function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * The flags the adapters declare in `meta.options`, checked: a flag must be kebab-case, must not shadow a command
 * flag, and adapters that declare one flag must agree on its type. Throws a usage error naming the adapter otherwise.
 */
export class AdapterFlags {
  private readonly flags = new Map<string, AdapterFlag>();

  constructor(adapters: readonly Adapter[], commandFlags: OptionSpec) {
    for (const adapter of adapters) {
      for (const option of adapter.meta?.options ?? []) {
        const flag = option.flag ?? kebabCase(option.name);
        const where = `adapter ${adapter.name}: option ${option.name}`;
        if (!FLAG_PATTERN.test(flag)) throw usageError(`${where}: "--${flag}" is not a kebab-case flag name`);
        if (Object.hasOwn(commandFlags, flag))
          throw usageError(`${where}: --${flag} is a flag of the command itself`);
        if (!['boolean', 'string', 'number'].includes(option.type))
          throw usageError(`${where}: type "${String(option.type)}" is not boolean, string or number`);
        const known = this.flags.get(flag);
        if (known !== undefined && known.type !== option.type)
          throw usageError(
            `${where}: --${flag} is a ${known.type} flag of another adapter, not a ${option.type}`,
          );
        const entry = known ?? {
          flag,
          type: option.type,
          valueName: option.valueName ?? 'VALUE',
          descriptions: [],
          names: new Set<string>(),
        };
        entry.descriptions.push(`${adapter.name}: ${option.description}`);
        entry.names.add(option.name);
        this.flags.set(flag, entry);
      }
    }
  }

  /** The flags for `parseArgs`. */
  spec(): OptionSpec {
    const spec: OptionSpec = {};
    for (const { flag, type } of this.flags.values())
      spec[flag] = { type: type === 'boolean' ? 'boolean' : 'string' };
    return spec;
  }

  /** The adapter options given on the command line, by option name; a number flag that is not a number is refused. */
  values(parsed: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const options: Record<string, unknown> = {};
    for (const { flag, type, names } of this.flags.values()) {
      const raw = parsed[flag];
      if (raw === undefined) continue;
      let value: unknown = raw;
      if (type === 'number') {
        value = Number(raw);
        if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value))
          throw usageError(`--${flag} "${String(raw)}": expected a number`);
      }
      for (const name of names) options[name] = value;
    }
    return options;
  }

  /** The "Adapter options" section of `--help` (empty when no adapter declares any). */
  help(): string {
    if (this.flags.size === 0) return '';
    const lines = ['', '', 'Adapter options:'];
    for (const { flag, type, valueName, descriptions } of this.flags.values()) {
      const left = `  --${flag}${type === 'boolean' ? '' : ` ${valueName}`}`;
      const [first = '', ...rest] = descriptions;
      const width = Math.max(24, left.length + 2);
      lines.push(`${left.padEnd(width)}${first}`, ...rest.map((text) => `${''.padEnd(width)}${text}`));
    }
    return lines.join('\n');
  }
}

/**
 * The "Custom adapters" section of `--help`: the adapters loaded with `--adapter`, by the name `--format` takes
 * (empty without any), so a user sees that the module loaded and what to call it.
 */
export function customAdaptersHelp(adapters: readonly Adapter[]): string {
  if (adapters.length === 0) return '';
  const lines = ['', '', 'Custom adapters (--format NAME picks one; otherwise detected from the content):'];
  for (const { name, meta } of adapters)
    lines.push(`${`  ${name}`.padEnd(Math.max(24, name.length + 4))}${meta?.description ?? ''}`);
  return lines.join('\n');
}

/** The `--adapter MODULE` values of a command line, read before its other flags are known. */
export function adapterModulePaths(argv: readonly string[]): string[] {
  const { values } = parseArgs({
    args: [...argv],
    options: { adapter: { type: 'string', multiple: true } },
    strict: false,
    allowPositionals: true,
  });
  const paths = values.adapter;
  return Array.isArray(paths) ? paths.filter((path): path is string => typeof path === 'string') : [];
}

/** A command's help with the "Adapter options" section placed before its "Exit codes" paragraph. */
export function withAdapterHelp(help: string, section: string): string {
  const at = help.lastIndexOf('\n\nExit codes');
  return at === -1 ? `${help}${section}` : `${help.slice(0, at)}${section}${help.slice(at)}`;
}
