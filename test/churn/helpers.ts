// Shared by the churn lab tests (run in the test process): veth pairs with a chosen ifindex,
// the agent (client) and peer helpers, all inside lab namespaces.
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Namespace } from '../../src/testing/index.js';

const run = promisify(execFile);
export const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);

export interface Veth {
  a: Namespace;
  b: Namespace;
  nameA: string;
  nameB: string;
  /** ifindex of end A; default: the kernel's choice */
  index?: number;
  addressA?: string;
  addressB?: string;
}

/** `ip -n` commands that make `v` (fixed link-local addresses with nodad, no kernel-generated ones) and bring it up. */
export function vethCommands(v: Veth): string[] {
  const a = `ip -n ${v.a.name}`;
  const b = `ip -n ${v.b.name}`;
  return [
    `${a} link add ${v.nameA}${v.index === undefined ? '' : ` index ${v.index}`} type veth peer name ${v.nameB} netns ${v.b.name}`,
    `${a} link set dev ${v.nameA} addrgenmode none`,
    `${b} link set dev ${v.nameB} addrgenmode none`,
    `${a} address add ${v.addressA ?? 'fe80::1'}/64 dev ${v.nameA} nodad`,
    `${b} address add ${v.addressB ?? 'fe80::2'}/64 dev ${v.nameB} nodad`,
    `${a} link set dev ${v.nameA} up`,
    `${b} link set dev ${v.nameB} up`,
  ];
}

/**
 * Runs `ip -n NS ...` commands back to back in one shell (a fault is a burst, as a USB re-plug
 * is). Every command names a lab namespace: nothing here touches the root namespace.
 */
export async function sh(commands: string[]): Promise<void> {
  for (const c of commands) if (!/^ip -n f8[0-9a-z]+ /.test(c)) throw new Error(`not a lab namespace command: ${c}`);
  await run('sh', ['-ec', commands.join('\n')], { env: { PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin` } });
}

/** Waits until `name` in `ns` has carrier (operstate UP). */
export async function waitUp(ns: Namespace, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [link] = JSON.parse(await ns.ip(['-j', 'link', 'show', 'dev', name])) as { operstate: string }[];
    if (link?.operstate === 'UP') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${name} in ${ns.label} never came up`);
}

/** A JSON-lines helper process: `ask(command)` writes one line and resolves with the next line of output. */
export interface Agent {
  child: ChildProcess;
  ask<T = Record<string, unknown>>(command: Record<string, unknown> | string): Promise<T>;
  close(): Promise<void>;
}

export async function spawnHelper(ns: Namespace, file: string, args: string[] = []): Promise<Agent> {
  const child = ns.spawnNode(fixture(file), args);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async <T>(): Promise<T> => {
    const r = await lines.next();
    if (r.done === true) throw new Error(`${file} in ${ns.label} ended; stderr: ${stderr}`);
    return JSON.parse(r.value as string) as T;
  };
  const ready = await next<{ ready?: boolean }>();
  if (ready.ready !== true) throw new Error(`${file}: unexpected first line ${JSON.stringify(ready)}`);
  return {
    child,
    ask: async <T>(command: Record<string, unknown> | string): Promise<T> => {
      child.stdin!.write(`${typeof command === 'string' ? command : JSON.stringify(command)}\n`);
      return next<T>();
    },
    close: async () => {
      child.stdin!.end();
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

/** The client agent (fixtures/agent.ts) in `ns`. */
export const agent = (ns: Namespace): Promise<Agent> => spawnHelper(ns, 'agent.ts');

/** A peer (fixtures/peer.ts) answering "ID" on each port; `counts()` asks it how many connections each port had. */
export async function peer(ns: Namespace, id: string, ports: number[]): Promise<{ counts(): Promise<Record<string, number>> }> {
  const p = await spawnHelper(ns, 'peer.ts', [id, ...ports.map(String)]);
  return { counts: () => p.ask<Record<string, number>>('count') };
}
