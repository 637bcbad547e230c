// `.local` URLs: avahi-daemon (Debian) publishes the server's name in its namespace; fe80's fetch,
// Dispatcher and Agent resolve it with fe80's mDNS resolver (zone = arrival interface) and send
// `Host: NAME.local:PORT`.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labTest } from '../../src/testing/index.js';
import { serve } from './serve.js';

type Outcome = { ok: unknown } | { error: string; message: string };

labTest('http: fetch, Dispatcher and Agent to NAME.local published by avahi', async (lab) => {
  const client = await lab.namespace('client');
  const server = await lab.namespace('server');
  const link = await lab.link(client, server);
  const other = await lab.link(client, await lab.namespace('empty'));
  const host = `fe80http${process.pid}`;
  const dir = await mkdtemp(join(tmpdir(), 'fe80-avahi-'));
  await writeFile(
    join(dir, 'avahi.conf'),
    `[server]\nhost-name=${host}\ndomain-name=local\nuse-ipv4=no\nuse-ipv6=yes\nallow-interfaces=${link.b.name}\nenable-dbus=no\n` +
      `[wide-area]\nenable-wide-area=no\n[publish]\npublish-addresses=yes\npublish-hinfo=no\npublish-workstation=no\n`,
  );
  const avahi = server.spawn('sh', [
    '-c',
    `mount -t tmpfs tmpfs /run && mkdir -p /run/avahi-daemon && exec avahi-daemon --no-drop-root --no-chroot --no-rlimits --debug -f ${join(dir, 'avahi.conf')}`,
  ]);
  let log = '';
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`avahi did not start: ${log}`)), 15_000);
    const onData = (c: Buffer) => {
      log += c.toString();
      if (log.includes('Server startup complete')) {
        clearTimeout(timer);
        resolve();
      }
    };
    avahi.stdout?.on('data', onData);
    avahi.stderr?.on('data', onData);
    avahi.once('exit', (code) => reject(new Error(`avahi exited (${code}): ${log}`)));
  });
  const web = await serve(server, { name: 'named', listen: '[::]:8080' });
  try {
    await started;
    const r = await client.runNode<Record<string, Outcome | number>>(new URL('./fixtures/mdns-client.ts', import.meta.url), [
      JSON.stringify({ name: `${host}.local`, port: 8080, iface: link.a.name, other: other.a.name, peer: link.b.address }),
    ]);
    const ok = (key: string) => {
      const o = r[key] as Outcome;
      assert.ok('ok' in o, `${key}: ${JSON.stringify(o)}`);
      return o.ok as Record<string, unknown>;
    };
    const fetched = ok('fetch') as { status: number; url: string; echo: { host: string; path: string; peer: string } };
    assert.equal(fetched.status, 200);
    assert.equal(fetched.echo.host, `${host}.local:8080`);
    assert.equal(fetched.url, `http://${host}.local:8080/mdns-fetch`);
    assert.match(fetched.echo.peer, new RegExp(`%${link.b.name}\\]`), 'the client connected over the link-local address');
    assert.equal((ok('allowed') as { path: string }).path, '/mdns-allowed');
    const refused = r.notAllowed as Outcome;
    assert.ok('error' in refused && refused.error === 'ERR_NOT_FOUND', `only allowed links are asked: ${JSON.stringify(refused)}`);
    for (const key of ['redirectZoneFree', 'redirectZoneFreeAllowed']) {
      // two candidate links (link and other): only the arrival interface of the .local response says which
      const hop = ok(key) as { url: string; echo: { path: string; peer: string } };
      assert.equal(hop.url, `http://[${link.b.address}%25${link.a.name}]:8080/${key === 'redirectZoneFree' ? 'mdns-zone-free' : 'mdns-zone-free-allowed'}`, key);
      assert.match(hop.echo.peer, new RegExp(`%${link.b.name}\\]`), key);
    }
    assert.equal((ok('undici') as { host: string }).host, `${host}.local:8080`);
    assert.equal((ok('agent') as { host: string }).host, `${host}.local:8080`);
    assert.equal(r.openSocketsAfterClose, 0);
  } finally {
    await web.stop();
    if (avahi.exitCode === null && avahi.signalCode === null) {
      const exited = once(avahi, 'exit');
      avahi.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
}, { timeout: 60_000, prefix: 'ht' });
