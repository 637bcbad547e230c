// `fe80 parse`: spawned as a real process (node --import tsx src/cli/main.ts parse ...).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { fe80, spawnFe80 } from './run.js';

describe('fe80 parse', () => {
  test('canonicalises addresses, endpoints and URLs (auto-detected)', async () => {
    const r = await fe80(['parse', 'FE80::0001%Eth0', '[fe80::0:1%eth0]:08080', 'http://[FE80::1%eth0]:8080/x', '192.0.2.1:80', '2001:DB8:0:0:1:0:0:1']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n'), ['fe80::1%Eth0', '[fe80::1%eth0]:8080', 'http://[fe80::1%25eth0]:8080/x', '192.0.2.1:80', '2001:db8::1:0:0:1', '']);
    assert.equal(r.stderr, '');
  });

  test('invalid inputs go to stderr with their code; exit 1', async () => {
    const r = await fe80(['parse', 'fe80::1%', 'fe80::1%eth0', '[fe80::1%eth0]:65536', 'http://[::1%25.example.com]/']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'fe80::1%eth0\n');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^fe80 parse: invalid address "fe80::1%": zone must be a non-empty string \(at "%"\) \[ERR_INVALID_ZONE\]$/);
    assert.match(lines[1]!, /\[ERR_INVALID_PORT\]$/);
    assert.match(lines[2]!, /loopback.*\[ERR_INVALID_URL\]$/);
  });

  test('--as forces the kind', async () => {
    const r = await fe80(['parse', '--as', 'endpoint', 'fe80::1%eth0:8080']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /square brackets \(did you mean \[fe80::1%eth0\]:8080\?\) \[ERR_INVALID_ENDPOINT\]/);
    const a = await fe80(['parse', '--as', 'address', 'fe80::1%25eth0']);
    assert.equal(a.code, 0);
    assert.equal(a.stdout, 'fe80::1%25eth0\n');
    assert.match(a.stderr, /looks URL-encoded/);
  });

  test('--as url: an address is not a URL with the scheme "fe80:"', async () => {
    const r = await fe80(['parse', '--as', 'url', 'fe80::1', 'fe80::1%eth0']);
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0]!, /"fe80::1" is not a URL: it has no scheme.*\(as a URL: http:\/\/\[fe80::1\]\/ \(what fe80 fetch makes of it\)\) \[ERR_INVALID_URL\]$/);
    assert.match(lines[1]!, /http:\/\/\[fe80::1%eth0\]\//);
  });

  test('--json: one object per input, all fields present', async () => {
    const r = await fe80(['parse', '--json', '-'], 'fe80::1%eth0\n[fe80::1%3]:80\nhttp://printer.local/\nnope\n');
    assert.equal(r.code, 1);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(rows.length, 4);
    const keys = ['input', 'valid', 'family', 'address', 'zone', 'port', 'scope', 'hint', 'error'];
    for (const row of rows) assert.deepEqual(Object.keys(row), keys);
    assert.deepEqual(rows[0], { input: 'fe80::1%eth0', valid: true, family: 6, address: 'fe80::1', zone: 'eth0', port: null, scope: 'link-local', hint: null, error: null });
    assert.deepEqual(rows[1], { input: '[fe80::1%3]:80', valid: true, family: 6, address: 'fe80::1', zone: '3', port: 80, scope: 'link-local', hint: null, error: null });
    assert.deepEqual(rows[2], { input: 'http://printer.local/', valid: true, family: null, address: null, zone: null, port: 80, scope: null, hint: null, error: null });
    assert.equal(rows[3]!.valid, false);
    assert.equal((rows[3]!.error as { code: string }).code, 'ERR_INVALID_ADDRESS');
    assert.equal(r.stderr, '');
  });

  test('usage errors exit 2; --help exits 0', async () => {
    assert.equal((await fe80(['parse'])).code, 2);
    assert.equal((await fe80(['parse', '--as', 'host', 'x'])).code, 2);
    assert.equal((await fe80(['parse', '--bogus', 'x'])).code, 2);
    const h = await fe80(['parse', '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /^usage: fe80 parse/);
  });

  test('stdin lines end at LF only: CRLF loses its CR, a lone CR stays inside the line', async () => {
    const cases: { name: string; input: string; rows: [input: string, valid: boolean, code: string | null][] }[] = [
      { name: 'lone CR inside a line', input: 'fe80::1%a\rb\n', rows: [['fe80::1%a\rb', false, 'ERR_INVALID_ZONE']] },
      { name: 'CRLF', input: 'fe80::1%eth0\r\n::1\r\n', rows: [['fe80::1%eth0', true, null], ['::1', true, null]] },
      { name: 'one CR stripped, not two', input: 'fe80::1%eth0\r\r\n', rows: [['fe80::1%eth0\r', false, 'ERR_INVALID_ZONE']] },
      { name: 'last line without LF (CRLF file)', input: '::1\r\nfe80::2%x\r', rows: [['::1', true, null], ['fe80::2%x', true, null]] },
      { name: 'CR-only file is one line', input: '::1\r::2\r', rows: [['::1\r::2', false, 'ERR_INVALID_ADDRESS']] },
      { name: 'empty lines are inputs too', input: '\n\r\n::1\n', rows: [['', false, 'ERR_INVALID_ADDRESS'], ['', false, 'ERR_INVALID_ADDRESS'], ['::1', true, null]] },
    ];
    for (const c of cases) {
      const r = await fe80(['parse', '--json', '-'], c.input);
      const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { input: string; valid: boolean; error: { code: string } | null });
      assert.deepEqual(rows.map((row) => [row.input, row.valid, row.error?.code ?? null]), c.rows, c.name);
      assert.equal(r.code, c.rows.every(([, valid]) => valid) ? 0 : 1, c.name);
    }
  });

  test('a UTF-8 character split across stdin chunks stays whole', async () => {
    const child = spawnFe80(['parse', '--json', '-']);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const closed = once(child, 'close');
    const line = Buffer.from('fe80::1%é\n'); // 'é' is two bytes: send them in two writes
    const cut = line.indexOf(0xc3) + 1;
    child.stdin.write(line.subarray(0, cut));
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.stdin.end(line.subarray(cut));
    await closed;
    assert.equal((JSON.parse(stdout) as { input: string }).input, 'fe80::1%é');
  });

  test('streams 100,000 stdin lines: output starts before stdin ends', { timeout: 120_000 }, async () => {
    const N = 100_000;
    const forms = ['fe80::1%eth0', '[fe80::2%wlan0]:8080', '192.0.2.7', '2001:DB8::1', 'ff02::fb%3'];
    const chunk = (from: number, to: number) => {
      let s = '';
      for (let i = from; i < to; i++) s += `${forms[i % forms.length]}\n`;
      return s;
    };
    const child = spawnFe80(['parse', '--json', '-']);
    let lines = 0;
    let firstOutputBeforeEnd = false;
    let stdinEnded = false;
    let stderr = '';
    let pending = '';
    let sawFirst: () => void = () => {};
    const first = new Promise<void>((resolve) => (sawFirst = resolve));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (!stdinEnded) firstOutputBeforeEnd = true;
      sawFirst();
      pending += d;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const p of parts) {
        const row = JSON.parse(p) as { valid: boolean };
        assert.equal(row.valid, true);
        lines++;
      }
    });
    const closed = once(child, 'close');
    // First 1,000 lines, then wait until output appears while stdin is still open.
    child.stdin.write(chunk(0, 1000));
    await first;
    for (let i = 1000; i < N; i += 1000) {
      if (!child.stdin.write(chunk(i, Math.min(N, i + 1000)))) await once(child.stdin, 'drain');
    }
    stdinEnded = true;
    child.stdin.end();
    const [code] = (await closed) as [number];
    assert.equal(code, 0, stderr);
    assert.ok(firstOutputBeforeEnd, 'output arrived before stdin ended');
    assert.equal(lines, N);
  });
});
