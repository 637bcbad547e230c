// Linux backend: /sys/class/net/<name>/{ifindex,flags,mtu,address,operstate} for every interface
// (down ones and ones without addresses too), /proc/net/if_inet6 for IPv6 addresses and
// os.networkInterfaces() for IPv4 ones. No path is ever built from caller input: names come from
// readdir() of the sysfs directory only.
//
// The kernel's names are bytes, not text: any byte but NUL, '/', ':' and whitespace. Names are
// read as latin1 (one char per byte, so every name survives as it is: "raw") and turned into
// UTF-8 text only for the result. An interface whose name is not UTF-8 cannot be named by a zone
// (or by os.networkInterfaces(), which decodes lossily), so it is left out; its raw name still
// takes part in the namespace check, which would otherwise see sysfs and /proc disagree.
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { networkInterfaces as osNetworkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { RawAddress, RawInterface, RegistryBackend } from './types.js';
import { prefixLengthOf, type NetworkInterfacesFn } from './portable-backend.js';

// <linux/if.h>
const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;
const IFF_RUNNING = 0x40;
const IFF_MULTICAST = 0x1000;
/** The loopback device is ifindex 1 in every network namespace (LOOPBACK_IFINDEX, net/core/dev.c). */
const LOOPBACK_IFINDEX = 1;

export interface LinuxBackendOptions {
  /** root of sysfs; default `/sys` (reads `<sysfsRoot>/class/net`) */
  sysfsRoot?: string;
  /** root of procfs; default `/proc` (reads `<procRoot>/net/if_inet6` and `<procRoot>/net/dev`) */
  procRoot?: string;
  /** source of IPv4 addresses; default `os.networkInterfaces` */
  networkInterfaces?: NetworkInterfacesFn;
}

export class LinuxBackend implements RegistryBackend {
  readonly name = 'linux';
  readonly nameRules = 'linux' as const;
  readonly zoneStyle = 'name' as const;
  /**
   * What the last `read()` used. `'sysfs'` normally. `'proc'` when /sys/class/net is missing or
   * belongs to another network namespace (a bare `nsenter --net`/`unshare -n` does not remount
   * /sys): then names come from /proc/net/dev (which follows the caller's netns),
   * indexes from /proc/net/if_inet6 and os.networkInterfaces(), and interfaces without IPv6
   * addresses (except `lo`, always 1) have index 0 = unknown, flags as os.networkInterfaces() sees them.
   */
  mode: 'sysfs' | 'proc' = 'sysfs';
  /**
   * Interfaces the last `read()` left out because their names are not UTF-8 (an `ip link add
   * name $'\xff'` is allowed by the kernel), each written with `\xNN` escapes for those bytes.
   */
  skipped: string[] = [];
  readonly #netDir: string;
  readonly #procNet: string;
  readonly #networkInterfaces: NetworkInterfacesFn;

  constructor(options: LinuxBackendOptions = {}) {
    this.#netDir = join(options.sysfsRoot ?? '/sys', 'class', 'net');
    this.#procNet = join(options.procRoot ?? '/proc', 'net');
    this.#networkInterfaces = options.networkInterfaces ?? osNetworkInterfaces;
  }

  read(): RawInterface[] {
    let sysfs: SysEntry[] | undefined;
    let inet6: Inet6Line[] = []; // names raw
    let procNames: string[] | undefined; // raw
    // Twice: a link created or deleted between the reads below looks like a namespace mismatch.
    for (let attempt = 0; attempt < 2 && sysfs === undefined; attempt++) {
      const sys = tryRead(() => readdirSync(this.#netDir, 'latin1'));
      const fromSys = sys === undefined ? undefined : this.#fromSysfs(sys);
      procNames = tryRead(() => parseProcNetDev(readFileSync(join(this.#procNet, 'dev'), 'latin1')));
      inet6 = tryRead(() => parseIfInet6(readFileSync(join(this.#procNet, 'if_inet6'), 'latin1'))) ?? [];
      if (fromSys !== undefined && sameNamespace(fromSys, procNames, inet6)) sysfs = fromSys;
    }
    const nics = this.#networkInterfaces();
    this.mode = sysfs === undefined ? 'proc' : 'sysfs';
    const rawNames = sysfs?.map((e) => e.raw) ?? procNames ?? Object.keys(nics).map(toRaw);
    this.skipped = rawNames.filter((r) => utf8Name(r) === undefined).map(escapeRaw);
    const list = sysfs === undefined ? fromProc(rawNames, inet6, nics) : sysfs.flatMap((e) => e.nic ?? []);

    // Addresses: IPv4 from os.networkInterfaces() (alias labels `eth0:1` belong to `eth0`),
    // IPv6 from /proc/net/if_inet6 matched by ifindex (names can be renamed, indexes cannot).
    const byName = new Map(list.map((i) => [i.name, i]));
    const byIndex = new Map(list.filter((i) => i.index > 0).map((i) => [i.index, i]));
    for (const [label, entries] of Object.entries(nics)) {
      const colon = label.indexOf(':');
      const nic = byName.get(colon === -1 ? label : label.slice(0, colon));
      if (nic === undefined || entries === undefined) continue;
      for (const e of entries) {
        if ((e.family !== 'IPv4' && e.family !== 4) || typeof e.address !== 'string') continue;
        const prefixLength = prefixLengthOf(e);
        if (prefixLength !== undefined) nic.addresses.push({ address: e.address, prefixLength });
      }
    }
    for (const a of inet6) {
      const nic = byIndex.get(a.index) ?? byName.get(utf8Name(a.name) ?? '');
      if (nic !== undefined) nic.addresses.push({ address: a.bytes, prefixLength: a.prefixLength, flags: a.flags });
    }
    return list;
  }

  /**
   * Whether `name` still has ifindex `index`: one sysfs attribute (`/sys/class/net/NAME/ifindex`;
   * `name` comes from an earlier read, never from caller input). In 'proc' mode sysfs shows
   * another namespace, so /proc/net/if_inet6 answers instead (every interface a link-local zone
   * can use is there); an interface without IPv6 addresses is then reported as not verified.
   */
  verify(name: string, index: number): boolean {
    if (this.mode === 'sysfs') {
      const got = tryRead(() => Number.parseInt(readAttribute(join(this.#netDir, name, 'ifindex')), 10));
      return got === index;
    }
    const raw = toRaw(name);
    const lines = tryRead(() => parseIfInet6(readFileSync(join(this.#procNet, 'if_inet6'), 'latin1'))) ?? [];
    return lines.some((a) => a.index === index && a.name === raw);
  }

  /** Every interface in sysfs, by raw name; `nic` only for names that are UTF-8. */
  #fromSysfs(rawNames: string[]): SysEntry[] {
    const out: SysEntry[] = [];
    for (const raw of rawNames) {
      const name = utf8Name(raw);
      // ifindex first: a non-interface entry (`bonding_masters`) or a link deleted since readdir fails here
      const index = tryRead(() => Number.parseInt(readAttribute(name === undefined ? rawPath(this.#netDir, raw, 'ifindex') : join(this.#netDir, name, 'ifindex')), 10));
      if (index === undefined || !(index > 0)) continue;
      if (name === undefined) {
        out.push({ raw, index, nic: undefined }); // counted for the namespace check, not listed
        continue;
      }
      const dir = join(this.#netDir, name);
      const flags = tryRead(() => Number.parseInt(readAttribute(join(dir, 'flags')), 16)) ?? 0;
      const up = (flags & IFF_UP) !== 0;
      const operstate = up ? tryRead(() => readAttribute(join(dir, 'operstate')).trim()) : undefined;
      const mtu = tryRead(() => Number.parseInt(readAttribute(join(dir, 'mtu')), 10));
      const mac = tryRead(() => readAttribute(join(dir, 'address')).trim());
      const nic: RawInterface = {
        name,
        index,
        up,
        // sysfs `flags` is dev->flags, which never has IFF_RUNNING; dev_get_flags() derives it:
        // admin up and operstate UP or UNKNOWN (netif_oper_up)
        running: (flags & IFF_RUNNING) !== 0 || (up && (operstate === 'up' || operstate === 'unknown')),
        loopback: (flags & IFF_LOOPBACK) !== 0,
        multicast: (flags & IFF_MULTICAST) !== 0,
        mac: mac === undefined || mac === '' ? undefined : mac,
        mtu: mtu !== undefined && Number.isFinite(mtu) ? mtu : undefined,
        addresses: [],
      };
      out.push({ raw, index, nic });
    }
    return out;
  }
}

/** An interface seen in sysfs: its raw (latin1) name and index, and what is listed for it. */
interface SysEntry {
  raw: string;
  index: number;
  /** `undefined` when the name is not UTF-8 (left out, see the top of this file) */
  nic: RawInterface | undefined;
}

const ASCII = /^[\x00-\x7f]*$/;

/** A raw (latin1) name as UTF-8 text, or `undefined` when its bytes are not UTF-8. */
function utf8Name(raw: string): string | undefined {
  if (ASCII.test(raw)) return raw; // nearly every name: the same in both encodings
  const bytes = Buffer.from(raw, 'latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}

/** A name as Node gives it (UTF-8 text) in raw form. */
function toRaw(name: string): string {
  return ASCII.test(name) ? name : Buffer.from(name).toString('latin1');
}

/** A raw name for messages: bytes >= 0x80 as `\xNN`. */
function escapeRaw(raw: string): string {
  return raw.replace(/[\x80-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

/** `dir/raw/file` as bytes: a string path would be encoded as UTF-8, which a raw name is not. */
function rawPath(dir: string, raw: string, file: string): Buffer {
  return Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(raw, 'latin1'), Buffer.from(`/${file}`)]);
}

/** Degraded mode (see `mode`): what can be known without a sysfs of this namespace. `rawNames` latin1. */
function fromProc(rawNames: string[], inet6: Inet6Line[], nics: ReturnType<NetworkInterfacesFn>): RawInterface[] {
  return rawNames.flatMap((raw) => {
    const name = utf8Name(raw);
    if (name === undefined) return [];
    const entries = nics[name] ?? [];
    const index =
      inet6.find((a) => a.name === raw)?.index ??
      entries.find((e) => typeof e.scopeid === 'number' && e.scopeid > 0 && /^fe[89ab]/i.test(e.address ?? ''))?.scopeid ??
      (name === 'lo' ? LOOPBACK_IFINDEX : 0);
    const listed = entries.length > 0; // libuv lists only interfaces that are UP and RUNNING
    const loopback = name === 'lo' || entries.some((e) => e.internal);
    return {
      name,
      index,
      up: listed,
      running: listed,
      loopback,
      multicast: listed && !loopback,
      mac: entries[0]?.mac,
      mtu: undefined,
      addresses: [],
    };
  });
}

export interface Inet6Line {
  bytes: Uint8Array;
  index: number;
  prefixLength: number;
  scope: number;
  flags: number;
  name: string;
}

/** `/proc/net/if_inet6`: `%032x ifindex prefixlen scope flags name`, all hex (net/ipv6/addrconf.c if6_seq_show). */
export function parseIfInet6(text: string): Inet6Line[] {
  const out: Inet6Line[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const [hex, index, prefix, scope, flags, name] = f;
    if (f.length < 6 || hex === undefined || hex.length !== 32 || name === undefined) continue;
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 16; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    out.push({
      bytes,
      index: Number.parseInt(index ?? '', 16),
      prefixLength: Number.parseInt(prefix ?? '', 16),
      scope: Number.parseInt(scope ?? '', 16),
      flags: Number.parseInt(flags ?? '', 16),
      name,
    });
  }
  return out;
}

/** Interface names from `/proc/net/dev` (two header lines, then `  name: counters...`). */
export function parseProcNetDev(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':'); // names never contain ':' (dev_valid_name)
    if (colon > 0) out.push(line.slice(0, colon).trim());
  }
  return out;
}

/**
 * Does /sys/class/net describe the caller's network namespace? /proc/net/* always follows the
 * caller's netns, /sys only after a remount (`ip netns exec` does one, bare `nsenter` does not).
 * Compares raw names, so a name that is not UTF-8 matches itself.
 */
function sameNamespace(sys: SysEntry[], procNames: string[] | undefined, inet6: Inet6Line[]): boolean {
  const index = new Map(sys.map((e) => [e.raw, e.index]));
  if (procNames !== undefined && (procNames.length !== sys.length || !procNames.every((n) => index.has(n)))) return false;
  return inet6.every((a) => index.get(a.name) === a.index);
}

const attributeBuffer = Buffer.alloc(4096); // a sysfs attribute is at most one page

/** One sysfs attribute: open + read + close into a shared buffer (half the cost of readFileSync, which also fstat()s). */
function readAttribute(path: string | Buffer): string {
  const fd = openSync(path, 'r');
  try {
    const n = readSync(fd, attributeBuffer, 0, attributeBuffer.length, 0);
    return attributeBuffer.toString('latin1', 0, n);
  } finally {
    closeSync(fd);
  }
}

function tryRead<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
