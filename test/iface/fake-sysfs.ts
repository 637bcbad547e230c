// A fake /sys + /proc tree in a temp dir for LinuxBackend tests.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeLink {
  name: string;
  index: number;
  /** hex flags as sysfs prints them, e.g. 0x1003 */
  flags: number;
  mtu?: number;
  mac?: string;
  operstate?: string;
  /** IPv6 addresses: [32 hex digits, prefix, scope, flags] */
  inet6?: [string, number, number, number][];
}

export interface FakeTree {
  root: string;
  sysfsRoot: string;
  procRoot: string;
  /** (re)write the tree for these links; `procNames` defaults to the same names (same namespace) */
  write(links: FakeLink[], options?: { procNames?: string[]; extraSysEntries?: string[] }): void;
  /**
   * Adds an interface whose name is `name`'s bytes (UTF-8 or not) after `write`: to sysfs, to
   * /proc/net/dev, and with `ll` (32 hex digits) to /proc/net/if_inet6 under `inet6Index` (default `index`).
   */
  addRaw(name: Buffer, index: number, options?: { ll?: string; inet6Index?: number }): void;
  remove(): void;
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

export function fakeTree(): FakeTree {
  const root = mkdtempSync(join(tmpdir(), 'fe80-sysfs-'));
  const sysfsRoot = join(root, 'sys');
  const procRoot = join(root, 'proc');
  return {
    root,
    sysfsRoot,
    procRoot,
    write(links, options = {}) {
      rmSync(sysfsRoot, { recursive: true, force: true });
      rmSync(procRoot, { recursive: true, force: true });
      const net = join(sysfsRoot, 'class', 'net');
      mkdirSync(net, { recursive: true });
      mkdirSync(join(procRoot, 'net'), { recursive: true });
      for (const l of links) {
        const d = join(net, l.name);
        mkdirSync(d);
        writeFileSync(join(d, 'ifindex'), `${l.index}\n`);
        writeFileSync(join(d, 'flags'), `0x${l.flags.toString(16)}\n`);
        writeFileSync(join(d, 'mtu'), `${l.mtu ?? 1500}\n`);
        writeFileSync(join(d, 'address'), `${l.mac ?? ''}\n`);
        writeFileSync(join(d, 'operstate'), `${l.operstate ?? 'unknown'}\n`);
      }
      for (const extra of options.extraSysEntries ?? []) writeFileSync(join(net, extra), '\n');
      const inet6 = links.flatMap((l) =>
        (l.inet6 ?? []).map(([hex, prefix, scope, flags]) => `${hex} ${hex2(l.index)} ${hex2(prefix)} ${hex2(scope)} ${hex2(flags)} ${l.name.padStart(8)}\n`),
      );
      writeFileSync(join(procRoot, 'net', 'if_inet6'), inet6.join(''));
      const names = options.procNames ?? links.map((l) => l.name);
      writeFileSync(
        join(procRoot, 'net', 'dev'),
        'Inter-|   Receive                                                |  Transmit\n' +
          ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
          names.map((n) => `${n.padStart(6)}:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n`).join(''),
      );
    },
    addRaw(name, index, options = {}) {
      const bytes = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
      const dir = bytes(join(sysfsRoot, 'class', 'net'), '/', name);
      mkdirSync(dir);
      for (const [file, value] of [['ifindex', `${index}`], ['flags', '0x1003'], ['mtu', '1500'], ['address', ''], ['operstate', 'up']]) {
        writeFileSync(bytes(dir, `/${file}`), `${value}\n`);
      }
      appendFileSync(join(procRoot, 'net', 'dev'), bytes('  ', name, ':       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n'));
      if (options.ll !== undefined) {
        appendFileSync(join(procRoot, 'net', 'if_inet6'), bytes(`${options.ll} ${hex2(options.inet6Index ?? index)} 40 20 80 `, name, '\n'));
      }
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
