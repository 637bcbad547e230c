// A real browser through the gateway: headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) and the gateway in the lab's client namespace, two simulated devices with the
// same fe80::2 on two links in their own namespaces. Screenshots go to test-artifacts/gateway/.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { labTest, deviceLab } from '../../src/testing/index.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/gateway/', import.meta.url));

interface Per {
  label: string;
  origin: string;
  title: string;
  name: string;
  ws: string;
  background: string;
  secureContext: boolean;
  relative: { url: string; text: string };
  absolute: { url: string; text: string };
  redirect: { url: string; text: string };
  login: string;
  again: string;
  theme: string;
  errors: string[];
}
interface Out {
  port: number;
  per: Per[];
  cookies: { name: string; value: string; domain: string; httpOnly: boolean; secure: boolean }[];
  landing: { title: string; rows: string[]; links: string[] };
  openedFromLanding: string;
}

labTest(
  'gateway: Chromium opens two devices with the same fe80::2 side by side (links, redirect, login cookie, WebSocket, landing page)',
  async (lab) => {
    if (!existsSync('/usr/bin/chromium')) throw new Error('/usr/bin/chromium is missing: run .ci/install-peers.sh');
    const net = await deviceLab(lab, { peers: 2, links: 2, mdns: false });
    const devices = net.devices.map((d) => ({ url: d.url, name: d.name }));
    const out = await net.client.runNode<Out>(new URL('./fixtures/browser.ts', import.meta.url), [JSON.stringify({ devices, artifacts: ARTIFACTS })], { timeout: 180_000 });
    assert.equal(out.per.length, 2);
    for (const [i, r] of out.per.entries()) {
      const name = devices[i]!.name;
      assert.equal(r.title, name);
      assert.equal(r.name, name);
      assert.equal(r.secureContext, true, '*.localhost is a secure context');
      assert.equal(r.ws, `echo: ping from ${name}`);
      assert.ok(r.background.includes(`${r.origin}/bg.svg`), `CSS url() rewritten: ${r.background}`);
      assert.deepEqual(r.relative, { url: `${r.origin}/page2`, text: `page 2 of ${name}` });
      assert.deepEqual(r.absolute, { url: `${r.origin}/abs`, text: `absolute link target on ${name}` });
      assert.deepEqual(r.redirect, { url: `${r.origin}/landed`, text: `landed on ${name}` });
      assert.equal(r.login, `logged in as ${name}:user-${i}`);
      assert.equal(r.again, `logged in as ${name}:user-${i}`, 'the next request carries the cookie');
      assert.equal(r.theme, `theme ${name}`, 'a Secure cookie is kept and sent: *.localhost is a secure context');
      assert.deepEqual(r.errors, []);
    }
    // one host-only cookie per device origin: two jars although both devices are fe80::2
    const cookies = out.cookies.filter((c) => c.name === 'session').sort((a, b) => a.domain.localeCompare(b.domain));
    assert.deepEqual(
      cookies.map((c) => [c.domain, decodeURIComponent(c.value), c.httpOnly]),
      out.per.map((r, i) => [new URL(r.origin).hostname, `${devices[i]!.name}:user-${i}`, true]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    assert.deepEqual(
      out.cookies.filter((c) => c.name === 'theme').map((c) => c.secure),
      [true, true],
    );
    assert.equal(out.landing.title, 'fe80 gateway');
    assert.deepEqual(out.landing.rows, out.per.map((r) => r.label));
    assert.deepEqual(out.landing.links, out.per.map((r) => `${r.origin}/`));
    assert.equal(out.openedFromLanding, devices[0]!.name);
    for (const file of ['landing.png', `device-${devices[0]!.name}-${out.per[0]!.label}.png`]) {
      assert.ok(statSync(`${ARTIFACTS}${file}`).size > 1000, `${file} saved`);
    }
  },
  { timeout: 240_000 },
);
