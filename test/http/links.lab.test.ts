// Two links where the same fe80::2 is two different servers (built with fe80 listen + node:http):
// %A and %B reach their own server and never share a pooled socket, through fetch, Dispatcher and
// Agent; redirects to zoned Locations; allowed interfaces; curl as a client of the fe80 server.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { labTest } from '../../src/testing/index.js';
import type { Echo } from './fixtures/echo.js';
import { twoServers } from './serve.js';

type Outcome<T = unknown> = { ok: T } | { error: string; message: string };
interface Fetched {
  status: number;
  url: string;
  redirected: boolean;
  echo: Echo;
}

function ok<T>(o: unknown, what: string): T {
  const outcome = o as Outcome<T>;
  assert.ok('ok' in outcome, `${what}: ${JSON.stringify(outcome)}`);
  return outcome.ok;
}
function failed(o: unknown, code: string, what: string): void {
  const outcome = o as Outcome;
  assert.ok('error' in outcome, `${what} should fail: ${JSON.stringify(outcome)}`);
  assert.equal(outcome.error, code, `${what}: ${outcome.message}`);
}

labTest('http: same fe80::2 on two links, separate pools, zoned redirects, curl', async (lab) => {
  const port = 8080;
  const two = await twoServers(lab, port);
  const { client, A, B } = two;
  const [l1] = two.links;
  // `ip netns exec` bind-mounts /etc/netns/NAME/hosts over /etc/hosts for that namespace only
  const etc = `/etc/netns/${client.name}`;
  const hadNetnsDir = existsSync('/etc/netns');
  await mkdir(etc, { recursive: true });
  await writeFile(`${etc}/hosts`, 'fe80::3 race.test\nfe80::2 race.test\n127.0.0.1 loop.test\n::1 loop.test\n');
  try {
    assert.equal(two.servers[0].endpoint, `[fe80::2%${l1.b.name}]:${port}`);
    const r = await client.runNode<Record<string, unknown>>(new URL('./fixtures/links-client.ts', import.meta.url), [JSON.stringify({ a: A, b: B, port })]);
    const serverOf = (zone: string) => (zone === A ? 's1' : 's2');

    // pooling: each zone its own server, and one reused keep-alive connection per zone
    const pooled = r.pooled as { zone: string; server: string; connection: number }[];
    for (const p of pooled) assert.equal(p.server, serverOf(p.zone), JSON.stringify(p));
    for (const zone of [A, B]) {
      const conns = new Set(pooled.filter((p) => p.zone === zone).map((p) => p.connection));
      assert.equal(conns.size, 1, `${zone}: one pooled connection reused, got ${[...conns].join(',')}`);
    }
    for (const p of r.parallel as { zone: string; server: string }[]) assert.equal(p.server, serverOf(p.zone), JSON.stringify(p));
    assert.deepEqual(r.dispatchers, ['s1', 's2', 's1', 's2']);
    const agentRuns = r.agent as { zone: string; server: string; connection: number; host: string }[];
    for (const p of agentRuns) {
      assert.equal(p.server, serverOf(p.zone), JSON.stringify(p));
      assert.equal(p.host, `[fe80::2]:${port}`, 'http.Agent: Host without zone');
    }
    for (const zone of [A, B]) {
      assert.equal(new Set(agentRuns.filter((p) => p.zone === zone).map((p) => p.connection)).size, 1, `agent ${zone}: one kept-alive socket`);
    }

    // redirects
    const zoned = ok<Fetched>(r.redirectZoned, 'redirectZoned');
    assert.equal(zoned.echo.server, 's2');
    assert.equal(zoned.echo.path, '/final');
    assert.equal(zoned.echo.host, `[fe80::2]:${port}`);
    assert.equal(zoned.url, `http://[fe80::2%25${B}]:${port}/final`);
    assert.equal(zoned.redirected, true);
    assert.equal(ok<Fetched>(r.redirectTyped, 'redirectTyped').echo.server, 's2');
    const relative = ok<Fetched>(r.redirectRelative, 'redirectRelative');
    assert.deepEqual([relative.echo.server, relative.echo.path], ['s2', '/final-relative']);
    const zoneFree = ok<Fetched>(r.redirectZoneFree, 'redirectZoneFree');
    assert.deepEqual([zoneFree.echo.server, zoneFree.echo.path], ['s2', '/final-zone-free'], 'a zone-free link-local Location stays on its link');
    assert.deepEqual(ok(r.redirectManual, 'redirectManual'), { status: 302, location: `http://[fe80::2%25${B}]:${port}/x` });
    failed(r.redirectLoop, 'ERR_HTTP', 'redirectLoop');
    failed(r.redirectNotAllowed, 'ERR_ZONE_NOT_ALLOWED', 'redirectNotAllowed');
    failed(r.redirectBypass, 'ERR_INVALID_URL', 'redirectBypass');
    const after303 = ok<Fetched>(r.redirect303, 'redirect303');
    assert.deepEqual([after303.echo.server, after303.echo.method, after303.echo.body], ['s2', 'GET', '']);
    assert.equal(after303.echo.headers.authorization, undefined, 'credentials do not follow to another origin (zone included)');
    assert.equal(after303.echo.headers['content-type'], undefined);
    const after307 = ok<Fetched>(r.redirect307, 'redirect307');
    assert.deepEqual([after307.echo.server, after307.echo.method, after307.echo.body, after307.echo.headers.authorization], ['s1', 'PUT', 'kept', 'Bearer same-origin']);
    failed(r.notAllowed, 'ERR_ZONE_NOT_ALLOWED', 'notAllowed');
    const fromRequest = ok<Fetched>(r.request, 'request');
    assert.deepEqual([fromRequest.echo.server, fromRequest.echo.method, fromRequest.echo.body], ['s2', 'POST', 'from a Request']);
    const resent = ok<Fetched>(r.request307, 'request307');
    assert.deepEqual([resent.echo.server, resent.echo.method, resent.echo.path, resent.echo.body], ['s2', 'POST', '/request-307', 'resent'], 'a Request body is resent on 307');
    for (const key of ['redirectLoopback4', 'redirectLoopback6', 'redirectName']) failed(r[key], 'ERR_ZONE_NOT_ALLOWED', key);
    assert.equal(r.loopbackHits, 0, 'allowedInterfaces: the loopback server was never reached');
    failed(r.refused, 'ERR_CONNECT', 'refused');
    const raced = ok<Fetched>(r.race, 'race');
    assert.deepEqual([raced.echo.server, raced.echo.host], ['s1', `race.test:${port}`], 'a name with an unreachable and a reachable address');
    const post = ok<Fetched>(r.post, 'post');
    assert.deepEqual([post.echo.server, post.echo.method, post.echo.body], ['s1', 'POST', 'hello']);
    assert.ok(post.echo.peer.endsWith(`%${l1.b.name}]:${post.echo.peer.split(':').pop()}`), `server sees a zoned peer: ${post.echo.peer}`);
    failed(r.timeout, 'ERR_TIMEOUT', 'timeout');
    assert.equal(r.openSocketsAfterClose, 0, 'no socket left open after closing the pools');

    // curl as a client of the fe80-built server: zone in the URL, not in Host
    const curl = await client.exec('curl', ['-sS', '-g', `http://[fe80::2%25${B}]:${port}/curl`]);
    assert.equal(curl.code, 0, curl.stderr);
    const seen = JSON.parse(curl.stdout) as Echo;
    assert.deepEqual([seen.server, seen.host, seen.path], ['s2', `[fe80::2]:${port}`, '/curl']);
  } finally {
    await two.stop();
    await rm(etc, { recursive: true, force: true });
    if (!hadNetnsDir) await rmdir('/etc/netns').catch(() => undefined); // only if still empty
  }
}, { timeout: 90_000, prefix: 'ht' });
