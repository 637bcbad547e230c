// The gateway against simulated devices (src/testing/devices.ts) over lab links: two devices with
// the same fe80::2 on two links, one reached by its .local name (avahi-daemon answers), one over
// HTTPS with a self-signed certificate. Gateway and client run in the lab's client namespace.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { labTest, deviceLab, startDevice } from '../../src/testing/index.js';
import { selfSigned } from '../http/tls-cert.js';

const CLIENT = new URL('./fixtures/http-client.ts', import.meta.url);

type Reply = { status: number; headers: Record<string, string | string[]>; rawHeaders: string[]; body: string; bytes: number };
interface PerDevice {
  label: string;
  host: string;
  whoami: { host: string; origin: string | null; referer: string | null; rawHeaders: string[]; remotePort: number };
  whoami2: { remotePort: number };
  fromLanding: { origin: string | null; referer: string | null };
  index: Reply;
  css: Reply;
  js: Reply;
  redirect: Reply;
  gzip: Reply;
  login: Reply;
  csrf: Reply;
  download: { status: number; bytes: number; length: string };
  upload: { sent: string; got: { bytes: number; sha256: string; transferEncoding: string | null } };
  echo: string;
  head: Reply;
  untrusted?: Reply;
}
interface Out {
  port: number;
  devices: { label: string; localOrigin: string; host: string; trust?: string; certificate?: { fingerprint256: string } }[];
  addresses: string[];
  per: PerDevice[];
  foreign: number;
  rebound: number;
  unknownDevice: number;
  wrongPort: number;
  absoluteForm: number;
  landing: Reply;
  landingJson: { devices: { label: string }[] };
  wsForeign: string;
}

describe('gateway', { concurrency: true }, () => {
  labTest('two fe80::2 devices on two links and a .local name: rewriting, cookies, WebSocket, keep-alive, uploads, refusals', async (lab) => {
    const net = await deviceLab(lab, { peers: 2, links: 2 });
    const [d1, d2] = net.devices;
    const out = await net.client.runNode<Out>(CLIENT, [JSON.stringify({ devices: [d1!.url, d2!.url, `${d1!.name}.local`] })], { timeout: 120_000 });
    const port = out.port;
    assert.deepEqual(out.devices.map((d) => d.label), ['fe80-2-lab0', 'fe80-2-lab1', `${d1!.name}-lab0`]);
    assert.deepEqual(out.addresses.sort(), [`127.0.0.1:${port}`, `[::1]:${port}`]);
    const expectName = [d1!.name, d2!.name, d1!.name];
    for (const [i, r] of out.per.entries()) {
      const local = `http://${r.host}`;
      const deviceHost = i === 2 ? `${d1!.name}.local` : '[fe80::2]';
      const msg = `${r.label}`;
      // what reached the device: its own Host, Origin and Referer; no zone, interface, or gateway name
      assert.equal(r.whoami.host, deviceHost, msg);
      assert.equal(r.whoami.origin, `http://${deviceHost}`, msg);
      assert.equal(r.whoami.referer, `http://${deviceHost}/somewhere?x=1`, msg);
      const seen = r.whoami.rawHeaders.join('\n');
      for (const leak of ['lab0', 'lab1', 'localhost', '%', String(port), 'forwarded', 'via']) assert.ok(!seen.toLowerCase().includes(leak), `${msg}: ${leak} leaked: ${seen}`);
      assert.equal(r.fromLanding.origin, 'null', msg);
      assert.equal(r.fromLanding.referer, null, msg);
      // keep-alive to the device: the second request came over the same connection
      assert.equal(r.whoami2.remotePort, r.whoami.remotePort, msg);
      // pages: absolute links rewritten to the local origin, relative ones untouched
      assert.equal(r.index.status, 200);
      assert.match(r.index.body, new RegExp(`<h1 id="name">${expectName[i]}</h1>`));
      assert.ok(r.index.body.includes(`href="${local}/abs"`), r.index.body);
      assert.ok(r.index.body.includes('href="page2"'), r.index.body);
      assert.ok(r.index.body.includes(`src="${local}/app.js"`), r.index.body);
      assert.ok(!r.index.body.includes(`//${deviceHost}`), r.index.body);
      assert.ok(r.index.body.includes(`asked as ${deviceHost}`), 'bare text (no scheme) is left alone');
      assert.equal(r.index.headers['content-length'], undefined);
      assert.ok(r.css.body.includes(`url(${local}/bg.svg)`), r.css.body);
      assert.ok(r.js.body.includes(`'ws://${r.host}/echo'`), r.js.body);
      assert.equal(r.redirect.status, 302);
      assert.equal(r.redirect.headers.location, `${local}/landed`);
      // a gzip page is decoded and rewritten; zstd is never asked for
      assert.equal(r.gzip.headers['content-encoding'], undefined);
      assert.ok(r.gzip.body.includes(`href="${local}/abs"`), r.gzip.body);
      // login: the device's CSRF check passes through the gateway, the cookie is host-only
      assert.equal(r.login.status, 303, r.login.body);
      assert.equal(r.login.headers.location, `${local}/account`);
      const cookie = (r.login.headers['set-cookie'] as string[])[0]!;
      assert.match(cookie, /^session=/);
      assert.doesNotMatch(cookie, /domain/i);
      assert.match(cookie, /HttpOnly/);
      assert.equal(r.csrf.status, 403, 'a foreign Origin stays foreign');
      // a download streams untouched; a chunked upload arrives whole, still chunked
      assert.deepEqual(r.download, { status: 200, bytes: 10_000_000, length: '10000000' });
      assert.equal(r.upload.got.sha256, r.upload.sent);
      assert.equal(r.upload.got.bytes, 80 * 65536);
      assert.equal(r.upload.got.transferEncoding, 'chunked');
      assert.equal(r.echo, 'hello through the gateway');
      assert.equal(r.head.status, 200);
    }
    // the two fe80::2 are two devices
    assert.notEqual(out.per[0]!.index.body, out.per[1]!.index.body);
    // DNS rebinding / open proxy refusals
    assert.equal(out.foreign, 421);
    assert.equal(out.rebound, 421);
    assert.equal(out.unknownDevice, 421);
    assert.equal(out.wrongPort, 421);
    assert.equal(out.absoluteForm, 400);
    assert.match(out.wsForeign, /refused: .*421/);
    assert.equal(out.landing.status, 200);
    for (const d of out.devices) assert.ok(out.landing.body.includes(`href="${d.localOrigin}/"`), out.landing.body);
    assert.deepEqual(out.landingJson.devices.map((d) => d.label), out.devices.map((d) => d.label));
  });

  labTest('an HTTPS device with a self-signed certificate: refused until -k or its fingerprint is accepted', async (lab) => {
    const client = await lab.namespace('client');
    const peer = await lab.namespace('tls-device');
    const link = await lab.link(client, peer);
    const tls = await selfSigned('fe80::2');
    await startDevice(peer, { name: 'secure', tls, port: 8443 });
    const target = `[fe80::2%${link.a.name}]:8443`;
    const strict = await client.runNode<Out>(CLIENT, [JSON.stringify({ devices: [target] })], { timeout: 60_000 });
    assert.equal(strict.devices[0]!.trust, 'untrusted');
    assert.match(strict.devices[0]!.certificate!.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(strict.per[0]!.untrusted!.status, 502);
    assert.ok(strict.per[0]!.untrusted!.body.includes(strict.devices[0]!.certificate!.fingerprint256));
    assert.ok(strict.landing.body.includes(strict.devices[0]!.certificate!.fingerprint256), 'the landing page shows the fingerprint');
    assert.ok(strict.landing.body.includes('accept this certificate'));

    const insecure = await client.runNode<Out>(CLIENT, [JSON.stringify({ devices: [target], tls: { insecure: true } })], { timeout: 60_000 });
    assert.equal(insecure.devices[0]!.trust, 'insecure');
    const r = insecure.per[0]!;
    assert.equal(r.whoami.host, '[fe80::2]:8443');
    assert.ok(r.index.body.includes(`href="http://${r.host}/abs"`), r.index.body);
    assert.ok(r.js.body.includes(`'ws://${r.host}/echo'`), 'wss:// becomes ws:// on the local origin');
    assert.equal(r.echo, 'hello through the gateway');

    const pinned = await client.runNode<Out>(CLIENT, [JSON.stringify({ devices: [target], tls: { ca: tls.cert } })], { timeout: 60_000 });
    assert.equal(pinned.devices[0]!.trust, 'verified', 'the certificate verifies against --cacert (IP SAN fe80::2)');
    assert.equal(pinned.per[0]!.echo, 'hello through the gateway');
  });
});

labTest('gateway: a discovery source adds and removes devices; a port per device; the accept form only from the landing page', async (lab) => {
  const net = await deviceLab(lab, { peers: 2, links: 2, mdns: false });
  const [d1, d2] = net.devices;
  const out = await net.client.runNode<{
    listed: { id: string; label: string; source: string; portOrigin: string }[];
    discoveredPage: { status: number; body: string };
    byPort: { status: number; body: string };
    byPortForeign: number;
    landing: { body: string };
    trustForeign: number;
    trustFromDevice: number;
    afterLost: string[];
    lostName: number;
  }>(new URL('./fixtures/modes.ts', import.meta.url), [JSON.stringify({ a: d1!.url, b: d2!.url })]);
  assert.deepEqual(out.listed.map((d) => [d.id, d.label, d.source]), [
    ['fe80-2-lab0', 'fe80-2-lab0', 'opened'],
    ['mac-02:00:00:00:00:02@lab1', 'printer-lab1', 'discovered'],
  ]);
  assert.equal(JSON.parse(out.discoveredPage.body).name, d2!.name);
  for (const d of out.listed) assert.match(d.portOrigin, /^http:\/\/localhost:\d+$/);
  assert.match(out.byPort.body, new RegExp(`<h1 id="name">${d1!.name}</h1>`));
  assert.ok(out.byPort.body.includes(`href="${out.listed[0]!.portOrigin}/abs"`), 'rewritten to the origin the page was asked on');
  assert.equal(out.byPortForeign, 421);
  assert.ok(out.landing.body.includes('discovered'));
  assert.equal(out.trustForeign, 403);
  assert.equal(out.trustFromDevice, 403);
  assert.deepEqual(out.afterLost, ['fe80-2-lab0']);
  assert.equal(out.lostName, 421);
});
