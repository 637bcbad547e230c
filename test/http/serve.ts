// Test helpers: start the fixture server (fe80 listen + node:http) in a lab namespace and wait
// until it listens; stop it again.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Namespace } from '../../src/testing/index.js';

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
