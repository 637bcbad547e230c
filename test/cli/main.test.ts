// What src/cli/main.ts and command.ts do for every command: where -h/--help counts, a closed
// stdout (EPIPE), and unreadable files named by options. Child processes; no traffic.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
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

  test("'fe80 help parse' prints parse's help, as 'fe80 parse --help'", async () => {
    const [a, b] = await Promise.all([fe80(['help', 'parse']), fe80(['parse', '--help'])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
    assert.match(a.stdout, /^usage: fe80 parse/);
  });

  test("'fe80 parse -- --help' parses \"--help\" as an input", async () => {
    const r = await fe80(['parse', '--', '--help']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ScopedAddress\.parse\("--help"\).*\[ERR_INVALID_ADDRESS\]/);
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
  test('connect --tls --ca with a missing file: a clean error, exit 1 (as fetch --cacert)', async () => {
    for (const args of [
      ['connect', '[::1]:9', '--tls', '--ca', '/nonexistent/ca.pem'],
      ['fetch', 'https://[::1]:9/', '--cacert', '/nonexistent/ca.pem'],
    ]) {
      const r = await fe80(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, new RegExp(`^fe80 ${args[0]}: cannot read /nonexistent/ca\\.pem: ENOENT.*\\[ERR_INVALID_ARGUMENT\\]\\n$`));
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    }
  });
});
