// What src/cli/main.ts and command.ts do for every command: where -h/--help counts, a closed
// stdout (EPIPE), and unreadable files named by options. Child processes; no traffic.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fe80, spawnFe80 } from './run.js';

describe('-h/--help', () => {
  const cases: { args: string[]; help: boolean; why: string }[] = [
    { args: ['parse', '--help'], help: true, why: 'an option' },
    { args: ['parse', 'fe80::1', '-h'], help: true, why: 'after a positional' },
    { args: ['parse', '--bogus', '--help'], help: true, why: 'next to an unknown option' },
    { args: ['ifindex', '--help', 'lo'], help: true, why: 'before a positional' },
    { args: ['connect', '-h'], help: true, why: 'without the required ENDPOINT' },
    { args: ['parse', '--json', '--', '--help'], help: false, why: 'after --: an input' },
    { args: ['ifindex', '--', '-h'], help: false, why: 'after --: an interface name' },
    { args: ['parse', '--as=--help', 'x'], help: false, why: 'the value of --as' },
    { args: ['resolve', '--interface=-h', 'x.local'], help: false, why: 'the value of --interface' },
  ];
  for (const c of cases) {
    test(`${c.args.join(' ')}: ${c.help ? 'help' : 'no help'} (${c.why})`, async () => {
      const r = await fe80(c.args);
      if (c.help) {
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`^usage: fe80 ${c.args[0]}`));
      } else {
        assert.doesNotMatch(r.stdout, /usage:/);
        assert.notEqual(r.code, 0);
      }
    });
  }

  test("'fe80 help parse' prints parse's manual; 'parse --help' its usage and options", async () => {
    const [a, b] = await Promise.all([fe80(['help', 'parse']), fe80(['parse', '--help'])]);
    assert.equal(a.code, 0, a.stderr);
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS', 'EXAMPLES', 'SEE ALSO']) assert.match(a.stdout, new RegExp(`^${section}$`, 'm'));
    assert.match(b.stdout, /^usage: fe80 parse/);
    assert.match(b.stdout, /--json/);
  });

  test('a typo of a command gets the closest one; help for an unknown command exits 2', async () => {
    const r = await fe80(['fecth', 'x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "fecth" \(did you mean 'fetch'\?\)/);
    assert.equal((await fe80(['help', 'nosuch'])).code, 2);
  });

  test("'fe80 parse -- --help' parses \"--help\" as an input", async () => {
    const r = await fe80(['parse', '--', '--help']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /invalid address "--help".*\[ERR_INVALID_ADDRESS\]/);
  });

  test("'fe80 ifindex -- -h' looks up an interface named -h", async () => {
    const r = await fe80(['ifindex', '--', '-h']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /interface "-h" not found/);
  });
});

describe('stdout closed by its reader (| head)', () => {
  const cases: { name: string; args: string[] }[] = [
    { name: 'parse -', args: ['parse', '-'] },
    { name: 'parse --json -', args: ['parse', '--json', '-'] },
  ];
  for (const c of cases) {
    test(`${c.name}: exit 141, nothing on stderr`, { timeout: 60_000 }, async () => {
      const child = spawnFe80(c.args);
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdin.on('error', () => {}); // it stops reading when it exits
      const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
      child.stdout.once('data', () => child.stdout.destroy()); // like head -1: read a little, then close
      const block = 'fe80::1%eth0\n'.repeat(10_000);
      for (let i = 0; i < 20 && child.exitCode === null; i++) {
        if (!child.stdin.write(block)) await Promise.race([once(child.stdin, 'drain').catch(() => {}), exited]); // once() rejects on EPIPE
      }
      child.stdin.end();
      const [code] = await exited;
      assert.equal(code, 141, stderr);
      assert.equal(stderr, '');
    });
  }
});

describe('files named by options', () => {
  test('connect --tls --ca with a missing file: a clean error, exit 1; fetch --cacert: curl\'s 77', async () => {
    const c = await fe80(['connect', '[::1]:9', '--tls', '--ca', '/nonexistent/ca.pem']);
    assert.equal(c.code, 1);
    assert.match(c.stderr, /^fe80 connect: cannot read \/nonexistent\/ca\.pem: ENOENT.*\[ERR_INVALID_ARGUMENT\]\n$/);
    const f = await fe80(['fetch', 'https://[::1]:9/', '--cacert', '/nonexistent/ca.pem']);
    assert.equal(f.code, 77);
    assert.match(f.stderr, /^fe80 fetch: \(77\) cannot read the CA certificate file "\/nonexistent\/ca\.pem": ENOENT/);
    for (const r of [c, f]) assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  });
});

describe('long arguments are refused by their length, not parsed', () => {
  const big = 'x'.repeat(100_000);
  const cases: string[][] = [
    ['fetch', '--zone', big, 'http://[::1]:9/'],
    ['parse', `-${big}`],
    ['connect', `-${'v'.repeat(50_000)}x`, '::1', '9'],
    ['parse', `${big}y`],
  ];
  for (const args of cases) {
    test(`${args[0]} ${args[1]!.slice(0, 12)}... (${args.join('').length} characters)`, async () => {
      const r = await fe80(args);
      assert.equal(r.code, args[0] === 'connect' ? 1 : 2, r.stderr);
      assert.ok(r.stderr.length < 400, `a short message: ${r.stderr.length} characters`);
      assert.doesNotMatch(r.stderr, /x{100}/);
    });
  }
});

test("the command list says what each command's manual says it does", async () => {
  const list = (await fe80(['--help'])).stdout;
  for (const m of list.matchAll(/^ {2}(\w+) +(.+)$/gm)) {
    const command = ((await import(`../../src/cli/commands/${m[1]}.js`)) as { default: { manual?: string } }).default;
    assert.ok(command.manual !== undefined, `${m[1]} has a manual (fe80 help ${m[1]})`);
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS', 'SEE ALSO']) assert.match(command.manual, new RegExp(`^${section}$`, 'm'), `${m[1]}: ${section}`);
    assert.match(command.manual, new RegExp(`^NAME\n {4}fe80 ${m[1]} - (.+)\n`));
    assert.equal(/^NAME\n {4}fe80 \w+ - (.+)\n/.exec(command.manual)![1], m[2], m[1]);
  }
});

test("every command's --help fits in 100 columns, long option descriptions wrapped under their column", async () => {
  const list = (await fe80(['--help'])).stdout;
  for (const m of list.matchAll(/^ {2}(\w+) +(.+)$/gm)) {
    const command = ((await import(`../../src/cli/commands/${m[1]}.js`)) as { default: { help: string } }).default;
    for (const line of command.help.split('\n')) assert.ok(line.length <= 100, `${m[1]}: ${line.length} columns: ${line}`);
  }
  const connect = ((await import('../../src/cli/commands/connect.js')) as { default: { help: string } }).default.help;
  // a continuation line starts at the description column (28 after the 2-space indent)
  assert.match(connect, /\n {6}--zone IFACE\|auto\|LIST {2}the zone for .+\n {30}\S/);
});

describe('completion', () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    test(`${shell}: every command and its options are in the script`, async () => {
      const r = await fe80(['completion', shell]);
      assert.equal(r.code, 0, r.stderr);
      for (const word of ['connect', 'fetch', 'interfaces', 'listen', 'resolve', 'parse', 'ifindex', 'ifname', 'completion']) assert.match(r.stdout, new RegExp(`\\b${word}\\b`));
      for (const option of ['max-time', 'write-out', 'data-urlencode', 'candidates', 'keep', 'zone']) assert.match(r.stdout, new RegExp(`--${option}|-l ${option}\\b`));
    });
  }
  test('bash: every command has its options, gateway, open, discover and lab included', async () => {
    const script = (await fe80(['completion', 'bash'])).stdout;
    const opts = (name: string): string => new RegExp(`^ +${name}\\) opts="([^"]*)"`, 'm').exec(script)?.[1] ?? '';
    for (const [name, option] of [['gateway', '--no-discover'], ['gateway', '--cacert'], ['open', '--pin'], ['discover', '--watch'], ['lab', '--peers'], ['fetch', '--zone']]) {
      assert.ok(opts(name!).split(' ').includes(option!), `${name} ${option}: ${opts(name!)}`);
    }
  });
  test('bash: the script is valid and completes commands, options and interfaces', { skip: spawnSync('bash', ['--version']).error !== undefined && 'no bash' }, async () => {
    const script = (await fe80(['completion', 'bash'])).stdout;
    const complete = (words: string[]): string[] => {
      const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _fe80; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('\n').filter(Boolean);
    };
    assert.deepEqual(complete(['fe80', 'fet']), ['fetch']);
    assert.deepEqual(complete(['fe80', 'fetch', '--fa']), ['--fail', '--fail-with-body']);
    assert.ok(complete(['fe80', 'connect', '--zone', '']).includes('auto'));
    assert.ok(complete(['fe80', 'interfaces', 'l']).includes('lo'));
  });
  for (const shell of ['zsh', 'fish']) {
    const missing = spawnSync(shell, ['--version']).error !== undefined;
    test(`${shell}: the script parses (${shell} -n)`, { skip: missing && !process.env.CI && `${shell} is not installed` }, async () => {
      const script = (await fe80(['completion', shell])).stdout;
      const dir = mkdtempSync(join(tmpdir(), 'fe80-completion-'));
      try {
        writeFileSync(join(dir, 'script'), script);
        const r = spawnSync(shell, ['-n', join(dir, 'script')], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
