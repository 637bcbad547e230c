// `fe80 connect` and `fe80 listen` over a link, each spawned inside its own namespace.
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labTest } from '../../src/testing/index.js';
import { threeLinks } from './fixtures/util.js';

const tsx = import.meta.resolve('tsx');
const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const cli = (...args: string[]): [string, string[]] => [process.execPath, ['--import', tsx, main, ...args]];

/** Resolves with the port once the listener printed "listening on [..]:PORT". */
function listening(child: ChildProcess): Promise<{ endpoint: string; port: number }> {
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line: ${stderr}`)), 20_000);
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = /listening on (\S+:(\d+))\n/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve({ endpoint: m[1]!, port: Number(m[2]) });
      }
    });
    child.once('exit', (code) => reject(new Error(`listen exited ${code}: ${stderr}`)));
  });
}

labTest(
  'CLI: fe80 connect / fe80 listen over links, like nc',
  async (lab, t) => {
    const topo = await threeLinks(lab);
    const [p1, p2] = topo.peers;

    await t.test('listen --interface --echo, connect with a named zone and with --zone auto', async () => {
      const server = p1.spawn(...cli('listen', '--interface', 'p1', '--port', '0', '--echo'));
      let serverErr = '';
      server.stderr?.on('data', (c: Buffer) => (serverErr += c.toString()));
      const { endpoint, port } = await listening(server);
      assert.equal(endpoint, `[fe80::2%p1]:${port}`);

      const named = await topo.client.exec(...cli('connect', `[fe80::2%c1]:${port}`), { input: 'hello over c1\n' });
      assert.equal(named.code, 0, named.stderr);
      assert.equal(named.stdout, 'hello over c1\n');
      assert.equal(named.stderr, `connected to [fe80::2%c1]:${port} via c1\n`);

      const raced = await topo.client.exec(...cli('connect', `[fe80::2]:${port}`, '--zone', 'auto', '--attempt-delay', '50'), { input: 'raced\n' });
      assert.equal(raced.code, 0, raced.stderr);
      assert.equal(raced.stdout, 'raced\n');
      assert.match(raced.stderr, /via c1\n$/);
      assert.match(serverErr, /connection from \[fe80::1%p1\]:\d+\n/);
      server.kill('SIGTERM');
      await once(server, 'exit');
    });

    await t.test('listen ENDPOINT like nc -l: one connection, both directions, half-close', async () => {
      const server = p2.spawn(...cli('listen', '[fe80::2%p2]:7001'));
      let out = '';
      let err = '';
      server.stdout?.on('data', (c: Buffer) => (out += c.toString()));
      server.stderr?.on('data', (c: Buffer) => (err += c.toString()));
      const exited = once(server, 'exit'); // before the client runs: the server may exit first
      await listening(server);
      server.stdin?.end('pong\n');
      const client = await topo.client.exec(...cli('connect', '[fe80::2%c2]:7001'), { input: 'ping\n' });
      assert.equal(client.code, 0, client.stderr);
      assert.equal(client.stdout, 'pong\n');
      const [code] = (await exited) as [number];
      assert.equal(code, 0, err);
      assert.equal(out, 'ping\n');
      assert.match(err, /connection from \[fe80::1%p2\]:\d+\n/);
    });

    await t.test('connect --tls to openssl s_server (a TLS peer fe80 did not write)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fe80-cli-tls-'));
      try {
        const key = join(dir, 'key.pem');
        const cert = join(dir, 'cert.pem');
        execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
          '-subj', '/CN=fe80 cli test', '-addext', 'subjectAltName=IP:fe80::2', '-keyout', key, '-out', cert], { stdio: 'ignore' });
        // -rev: sends every line back reversed
        const server = p1.spawn('openssl', ['s_server', '-6', '-accept', '8443', '-cert', cert, '-key', key, '-rev', '-naccept', '2', '-quiet']);
        server.on('error', () => {});
        for (let i = 0; i < 100; i++) {
          if ((await p1.exec('ss', ['-Hltn', 'sport = :8443'])).stdout.trim() !== '') break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const r = await topo.client.exec(...cli('connect', '[fe80::2%c1]:8443', '--tls', '--ca', cert), { input: 'hello fe80\n' });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, '08ef olleh\n');
        assert.equal(r.stderr, 'connected to [fe80::2%c1]:8443 via c1\n');
        const bad = await topo.client.exec(...cli('connect', '[fe80::2%c1]:8443', '--tls'), { input: '' });
        assert.equal(bad.code, 1, 'self-signed and not trusted');
        assert.match(bad.stderr, /TLS handshake.*self[- ]signed.*\[ERR_CONNECT\]/i);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    await t.test('errors: missing zone lists candidates (exit 1), usage (exit 2)', async () => {
      const missing = await topo.client.exec(...cli('connect', '[fe80::2]:7001'), { input: '' });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /ERR_ZONE_REQUIRED/);
      assert.match(missing.stderr, /c1, c2, c3/);
      const refused = await topo.client.exec(...cli('connect', '[fe80::2%c1]:1'), { input: '' });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /ECONNREFUSED.*\[ERR_CONNECT\]/);
      const usage = await topo.client.exec(...cli('connect'), { input: '' });
      assert.equal(usage.code, 2);
      const badListen = await topo.client.exec(...cli('listen', '--interface', 'nosuch0', '--port', '1'), { input: '' });
      assert.equal(badListen.code, 1);
      assert.match(badListen.stderr, /ERR_UNKNOWN_INTERFACE/);
    });
  },
  { timeout: 90_000 },
);
