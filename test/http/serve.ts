// Test helpers: start the fixture server (fe80 listen + node:http) in a lab namespace and wait
// until it listens; stop it again.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Lab, Link, Namespace } from '../../src/testing/index.js';

export interface Served {
  child: ChildProcess;
  endpoint: string;
  stop(): Promise<void>;
}

const SERVER = new URL('./fixtures/server.ts', import.meta.url);

export async function serve(ns: Namespace, config: { name: string; listen: string; tls?: { cert: string; key: string } }): Promise<Served> {
  const child = ns.spawnNode(SERVER, [JSON.stringify(config)]);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server ${config.name} did not start: ${stderr}`)), 15_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server ${config.name} exited (${code}): ${stderr}`));
    });
  });
  const { endpoint } = JSON.parse(line) as { endpoint: string };
  return {
    child,
    endpoint,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface TwoServers {
  client: Namespace;
  /** the client's ends of the two links (A leads to server s1, B to s2) */
  A: string;
  B: string;
  links: [Link, Link];
  servers: [Served, Served];
  stop(): Promise<void>;
}

/**
 * A client namespace with two links; behind each, a different server (`s1`, `s2`) on the same
 * address `[fe80::2]:port`, so only the zone tells them apart.
 */
export async function twoServers(lab: Lab, port: number): Promise<TwoServers> {
  const client = await lab.namespace('client');
  const s1 = await lab.namespace('s1');
  const s2 = await lab.namespace('s2');
  const l1 = await lab.link(client, s1);
  const l2 = await lab.link(client, s2);
  const servers: [Served, Served] = [
    await serve(s1, { name: 's1', listen: `[fe80::2%${l1.b.name}]:${port}` }),
    await serve(s2, { name: 's2', listen: `[fe80::2%${l2.b.name}]:${port}` }),
  ];
  return {
    client,
    A: l1.a.name,
    B: l2.a.name,
    links: [l1, l2],
    servers,
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
