// Every example in README.md and docs/**/*.md, found by extract.ts: the TypeScript ones
// type-check as written (strict, nodenext, with and without the DOM lib), and, inside the docs
// world (world.ts: a lab namespace with the interfaces and devices the docs name), every example
// runs and every value or error code it claims in a comment is checked. Shell examples run the
// fe80 CLI there. A new example in any document is picked up by the next run.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { labTest } from '../../src/testing/index.js';
import { allBlocks, blocks, documents, instrument, repo, shellCommands, splitComment, type Block } from './extract.js';
import { buildWorld } from './world.js';
import { cliShell } from '../helpers/cli.js';

const run = promisify(execFile);
const tsx = import.meta.resolve('tsx');
const examples = allBlocks();

const GLOBALS = `// Names the documentation's examples may use without declaring them (test/docs/runtime.ts).
declare const ca: string;
declare const query: Uint8Array;
declare function onResponse(response: import('node:http').IncomingMessage): void;
`;

function fileName(block: Block): string {
  return `${block.file.replace(/[^A-Za-z0-9]+/g, '_')}_L${block.line}.ts`;
}

/** `fe80` and each subpath of package.json's exports, mapped to the sources the dist file is built from. */
function sourcePaths(): Record<string, string[]> {
  const { exports } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { exports: Record<string, string | { default: string }> };
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(exports)) {
    const file = typeof target === 'string' ? target : target.default;
    if (!file.startsWith('./dist/')) continue;
    paths[`fe80${subpath.slice(1)}`] = [join(repo, 'src', file.slice('./dist/'.length).replace(/\.js$/, '.ts'))];
  }
  return paths;
}

/**
 * A directory where `fe80` and its subpaths are this repository's sources and other packages
 * resolve from its node_modules; removed when `t` ends.
 */
function workspace(t: TestContext, dom: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'fe80-examples-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(dir, 'globals.d.ts'), GLOBALS);
  const compilerOptions = {
    module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true,
    lib: dom ? ['es2023', 'dom'] : ['es2023'], types: ['node'], allowImportingTsExtensions: true,
    paths: sourcePaths(),
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }));
  return dir;
}

function asModule(code: string): string {
  return /^\s*(import|export)\s/m.test(code) ? code : `${code}\nexport {};`;
}

describe('the examples are found and each one is accounted for', () => {
  test('README.md and every docs/*.md are read; every TypeScript or shell block runs, or says why not', () => {
    const files = documents();
    assert.ok(files.includes('README.md') && files.includes('docs/cli.md'), files.join(', '));
    assert.ok(examples.filter((b) => b.mode === 'run').length >= 20);
    for (const b of examples) {
      if (b.language !== 'text' && b.mode !== 'run') assert.ok((b.reason ?? '').length > 3, `${b.file}:${b.line}: a block left out needs a reason`);
    }
  });

  test('instrument: claimed values and error codes become checks, other lines stay', () => {
    const block: Block = { file: 'x.md', line: 10, language: 'ts', mode: 'run', reason: undefined, code: [
      "nameToIndex('eth1');   // 3: what ifix printed",
      "parseUrl('http://[fe80::1%25eth0]:8080/x').host;   // '[fe80::1]:8080' (Host header)",
      "await connect('[fe80::1]:8080');   // ERR_ZONE_REQUIRED: lists the candidates",
      "const s = await connect('[fe80::1%eth0]:80');   // 'not checked: a declaration'",
      "socket.fe80.interface;   // e.g. 'wlan0'",
      'foo(',
    ].join('\n') };
    const { code, checks } = instrument(block);
    assert.deepEqual(checks.map((c) => [c.line, c.kind, c.expected]), [[11, 'value', '3'], [12, 'value', "'[fe80::1]:8080'"], [13, 'throws', 'ERR_ZONE_REQUIRED']]);
    assert.equal(code.split('\n').length, 6);
    assert.match(code, /__doc\.equal\(await \(parseUrl\('http:\/\/\[fe80::1%25eth0\]:8080\/x'\)\.host\), '\[fe80::1\]:8080', "x\.md:12"\);/);
    assert.deepEqual(splitComment("a('//x'); // c"), { code: "a('//x'); ", comment: 'c' });
  });

  test('shell blocks: the fe80 command lines, without prompts, npx or comments', () => {
    const [sh] = blocks('x.md', '```sh\n$ fe80 ifindex lo   # 1\n1\n$ npm test\n$ npx fe80 parse fe80::1\n```\n');
    assert.deepEqual(shellCommands(sh!), ['fe80 ifindex lo', 'fe80 parse fe80::1']);
  });

  for (const dom of [false, true]) {
    test(`every TypeScript example compiles as written (strict, nodenext, ${dom ? 'with' : 'without'} the DOM lib)`, { timeout: 300_000 }, async (t) => {
      const dir = workspace(t, dom);
      const ts = examples.filter((b) => b.language === 'ts' && b.mode !== 'skip');
      for (const b of ts) writeFileSync(join(dir, fileName(b)), asModule(b.code));
      const result = await run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, maxBuffer: 16 << 20 }).then(
        () => '',
        (e: { stdout: string }) => e.stdout,
      );
      // report at the document's line
      const located = result.replace(/^(\S+?)_L(\d+)\.ts\((\d+),\d+\)/gm, (_m, name: string, fence: string, line: string) => {
        const b = ts.find((x) => fileName(x) === `${name}_L${fence}.ts`);
        return `${b?.file ?? name}:${Number(fence) + Number(line)}`;
      });
      assert.equal(located, '');
    });
  }
});

labTest(
  'every documentation example runs in the docs world, and what it claims is true',
  async (lab, t) => {
    const world = await buildWorld(lab);
    t.after(() => world.close());
    const dir = workspace(t, false);
    writeFileSync(join(dir, 'ca.pem'), world.ca);
    copyFileSync(join(world.dir, 'key.pem'), join(dir, 'key.pem'));
    writeFileSync(join(dir, 'runtime.ts'), `export * from ${JSON.stringify(join(repo, 'test/docs/runtime.ts'))};\n`);
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'fe80'), `#!/bin/sh\nexec ${cliShell()} "$@"\n`);
    chmodSync(join(bin, 'fe80'), 0o755);
    // `fe80 open` starts the desktop's browser: here a stand-in that does nothing
    writeFileSync(join(bin, 'xdg-open'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const env = [`FE80_DOC_CA=${join(dir, 'ca.pem')}`, `TSX_TSCONFIG_PATH=${join(dir, 'tsconfig.json')}`, `PATH=${bin}:${process.env.PATH ?? ''}`, `HOME=${dir}`];
    const failures: string[] = [];
    let ran = 0;

    await t.test('TypeScript examples', async () => {
      for (const b of examples.filter((x) => x.language === 'ts' && x.mode === 'run')) {
        const file = join(dir, fileName(b));
        // the side-effect import is never elided, even when no check uses __doc
        writeFileSync(file, `import './runtime.ts';\nimport { __doc } from './runtime.ts';\n${instrument(b).code}\n`);
        const r = await world.client.exec('env', [...env, process.execPath, '--import', tsx, join(repo, 'test/docs/run-example.ts'), file], { timeout: 60_000 });
        ran++;
        if (r.code !== 0) failures.push(`${b.file}:${b.line} (exit ${r.code}):\n${(r.stderr || r.stdout).trim().split('\n').filter((l) => !/^\s+at /.test(l)).slice(0, 8).join('\n')}`);
      }
    });

    await t.test('shell examples', async () => {
      for (const b of examples.filter((x) => x.language === 'sh' && x.mode === 'run')) {
        for (const command of shellCommands(b)) {
          // a server runs until it is stopped: three seconds without an error is its success
          const server = /^fe80 (listen|gateway|open)\b/.test(command);
          const line = server ? `timeout --preserve-status -s INT 3 ${command}` : command;
          const r = await world.client.exec('env', [...env, 'bash', '-c', `cd ${JSON.stringify(dir)} && ${line}`], { timeout: 60_000, input: '' });
          ran++;
          const ok = r.code === 0 || (server && r.code === 130 && !/^fe80 \w+: /m.test(r.stderr));
          if (!ok) failures.push(`${b.file}:${b.line}: \`${command}\` exited ${r.code}: ${r.stderr.trim().slice(0, 600)}`);
        }
      }
    });
    assert.deepEqual(failures, []);
    assert.ok(ran >= 40, `only ${ran} examples ran`);
  },
  { timeout: 900_000, prefix: 'dx' },
);
