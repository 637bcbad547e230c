// connectTLS over a real link: self-signed certificates made with openssl whose IP SAN is the
// peer's link-local address (no zone: the zone is not part of identity), a certificate naming a
// host (servername override), and a SAN mismatch that must fail.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labTest } from '../../src/testing/index.js';
import { fixture, startServer, threeLinks } from './fixtures/util.js';

type Result = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function selfSigned(dir: string, name: string, san: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=fe80 test ${name}`, '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return { key, cert };
}

labTest(
  'connectTLS: IP SAN without zone, no SNI for IP literals, servername override, mismatch fails',
  async (lab, t) => {
    const dir = mkdtempSync(join(tmpdir(), 'fe80-tls-'));
    try {
      const ip = selfSigned(dir, 'ip', 'IP:fe80::2');
      const named = selfSigned(dir, 'named', 'DNS:device.test');
      const other = selfSigned(dir, 'other', 'IP:fe80::9');
      const topo = await threeLinks(lab);
      // only peer 1 speaks TLS; peer 2 (same address) refuses
      await startServer(topo.peers[0], {
        id: 'peer1',
        tls: [
          { port: 8443, ...ip },
          { port: 8444, ...named },
          { port: 8445, ...other },
        ],
      });
      const steps = [
        { op: 'tls', target: '[fe80::2%c1]:8443', ca: ip.cert }, // 0
        { op: 'tls', target: '[fe80::2%c1]:8444', ca: named.cert, options: { servername: 'device.test' } }, // 1
        { op: 'tls', target: '[fe80::2%c1]:8444', ca: named.cert }, // 2 cert names a host, no override
        { op: 'tls', target: '[fe80::2%c1]:8445', ca: other.cert }, // 3 IP SAN of another address
        { op: 'tls', target: '[fe80::2]:8443', ca: ip.cert, options: { zone: 'auto' } }, // 4 race
        { op: 'tls', target: '[fe80::2%c1]:8445', ca: other.cert, options: { rejectUnauthorized: false } }, // 5
        { op: 'tls', target: '[fe80::2%c1]:8443' }, // 6 unknown CA
        { op: 'tls', target: '[fe80::2%c1]:8443', ca: ip.cert, options: { servername: 7 } }, // 7 bad option
      ];
      const r = await topo.client.runNode<Result[]>(fixture('client.ts'), [JSON.stringify(steps)], { timeout: 60_000 });
      const data = (i: number): Result => JSON.parse(r[i]!['data']) as Result;

      await t.test('IP SAN matches the address bytes; no SNI sent', () => {
        assert.equal(r[0]!['ok'], true, JSON.stringify(r[0]));
        assert.equal(r[0]!['authorized'], true);
        assert.equal(data(0)['id'], 'peer1');
        assert.equal(data(0)['servername'], false, 'no SNI for an IP literal');
        assert.equal(r[0]!['interface'], 'c1');
      });
      await t.test('servername override for a certificate naming a host', () => {
        assert.equal(r[1]!['ok'], true, JSON.stringify(r[1]));
        assert.equal(data(1)['servername'], 'device.test');
        assert.equal(r[2]!['code'], 'ERR_CONNECT');
        assert.equal(r[2]!['causeCode'], 'ERR_TLS_CERT_ALTNAME_INVALID');
      });
      await t.test('SAN mismatch fails; rejectUnauthorized:false lets it through', () => {
        assert.equal(r[3]!['code'], 'ERR_CONNECT', JSON.stringify(r[3]));
        assert.equal(r[3]!['causeCode'], 'ERR_TLS_CERT_ALTNAME_INVALID');
        assert.match(r[3]!['message'], /TLS handshake with \[fe80::2%c1\]:8445/);
        assert.equal(r[5]!['ok'], true);
        assert.equal(r[5]!['authorized'], false);
        assert.equal(r[6]!['code'], 'ERR_CONNECT');
        assert.equal(r[6]!['causeCode'], 'DEPTH_ZERO_SELF_SIGNED_CERT');
        assert.equal(r[7]!['code'], 'ERR_INVALID_ARGUMENT');
      });
      await t.test('racing then TLS on the winner', () => {
        assert.equal(r[4]!['ok'], true, JSON.stringify(r[4]));
        assert.equal(r[4]!['interface'], 'c1');
        assert.equal(r[4]!['authorized'], true);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  { timeout: 60_000 },
);
