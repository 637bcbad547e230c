// Host names wherever an address is taken: connect, connectTLS and UDP send to a `.local` name
// that avahi-daemon (Debian) publishes on one of three links, and to names from the system
// resolver (/etc/hosts bind-mounted in the client's private mount namespace) whose link-local
// answers have no zone. Every (answer x zone) candidate goes through the one racer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labTest } from '../../src/testing/index.js';
import { startAvahi } from '../dns/fixtures/avahi.js';
import { fixture, startServer, threeLinks } from './fixtures/util.js';

type Result = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

labTest(
  'names in connect, connectTLS and UDP send: mDNS answers zoned to their link, system answers through the zone policy',
  async (lab, t) => {
    const dir = mkdtempSync(join(tmpdir(), 'fe80-names-'));
    try {
      const host = `fe80n${process.pid}`;
      const name = `${host}.local`;
      const key = join(dir, 'key.pem');
      const cert = join(dir, 'cert.pem');
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
        '-subj', '/CN=fe80 names', '-addext', `subjectAltName=DNS:${name}`, '-keyout', key, '-out', cert,
      ], { stdio: 'ignore' });
      const topo = await threeLinks(lab);
      // peer 1 publishes the name on p1 and serves; peer 2 has the same fe80::2 and serves too
      // (so a wrong link would answer), peer 3's link stays silent for mDNS
      await startServer(topo.peers[0], { id: 'peer1', tcp: [{ target: { port: 8080 }, mode: 'identity' }], tls: [{ port: 8443, key, cert }], udp: { port: 7000 } });
      await startServer(topo.peers[1], { id: 'peer2', tcp: [{ target: { port: 8080 }, mode: 'identity' }, { target: { port: 8081 }, mode: 'identity' }] });
      await startAvahi(topo.peers[0], { hostName: host, interfaces: ['p1'] });
      const hosts = `127.0.0.1 localhost\n::1 localhost\nfe80::2 peer.test\nfe80::3 three.test\n`;
      const steps = [
        { op: 'connect', target: `${name}:8080` }, // 0
        { op: 'connect', target: { host: name, port: 8080 } }, // 1 cached now
        { op: 'tls', target: `${name}:8443`, ca: cert }, // 2 SNI and identity = the name
        { op: 'udp', to: `${name}:7000` }, // 3
        { op: 'connect', target: `nosuch${process.pid}.local:8080`, options: { timeout: 5000 } }, // 4
        { op: 'connect', target: `${name}:8080`, options: { zone: 'c2' } }, // 5 mDNS only asked on c2: nobody answers there
        { op: 'hosts', content: hosts }, // 6
        { op: 'connect', target: 'peer.test:8081' }, // 7 zone-less link-local from /etc/hosts
        { op: 'connect', target: 'peer.test:8081', options: { zone: 'auto', attemptDelay: 10_000, timeout: 20_000 } }, // 8 raced: only peer 2 listens on 8081 (c1 refuses at once)
        { op: 'connect', target: { host: 'peer.test', port: 8080, zone: 'c1' } }, // 9 the target's own zone
        { op: 'connect', target: 'three.test:8080', options: { allowedInterfaces: ['c3'], zone: 'auto', timeout: 20_000 } }, // 10
        { op: 'connect', target: 'localhost:1', options: { timeout: 5000 } }, // 11 both loopback answers refused
        { op: 'connect', target: 'printer', options: {} }, // 12 not an endpoint
        { op: 'connect', target: 'printer:80', options: { timeout: 5000 } }, // 13 a single label: mDNS hint
      ];
      const r = await topo.client.runNode<Result[]>(fixture('client.ts'), [JSON.stringify(steps)], { timeout: 90_000 });
      await t.test('connect to NAME.local: the link the answer came over, the name on socket.fe80', () => {
        for (const i of [0, 1]) {
          assert.equal(r[i].ok, true, JSON.stringify(r[i]));
          assert.equal(JSON.parse(r[i].data).id, 'peer1');
          assert.equal(r[i].interface, 'c1');
          assert.equal(r[i].endpoint, '[fe80::2%c1]:8080');
          assert.equal(r[i].host, name);
          assert.equal(r[i].chosenBy, 'address', 'mDNS gave the zone');
        }
      });
      await t.test('connectTLS to a name: SNI and certificate identity are the name', () => {
        assert.equal(r[2].ok, true, JSON.stringify(r[2]));
        assert.equal(r[2].authorized, true);
        assert.equal(JSON.parse(r[2].data).servername, name);
      });
      await t.test('UDP send to a name', () => {
        assert.equal(r[3].ok, true, JSON.stringify(r[3]));
        assert.equal(r[3].reply.id, 'peer1');
        assert.match(r[3].from, /%c1\]:7000$/);
      });
      await t.test('a name nobody has: ERR_NOT_FOUND; asked only where the zone option says', () => {
        assert.equal(r[4].code, 'ERR_NOT_FOUND', JSON.stringify(r[4]));
        assert.equal(r[5].code, 'ERR_NOT_FOUND', JSON.stringify(r[5]));
        assert.match(r[5].message, /on c2\b/);
      });
      await t.test('system resolver: a zone-less link-local answer needs the zone policy', () => {
        assert.equal(r[7].code, 'ERR_ZONE_REQUIRED', JSON.stringify(r[7]));
        assert.match(r[7].message, /\[fe80::2%c1\]:8081/);
        assert.equal(r[8].ok, true, JSON.stringify(r[8]));
        assert.equal(JSON.parse(r[8].data).id, 'peer2');
        assert.equal(r[8].interface, 'c2');
        assert.equal(r[8].chosenBy, 'auto');
        assert.equal(r[9].ok, true, JSON.stringify(r[9]));
        assert.equal(JSON.parse(r[9].data).id, 'peer1');
        assert.equal(r[9].chosenBy, 'option');
        assert.equal(r[10].ok, false, JSON.stringify(r[10]));
        assert.equal(r[10].code, 'ERR_CONNECT', 'only c3 was tried (peer 3 listens on no port)');
        assert.deepEqual(r[10].attempts.map((a: { interface: string }) => a.interface), ['c3']);
      });
      await t.test('every answer is raced: one ERR_CONNECT listing both loopback attempts', () => {
        assert.equal(r[11].code, 'ERR_CONNECT', JSON.stringify(r[11]));
        assert.deepEqual(r[11].attempts.map((a: { endpoint: string }) => a.endpoint).sort(), ['127.0.0.1:1', '[::1]:1']);
        assert.match(r[11].message, /^connect to localhost:1 failed/);
      });
      await t.test('bad names: a precise error, a hint for a name only mDNS could answer', () => {
        assert.equal(r[12].code, 'ERR_INVALID_PORT', JSON.stringify(r[12]));
        assert.equal(r[13].code, 'ERR_NOT_FOUND', JSON.stringify(r[13]));
        assert.match(r[13].message, /printer\.local/);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  { timeout: 120_000, prefix: 'nm' },
);
