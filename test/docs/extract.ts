// The code blocks of README.md and docs/**/*.md, ready to type-check and run: every fenced block
// whose language is TypeScript/JavaScript or a shell is an example, found anew on every run, so an
// example added to any document is tested without anyone listing it.
//
// Rules for document authors (also in docs/testing.md, "Examples in the docs"):
// - ```ts / ```js blocks are type-checked (strict, nodenext, with and without the DOM lib) and run
//   in the docs world (test/docs/world.ts) as ES modules; they may use `ca`, `query` and
//   `onResponse` without declaring them (test/docs/runtime.ts).
// - A line `EXPR; // 'value' ...` (a string, number, boolean, null or undefined right after //)
//   asserts that EXPR is that value; `STATEMENT; // ERR_CODE ...` asserts that it throws (or
//   rejects with) an Fe80Error with that code, and the example goes on. Write "e.g." before a
//   value that depends on the machine.
// - ```sh blocks: each command line that runs fe80 (`fe80 ...`, `npx fe80 ...`, `$ fe80 ...`,
//   `printf ... | fe80 ...`) is run with bash in the docs world, in a scratch directory that is
//   also $HOME (with ca.pem and key.pem in it), and must exit 0; a server (`fe80 listen`, `gateway`,
//   `open`) runs for 3 s and is stopped with SIGINT. Other lines (npm, node, output after a `$` prompt) are not run.
// - `<!-- doc-test: skip REASON -->` on the line before a block leaves it out, with the reason;
//   `<!-- doc-test: typecheck REASON -->` type-checks a TypeScript block without running it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));

export type Language = 'ts' | 'sh' | 'text';
export type Mode = 'run' | 'typecheck' | 'skip';

export interface Block {
  /** path from the repository root */
  file: string;
  /** 1-based line of the opening fence */
  line: number;
  language: Language;
  code: string;
  mode: Mode;
  reason: string | undefined;
}

function languageOf(info: string): Language {
  const word = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (['ts', 'typescript', 'js', 'javascript', 'mjs', 'mts'].includes(word)) return 'ts';
  if (['sh', 'bash', 'shell', 'console', 'zsh'].includes(word)) return 'sh';
  return 'text';
}

export function documents(): string[] {
  const out = ['README.md'];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.md')) out.push(relative(repo, path));
    }
  };
  walk(join(repo, 'docs'));
  return out;
}

export function blocks(file: string, text = readFileSync(join(repo, file), 'utf8')): Block[] {
  const lines = text.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i] as string);
    if (fence === null) continue;
    const [, indent, marks, info] = fence as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] as string).trimStart().startsWith(marks); j++) body.push((lines[j] as string).slice(indent.length));
    const language = languageOf(info);
    let mode: Mode = language === 'text' ? 'skip' : 'run';
    let reason: string | undefined = language === 'text' ? 'not code' : undefined;
    const annotation = /<!--\s*doc-test:\s*(skip|typecheck)\b\s*:?\s*(.*?)\s*-->/.exec(lines[i - 1] ?? '');
    if (annotation !== null) {
      mode = annotation[1] as Mode;
      reason = annotation[2] ?? '';
    }
    out.push({ file, line: i + 1, language, code: body.join('\n'), mode, reason });
    i = j;
  }
  return out;
}

export function allBlocks(): Block[] {
  return documents().flatMap((f) => blocks(f));
}

/**
 * One pass over a line, strings and template literals skipped: its code and trailing // comment,
 * how much deeper the brackets are at the end of the code than at its start, and whether the
 * code is balanced on its own (never below its starting depth, back to it, no string left open).
 */
function scan(line: string): { code: string; comment: string | undefined; nesting: number; balanced: boolean } {
  let depth = 0;
  let lowest = 0;
  let quote: string | undefined;
  let end = line.length;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '/' && line[i + 1] === '/') {
      end = i;
      break;
    } else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) lowest = Math.min(lowest, --depth);
  }
  const comment = end === line.length ? undefined : line.slice(end + 2).trim();
  return { code: line.slice(0, end), comment, nesting: depth, balanced: depth === 0 && lowest === 0 && quote === undefined };
}

/** The code of a line and its trailing // comment, found outside strings and template literals. */
export function splitComment(line: string): { code: string; comment: string | undefined } {
  const { code, comment } = scan(line);
  return { code, comment };
}

const LITERAL = /^('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null|undefined)(?=$|[\s:,;)])/;
const DECLARATION = /^(const|let|var|import|export|if|for|while|return|function|class|interface|type|await\s+using|\}|\{)\b/;

export interface Check {
  line: number;
  kind: 'value' | 'throws';
  expected: string;
}

/**
 * The block's code with its claims turned into checks: `EXPR; // 'v'` becomes
 * `__doc.equal(await (EXPR), 'v', LINE)`, `STATEMENT; // ERR_X` becomes
 * `await __doc.throws('ERR_X', async () => { STATEMENT }, LINE)`. Lines are kept one for one;
 * lines inside a callback or a block are left as they are.
 */
export function instrument(block: Block): { code: string; checks: Check[] } {
  const checks: Check[] = [];
  let depth = 0; // only top-level statements are checked: a callback's lines may never run
  const lines = block.code.split('\n').map((text, k) => {
    const line = block.line + 1 + k;
    const { code, comment, nesting, balanced } = scan(text);
    const statement = code.trim();
    const top = depth === 0;
    depth += nesting;
    if (!top || comment === undefined || !statement.endsWith(';') || !balanced) return text;
    const error = /^(ERR_[A-Z_]+)\b/.exec(comment);
    if (error !== null) {
      checks.push({ line, kind: 'throws', expected: error[1] as string });
      return `await __doc.throws(${JSON.stringify(error[1])}, async () => { ${statement} }, ${JSON.stringify(`${block.file}:${line}`)});`;
    }
    const value = LITERAL.exec(comment);
    if (value === null || DECLARATION.test(statement)) return text;
    checks.push({ line, kind: 'value', expected: value[1] as string });
    return `__doc.equal(await (${statement.slice(0, -1)}), ${value[1]}, ${JSON.stringify(`${block.file}:${line}`)});`;
  });
  return { code: lines.join('\n'), checks };
}

/** The commands of a shell block that run fe80, without their prompt, `npx` and trailing comment. */
export function shellCommands(block: Block): string[] {
  const lines = block.code.split('\n');
  const prompted = lines.some((l) => l.startsWith('$ '));
  const out: string[] = [];
  for (const raw of lines) {
    if (prompted && !raw.startsWith('$ ')) continue; // output shown after a prompt
    let line = prompted ? raw.slice(2) : raw;
    line = line.replace(/\s+#\s.*$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    // a command line of fe80's: fe80 first, or piped or substituted into it; not npm or node ones
    if (/^(npm|npx\s+(?!fe80)|node|git|cd)\b/.test(line)) continue;
    if (/(^|[|;&(]\s*)(npx\s+)?fe80\s/.test(line)) out.push(line.replace(/(^|[|;&(]\s*)npx\s+fe80\s/g, '$1fe80 '));
  }
  return out;
}
