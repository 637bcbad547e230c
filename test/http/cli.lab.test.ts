// `fe80 fetch` end to end, run inside a lab namespace against a server built with fe80.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labTest } from '../../src/testing/index.js';
import type { ExecResult } from '../../src/testing/index.js';
import { serve } from './serve.js';
import { selfSigned } from './tls-cert.js';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url);

function exit(r: ExecResult, code: number): void {
  assert.equal(r.code, code, `exit ${r.code}, stderr: ${r.stderr}`);
}
const json = (r: ExecResult) => JSON.parse(r.stdout) as { path: string; method: string; host: string; body: string; servername: unknown; headers: Record<string, string> };

labTest('http: fe80 fetch CLI inside a namespace', async (lab) => {
  const client = await lab.namespace('client');
  const server = await lab.namespace('server');
  const link = await lab.link(client, server);
  const IF = link.a.name;
  const dir = await mkdtemp(join(tmpdir(), 'fe80-cli-'));
  const cert = await selfSigned('fe80::2');
  await writeFile(join(dir, 'data.txt'), 'from-file');
  await writeFile(join(dir, 'ca.pem'), cert.cert);
  const plain = await serve(server, { name: 'plain', listen: `[fe80::2%${link.b.name}]:8080` });
  const secure = await serve(server, { name: 'secure', listen: `[fe80::2%${link.b.name}]:8443`, tls: cert });
  const base = `http://[fe80::2%25${IF}]:8080`;
  const https = `https://[fe80::2%25${IF}]:8443/tls`;
  const to = encodeURIComponent(`http://[fe80::2%25${IF}]:8080/landed`);
  // every invocation is a fresh `node src/cli/main.ts fetch ...` in the client namespace; they
  // are independent, so they run a few at a time
  const calls: Record<string, string[]> = {
    include: [`${base}/cli`, '-i'],
    typed: [`http://[fe80::2%${IF}]:8080/typed`],
    zoneOption: ['http://[fe80::2]:8080/zone-option', '--zone', IF],
    zoneAuto: ['http://[fe80::2]:8080/zone-auto', '--zone', 'auto'],
    put: [`${base}/put`, '-X', 'PUT', '-H', 'X-Test: yes', '-d', 'a=1', '-d', `@${join(dir, 'data.txt')}`],
    post: [`${base}/post`, '-d', 'x'],
    notFound: [`${base}/status/404`],
    notFoundFail: [`${base}/status/404`, '-f'],
    toFile: [`${base}/to-file`, '-o', join(dir, 'out.json')],
    redirectShown: [`${base}/redirect?to=${to}`, '-i'],
    redirectFollowed: [`${base}/redirect?to=${to}`, '-L'],
    redirectLoop: [`${base}/loop`, '-L', '--max-redirs', '2'],
    httpsCa: [https, '--cacert', join(dir, 'ca.pem')],
    httpsUntrusted: [https],
    httpsInsecure: [https, '-k'],
    noZone: ['http://[fe80::2]:8080/'],
    bypass: ['http://[::1%25.example.com]/'],
    noUrl: [],
    badHeader: [base, '-H', 'no colon'],
    badTimeout: [base, '--timeout', 'soon'],
  };
  const r: Record<string, ExecResult> = {};
  const queue = Object.entries(calls);
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) r[next[0]] = await client.execNode(MAIN, ['fetch', ...next[1]]);
  };
  try {
    await Promise.all([worker(), worker(), worker(), worker()]);

    // -i: status line and headers, then the body; Host without zone
    exit(r.include!, 0);
    const [head, body] = r.include!.stdout.split('\r\n\r\n') as [string, string];
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\ncontent-type: application\/json/);
    assert.deepEqual([JSON.parse(body).host, JSON.parse(body).method], ['[fe80::2]:8080', 'GET']);

    // typed form, --zone for a zone-free URL
    exit(r.typed!, 0);
    assert.equal(json(r.typed!).path, '/typed');
    exit(r.zoneOption!, 0);
    exit(r.zoneAuto!, 0);

    // -X, -H, -d, -d @file; -d alone means POST
    exit(r.put!, 0);
    const put = json(r.put!);
    assert.deepEqual([put.method, put.body, put.headers['x-test'], put.headers['content-type']], ['PUT', 'a=1&from-file', 'yes', 'application/x-www-form-urlencoded']);
    assert.equal(json(r.post!).method, 'POST');

    // status >= 400: exit 0 like curl, exit 1 with -f (and no body)
    exit(r.notFound!, 0);
    exit(r.notFoundFail!, 1);
    assert.equal(r.notFoundFail!.stdout, '');
    assert.match(r.notFoundFail!.stderr, /404/);

    // -o FILE
    exit(r.toFile!, 0);
    assert.equal(r.toFile!.stdout, '');
    assert.equal((JSON.parse(await readFile(join(dir, 'out.json'), 'utf8')) as { path: string }).path, '/to-file');

    // redirects: shown without -L, followed with -L (to a zoned Location), capped
    exit(r.redirectShown!, 0);
    assert.match(r.redirectShown!.stdout, /^HTTP\/1\.1 302 /);
    exit(r.redirectFollowed!, 0);
    assert.equal(json(r.redirectFollowed!).path, '/landed');
    exit(r.redirectLoop!, 1);
    assert.match(r.redirectLoop!.stderr, /ERR_HTTP/);

    // HTTPS: --cacert (no SNI), untrusted, -k
    exit(r.httpsCa!, 0);
    assert.equal(json(r.httpsCa!).servername, null);
    exit(r.httpsUntrusted!, 1);
    assert.match(r.httpsUntrusted!.stderr, /self-signed certificate/);
    exit(r.httpsInsecure!, 0);

    // errors exit 1, usage errors 2
    exit(r.noZone!, 1);
    assert.match(r.noZone!.stderr, /ERR_ZONE_REQUIRED/);
    exit(r.bypass!, 1);
    assert.match(r.bypass!.stderr, /ERR_INVALID_URL/);
    exit(r.noUrl!, 2);
    exit(r.badHeader!, 2);
    exit(r.badTimeout!, 2);
  } finally {
    await Promise.all([plain.stop(), secure.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}, { timeout: 90_000, prefix: 'ht' });
