import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseShell } from 'shell-quote';
import { isMap, isScalar, parseDocument, visit } from 'yaml';

/** One fenced code block of a Markdown file. */
export interface DocBlock {
  /** The Markdown file, relative to the project root (`docs/adapters.md`). */
  file: string;
  /** 1-based line of the block's first line of code in `file`. */
  line: number;
  /** The fence's language (`ts`, `sh`, ``; lower case). */
  lang: string;
  /** The rest of the fence's info string (`no-run: needs an AWS account`). */
  info: string;
  code: string;
}

/** The project root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The input files the docs' code names (fixtures/docs/README.md). */
export const DOC_INPUTS = join(ROOT, 'fixtures/docs');

/** `docs/csv.md:12`. */
export const where = (at: { file: string; line: number }): string => `${at.file}:${at.line}`;

/** The documents whose code the docs test checks: README.md, docs/*.md and examples/*.md. */
export function documentFiles(root: string): string[] {
  const inDir = (dir: string) =>
    readdirSync(join(root, dir))
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => `${dir}/${name}`);
  return ['README.md', ...inDir('docs'), ...inDir('examples')];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)\s*(.*?)\s*$/;

/** Every fenced code block of the project's documents ({@link documentFiles}). */
export function allDocBlocks(): DocBlock[] {
  return docBlocks(ROOT, documentFiles(ROOT));
}

/** Every fenced code block of the given Markdown files (CommonMark fences: ``` or ~~~, closed by a longer-or-equal one). */
export function docBlocks(root: string, files: readonly string[]): DocBlock[] {
  const blocks: DocBlock[] = [];
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i += 1) {
      const open = FENCE.exec(lines[i] ?? '');
      if (open === null) continue;
      const fence = open[1] ?? '```';
      const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
      let end = i + 1;
      while (end < lines.length && !close.test(lines[end] ?? '')) end += 1;
      blocks.push({
        file,
        line: i + 2,
        lang: (open[2] ?? '').toLowerCase(),
        info: open[3] ?? '',
        code: lines.slice(i + 1, end).join('\n'),
      });
      i = end;
    }
  }
  return blocks;
}

/** Languages whose blocks are shell command lines; `console` blocks mark commands with a `$ ` prompt. */
export const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);

/** One simple command of a shell block (`a | b` is two), with its environment prefix and its words. */
export interface ShellCommand {
  file: string;
  /** Line of `file` where the command line starts. */
  line: number;
  /** The command line as written (continuations joined). */
  text: string;
  /** `NAME=value` assignments before the command. */
  env: Record<string, string>;
  /** The command and its arguments, unquoted; redirections removed. */
  words: string[];
  /** In a console block, the output shown below the command line (the lines up to the next `$ `). */
  shown: string[];
}

const SEPARATORS = new Set(['|', '||', '&&', ';', '&', ';;', '|&', '(', ')']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** The command lines of a shell block: `$ `-prompted lines of a console block, every line otherwise; `\\` continues. */
function commandLines(block: DocBlock): { line: number; text: string; shown: string[] }[] {
  const lines = block.code.split('\n');
  const commands: { line: number; text: string; shown: string[] }[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    let text = lines[i] ?? '';
    if (block.lang === 'console') {
      if (!text.startsWith('$ ')) {
        commands.at(-1)?.shown.push(text);
        continue;
      }
      text = text.slice(2);
    }
    const line = block.line + i;
    while (text.endsWith('\\') && i + 1 < lines.length) {
      i += 1;
      text = `${text.slice(0, -1)} ${(lines[i] ?? '').trim()}`;
    }
    if (text.trim() !== '') commands.push({ line, text, shown: [] });
  }
  return commands;
}

/**
 * The simple commands of a shell block, parsed as a POSIX shell would split them (shell-quote): pipes, `&&`, `;`,
 * `NAME=value` prefixes, quotes and comments; `$VAR` stays as written; redirections (`> file`, `2>&1`) are dropped.
 */
export function shellCommands(block: DocBlock): ShellCommand[] {
  const commands: ShellCommand[] = [];
  for (const { line, text, shown } of commandLines(block)) {
    const tokens = parseShell(text, (name) => `$${name}`);
    const start = (): ShellCommand => ({ file: block.file, line, text, env: {}, words: [], shown });
    let current = start();
    const finish = () => {
      if (current.words.length > 0) commands.push(current);
      current = start();
    };
    for (let t = 0; t < tokens.length; t += 1) {
      const token = tokens[t];
      if (token === undefined) continue;
      if (typeof token === 'string') {
        const next = tokens[t + 1];
        // `2>&1`, `2> file`: the descriptor is part of the redirection.
        if (/^\d+$/.test(token) && typeof next === 'object' && 'op' in next && /[<>]/.test(next.op)) continue;
        const assignment = current.words.length === 0 ? ASSIGNMENT.exec(token) : null;
        if (assignment !== null) current.env[assignment[1] ?? ''] = assignment[2] ?? '';
        else current.words.push(token);
      } else if ('comment' in token) {
        break;
      } else if ('pattern' in token) {
        current.words.push(token.pattern); // a glob, kept as written
      } else if (SEPARATORS.has(token.op)) {
        finish();
      } else {
        t += 1; // a redirection and its target
      }
    }
    finish();
  }
  return commands;
}

/** npx's own options before the package it runs. */
const NPX_FLAGS = new Set(['--yes', '-y', '--no', '--quiet', '-q']);

/** The arguments of an `asff-stream …` or `npx [--yes] asff-stream …` command; `undefined` for other commands. */
export function asffStreamArguments(command: ShellCommand): string[] | undefined {
  let words = command.words;
  if (words[0] === 'npx') {
    words = words.slice(1);
    while (words[0] !== undefined && NPX_FLAGS.has(words[0])) words = words.slice(1);
  }
  return words[0] === 'asff-stream' ? words.slice(1) : undefined;
}

/** The line of `offset` in a block's code, as a line of its Markdown file. */
function lineAt(block: DocBlock, offset: number): number {
  return block.line + (block.code.slice(0, offset).match(/\n/g)?.length ?? 0);
}

const JENKINS_SH = /\bsh\s+'''\n?([\s\S]*?)'''/g;

/**
 * Shell scripts inside other blocks, as `sh` blocks at their own lines: the strings of a YAML block that run
 * asff-stream (a GitHub `run:`, a GitLab `script:` item) and the `sh '''…'''` steps of a Jenkinsfile (groovy).
 */
export function embeddedShellBlocks(block: DocBlock): DocBlock[] {
  const scripts: DocBlock[] = [];
  const add = (offset: number, code: string) =>
    scripts.push({ file: block.file, line: lineAt(block, offset), lang: 'sh', info: '', code });
  if (block.lang === 'yaml' || block.lang === 'yml') {
    visit(parseDocument(block.code), {
      Scalar(_key, node) {
        if (typeof node.value === 'string' && /\basff-stream /.test(node.value) && node.range)
          add(node.range[0], node.value);
      },
    });
  } else if (block.lang === 'groovy') {
    for (const match of block.code.matchAll(JENKINS_SH)) {
      const body = match[1] ?? '';
      add((match.index ?? 0) + match[0].indexOf(body), body);
    }
  }
  return scripts;
}

/** The steps of a YAML block that use the asff-stream action (`uses: …/asff-stream@…`), with their `with:` keys. */
export function actionSteps(block: DocBlock): { file: string; line: number; inputs: string[] }[] {
  const steps: { file: string; line: number; inputs: string[] }[] = [];
  visit(parseDocument(block.code), {
    Map(_key, node) {
      const uses = node.get('uses', true);
      if (!isScalar(uses) || !/(^|\/)asff-stream@/.test(String(uses.value))) return;
      const inputs = node.get('with', true);
      steps.push({
        file: block.file,
        line: lineAt(block, uses.range?.[0] ?? 0),
        inputs: isMap(inputs)
          ? inputs.items.map((item) => String(isScalar(item.key) ? item.key.value : item.key))
          : [],
      });
    },
  });
  return steps;
}

/** The first YAML syntax error of a block (the rest follow from it), at its Markdown line. */
export function yamlErrors(block: DocBlock): string[] {
  return parseDocument(block.code)
    .errors.slice(0, 1)
    .map((error) => `${block.file}:${lineAt(block, error.pos[0])}: ${error.message.split('\n')[0]}`);
}

/**
 * The `// → TEXT` comments of a block: what the console call on that line prints first. In TEXT, `…` matches
 * anything; `{ a, b, … }` (then any words) says the call printed a lone object with at least the keys a and b (a key
 * written `c?` may be absent).
 */
export function shownOutput(block: DocBlock): { line: number; expected: string }[] {
  return block.code.split('\n').flatMap((text, index) => {
    const match = /\/\/ → (.*)$/.exec(text);
    return match === null ? [] : [{ line: block.line + index, expected: (match[1] ?? '').trim() }];
  });
}

/** Why a printed line is not what a `// →` comment shows, or `undefined` when it is. */
export function unlikeShown(
  printed: { text: string; keys?: string[] } | undefined,
  expected: string,
): string | undefined {
  if (printed === undefined) return 'printed nothing';
  const shape = /^\{([\w\s,?…]*)\}/.exec(expected);
  if (shape !== null) {
    if (printed.keys === undefined) return `printed "${printed.text}", not an object`;
    const keys = (shape[1] ?? '').split(',').map((key) => key.trim());
    const missing = keys.filter((key) => /^\w+$/.test(key) && !printed.keys?.includes(key));
    return missing.length === 0
      ? undefined
      : `printed an object without ${missing.join(', ')}: ${printed.text}`;
  }
  const pattern = expected
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`, 's').test(printed.text.trim()) ? undefined : `printed "${printed.text}"`;
}
