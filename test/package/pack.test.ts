// The package as a user gets it: `npm pack`, then the tarball installed into an empty project,
// then the CLI and both entry points run from there with the Node running this test (ESM import,
// CommonJS require), and a TypeScript consumer compiled under `nodenext` with and without the
// DOM lib. Also what the tarball holds: LICENSE, the docs the README links to, no source maps, no
// install-time script. Needs npm and its cache or registry for the two dependencies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** npm run by the Node under test, so `npx fe80` and the scripts use it too */
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

let work: string;
let tarball: string;
let project: string;
let files: string[];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'fe80-pack-'));
  const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', work], { cwd: repo, env, maxBuffer: 16 << 20 });
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info!.filename);
  files = info!.files.map((f) => f.path).sort();
  project = join(work, 'project');
  await run('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: project, env, maxBuffer: 16 << 20 });
});

after(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('the tarball', { timeout: 600_000 }, () => {
  test('holds LICENSE, README, the docs and dist; no sources, tests or source maps', () => {
    for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/testing/index.js']) assert.ok(files.includes(f), f);
    assert.deepEqual(files.filter((f) => /\.map$|^src\/|^test\/|^bench\/|^\.ci\//.test(f)), []);
    for (const f of files.filter((x) => x.endsWith('.js'))) {
      assert.doesNotMatch(readFileSync(join(project, 'node_modules/fe80', f), 'utf8'), /sourceMappingURL/, f);
    }
  });

  test("every relative link of the README is a file in the package (the npm page's links work)", () => {
    const readme = readFileSync(join(project, 'node_modules/fe80/README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g)].map((m) => m[1] as string);
    assert.ok(links.length > 0);
    for (const link of links) assert.ok(existsSync(join(project, 'node_modules/fe80', link)), `README links ${link}, not in the package`);
  });

  test('package.json: no install-time script, engines, license, repository, homepage, bugs', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/fe80/package.json'), 'utf8')) as Record<string, unknown>;
    const scripts = (manifest.scripts ?? {}) as Record<string, string>;
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(scripts[s], undefined, s);
    assert.equal(manifest.license, 'MIT');
    assert.match(String((manifest.engines as Record<string, string>).node), /22/);
    for (const k of ['repository', 'homepage', 'bugs']) assert.ok(manifest[k] !== undefined, k);
    // the repository's own manifest is back as it was, prepare included (npm ci builds dist/)
    assert.match(readFileSync(join(repo, 'package.json'), 'utf8'), /"prepare": "npm run build"/);
    assert.equal(existsSync(join(repo, 'package.json.orig')), false);
  });
});

describe('installed into an empty project', { timeout: 600_000 }, () => {
  test('npx fe80: the CLI runs', async () => {
    const version = await run(npm, ['exec', '--', 'fe80', '--version'], { cwd: project, env });
    assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version);
    const parsed = await run(npm, ['exec', '--', 'fe80', 'parse', 'FE80::0001%lo'], { cwd: project, env });
    assert.equal(parsed.stdout, 'fe80::1%lo\n');
    const listed = await run(npm, ['exec', '--', 'fe80', 'interfaces', 'lo', '--json'], { cwd: project, env });
    assert.equal((JSON.parse(listed.stdout) as { name: string }[])[0]?.name, 'lo');
  });

  test('every subpath of exports loads, with import and with require', async () => {
    const { exports } = JSON.parse(readFileSync(join(project, 'node_modules/fe80/package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const names = Object.keys(exports).filter((k) => k !== './package.json').map((k) => `fe80${k.slice(1)}`);
    assert.ok(names.length >= 3, names.join(', '));
    const script = `const names = ${JSON.stringify(names)};
      const required = Object.fromEntries(names.map((n) => [n, Object.keys(require(n)).length]));
      Promise.all(names.map((n) => import(n))).then((ms) => console.log(JSON.stringify({ required, imported: Object.fromEntries(ms.map((m, i) => [names[i], Object.keys(m).length])) })));`;
    writeFileSync(join(project, 'subpaths.cjs'), script);
    const { stdout } = await run(process.execPath, ['subpaths.cjs'], { cwd: project, env });
    const { required, imported } = JSON.parse(stdout) as Record<string, Record<string, number>>;
    for (const n of names) assert.ok(required![n]! > 0 && imported![n]! > 0, `${n}: ${stdout}`);
  });

  for (const [kind, file] of [['ESM import', 'esm.mjs'], ['CommonJS require', 'cjs.cjs']] as const) {
    test(`${kind} of fe80 and fe80/testing`, async () => {
      writeFileSync(join(project, file), readFileSync(join(fixtures, file)));
      const { stdout, stderr } = await run(process.execPath, [file], { cwd: project, env });
      assert.deepEqual(JSON.parse(stdout), { address: 'fe80::1%lo', error: 'function', testing: 'function' });
      assert.doesNotMatch(stderr, /Warning/);
    });
  }

  for (const dom of [false, true]) {
    test(`a TypeScript consumer compiles under nodenext ${dom ? 'with' : 'without'} the DOM lib (skipLibCheck off)`, async () => {
      const dir = join(project, dom ? 'ts-dom' : 'ts-node');
      await run('mkdir', ['-p', dir]);
      writeFileSync(join(dir, 'consumer.ts'), readFileSync(join(fixtures, 'consumer.ts')));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      const compilerOptions = {
        module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false,
        exactOptionalPropertyTypes: true, lib: dom ? ['es2023', 'dom'] : ['es2023'], types: ['node'], typeRoots: [join(repo, 'node_modules/@types')],
      };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
      const tsc = join(repo, 'node_modules/typescript/bin/tsc');
      const r = await run(process.execPath, [tsc, '-p', dir], { cwd: dir, env }).catch((e: { stdout: string }) => ({ stdout: e.stdout, failed: true }));
      assert.ok(!('failed' in r), r.stdout);
    });
  }

  test('the installed package holds only LICENSE, README.md, dist, docs and package.json', () => {
    assert.deepEqual(readdirSync(join(project, 'node_modules/fe80')).sort(), ['LICENSE', 'README.md', 'dist', 'docs', 'package.json']);
  });
});
