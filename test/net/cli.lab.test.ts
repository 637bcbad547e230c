// `fe80 connect` and `fe80 listen` over a link, each spawned inside its own namespace.
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labTest } from '../../src/testing/index.js';
import type { Namespace } from '../../src/testing/index.js';
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

/** Resolves with [exit code, stderr] once `child` exits. */
function exited(child: ChildProcess): Promise<[number | null, string]> {
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return once(child, 'exit').then(([code]) => [code as number | null, stderr]);
}

/**
 * One transfer over a link with files on stdin/stdout, as a user's shell would set them up:
 * `fe80 listen < listenIn > listenOut` in `server`, then `fe80 connect < connectIn > connectOut`.
 */
async function transfer(server: Namespace, client: Namespace, iface: { server: string; client: string }, files: Record<'listenIn' | 'listenOut' | 'connectIn' | 'connectOut', string>) {
  const fds = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, openSync(f, k.endsWith('In') ? 'r' : 'w')])) as Record<keyof typeof files, number>;
  try {
    const listener = server.spawn(...cli('listen', '--interface', iface.server, '--port', '0'), { stdio: [fds.listenIn, fds.listenOut, 'pipe'] });
    const listenDone = exited(listener);
    const { port } = await listening(listener);
    const connector = client.spawn(...cli('connect', `[fe80::2%${iface.client}]:${port}`), { stdio: [fds.connectIn, fds.connectOut, 'pipe'] });
    const [connect, listen] = await Promise.all([exited(connector), listenDone]);
    return { connect, listen };
  } finally {
    for (const fd of Object.values(fds)) closeSync(fd);
  }
}

/** Runs `fn` with a temp dir holding big.bin, 5 MiB of random bytes; removes the dir afterwards. */
async function withBigFile(fn: (dir: string, big: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fe80-cli-big-'));
  try {
    const big = join(dir, 'big.bin');
    writeFileSync(big, randomBytes(5 << 20));
    await fn(dir, big);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
      // a list races those interfaces in its order (c3 first: nothing listens there for this port)
      const listed = await topo.client.exec(...cli('connect', `[fe80::2]:${port}`, '--zone', 'c3,c1', '--attempt-delay', '0'), { input: 'listed\n' });
      assert.equal(listed.code, 0, listed.stderr);
      assert.equal(listed.stdout, 'listed\n');
      assert.match(listed.stderr, /via c1\n$/);
      const emptyEntry = await topo.client.exec(...cli('connect', `[fe80::2]:${port}`, '--zone', 'c1,'), { input: '' });
      assert.equal(emptyEntry.code, 2, emptyEntry.stderr);
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

    await t.test('half-close: each side sends all of its stdin after the other side\'s FIN (nc -N)', () =>
      withBigFile(async (dir, big) => {
        const empty = '/dev/null';
        const out = (name: string) => join(dir, name);
        // [who has the data, files]: the other side's stdin is empty, so it half-closes at once
        const cases = [
          { sender: 'connect', files: { listenIn: empty, listenOut: out('l1'), connectIn: big, connectOut: out('c1') }, received: out('l1') },
          { sender: 'listen', files: { listenIn: big, listenOut: out('l2'), connectIn: empty, connectOut: out('c2') }, received: out('c2') },
        ];
        for (const c of cases) {
          const r = await transfer(p2, topo.client, { server: 'p2', client: 'c2' }, c.files);
          assert.deepEqual([r.connect[0], r.listen[0]], [0, 0], `${c.sender} sends: ${r.connect[1]} ${r.listen[1]}`);
          assert.ok(readFileSync(c.received).equals(readFileSync(big)), `${c.sender} sends: all 5 MiB arrive`);
        }
      }));

    await t.test('connect | head -c 10 with a chatty peer: exit 141, no stack trace', () =>
      withBigFile(async (_dir, big) => {
        const fd = openSync(big, 'r');
        const listener = p2.spawn(...cli('listen', '--interface', 'p2', '--port', '0'), { stdio: [fd, 'ignore', 'pipe'] });
        closeSync(fd);
        const listenDone = exited(listener);
        const { port } = await listening(listener);
        const connector = topo.client.spawn(...cli('connect', `[fe80::2%c2]:${port}`), { stdio: ['pipe', 'pipe', 'pipe'] });
        const done = exited(connector);
        connector.stdout?.once('data', () => connector.stdout?.destroy()); // head -c 10: read once, close
        const [code, stderr] = await done;
        assert.equal(code, 141, stderr);
        assert.doesNotMatch(stderr, /Unhandled|EPIPE|\n\s+at /);
        listener.kill('SIGTERM');
        await listenDone;
      }));

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
