// Resource hygiene: after 1,000 races and 5,000 concurrent connections to a server in a peer
// namespace, the client process (inside its namespace) has as many open fds as before.
import assert from 'node:assert/strict';
import { labTest, type Namespace } from '../../src/testing/index.js';
import { fixture, readyLine, threeLinks } from './fixtures/util.js';

type Result = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const tsx = import.meta.resolve('tsx');
const FDS = 'ulimit -n 65536 2>/dev/null || ulimit -n 20000; exec "$0" "$@"';
const nodeArgs = (file: string, arg: string): string[] => ['-c', FDS, process.execPath, '--import', tsx, new URL(file).pathname, arg];

async function bigServer(ns: Namespace, config: Record<string, unknown>): Promise<void> {
  await ns.exec('sysctl', ['-qw', 'net.core.somaxconn=8192']);
  await ns.exec('sysctl', ['-qw', 'net.ipv4.tcp_max_syn_backlog=8192']);
  const child = ns.spawn('sh', nodeArgs(fixture('server.ts').href, JSON.stringify(config)));
  await readyLine(child, `server ${String(config['id'])}`);
}

labTest(
  'hygiene: 1,000 races and 5,000 concurrent connections leave no fds behind',
  async (lab, t) => {
    const topo = await threeLinks(lab);
    const [, p2, p3] = topo.peers;
    // peer1 (fe80::2 behind c1) listens nowhere: it refuses. peer2 (fe80::2 behind c2) holds
    // connections on 8080; peer3 (fe80::3 behind c3) on 9090.
    await Promise.all([
      bigServer(p2, { id: 'peer2', tcp: [{ target: { port: 8080 }, mode: 'hold', backlog: 8192 }] }),
      bigServer(p3, { id: 'peer3', tcp: [{ target: { port: 9090 }, mode: 'hold', backlog: 8192 }] }),
    ]);
    const steps = [
      // c1 and c2 never answer (no fe80::3 behind them): cancelled in flight when c3 wins 20 ms later
      { op: 'races', count: 500, target: '[fe80::3]:9090', attemptDelay: 10, parallel: 20 },
      // all at once: c1 refuses (starting c2 at once), c2 wins, c3 (no fe80::2 there) is cancelled
      { op: 'races', count: 500, target: '[fe80::2]:8080', attemptDelay: 0, parallel: 10 },
      { op: 'concurrent', count: 5000, target: '[fe80::2%c2]:8080' },
    ];
    const out = await topo.client.exec('sh', nodeArgs(fixture('client.ts').href, JSON.stringify(steps)), { timeout: 120_000 });
    assert.equal(out.code, 0, out.stderr);
    const r = JSON.parse(out.stdout) as Result[];
    const [silent, allAtOnce, concurrent] = r as [Result, Result, Result];
    t.diagnostic(`fds: races (others silent) ${silent['before']} -> ${silent['after']}, races (all at once, refused + cancelled) ${allAtOnce['before']} -> ${allAtOnce['after']}, ` +
      `5,000 concurrent ${concurrent['before']} -> peak ${concurrent['peak']} -> ${concurrent['after']}; winners ${JSON.stringify(allAtOnce['interfaces'])}`);
    assert.equal(silent['failures'], 0, JSON.stringify(silent));
    assert.deepEqual(silent['interfaces'], { c3: 500 });
    assert.equal(allAtOnce['failures'], 0, JSON.stringify(allAtOnce));
    assert.deepEqual(allAtOnce['interfaces'], { c2: 500 });
    for (const x of [silent, allAtOnce]) assert.ok(x['after'] <= x['before'], `races: fds ${x['before']} -> ${x['after']}`);
    assert.equal(concurrent['connected'], 5000, JSON.stringify(concurrent));
    assert.ok(concurrent['peak'] >= concurrent['before'] + 5000, `5,000 sockets were open at once: ${JSON.stringify(concurrent)}`);
    assert.ok(concurrent['after'] <= concurrent['before'], `concurrent: fds ${concurrent['before']} -> ${concurrent['after']}`);
  },
  { timeout: 150_000 },
);
