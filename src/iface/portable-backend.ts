// Portable backend (macOS, Windows, any other platform): os.networkInterfaces().
// Limits, all from libuv (fixtures/network-interfaces/README.md):
// - only interfaces that are up (Unix: IFF_UP and IFF_RUNNING; Windows: IfOperStatusUp) and have
//   an address are listed, so down interfaces are invisible;
// - the index is known only from the `scopeid` of an IPv6 link-local address (it equals the
//   ifindex there; global addresses have 0, Windows `::1` has 0), so an interface without a
//   link-local address gets index 0 = unknown;
// - no MTU and no multicast flag: `multicast` is assumed for every non-loopback interface.
import { networkInterfaces as osNetworkInterfaces } from 'node:os';
import { ScopedAddress } from '../addr/index.js';
import type { RawAddress, RawInterface, RegistryBackend } from './types.js';

/** One entry of os.networkInterfaces(), loosely typed: recorded outputs miss fields, Node 18.0-18.3 has numeric `family`. */
export interface NicEntry {
  address?: string;
  netmask?: string;
  family?: string | number;
  mac?: string;
  internal?: boolean;
  cidr?: string | null;
  scopeid?: number;
}
export type NetworkInterfacesFn = () => Record<string, NicEntry[] | undefined>;

export interface PortableBackendOptions {
  /** default `os.networkInterfaces` (tests pass recorded outputs) */
  networkInterfaces?: NetworkInterfacesFn;
  /** whose rules apply (names and zone style); default `process.platform` */
  platform?: NodeJS.Platform;
}

export class PortableBackend implements RegistryBackend {
  readonly name = 'portable';
  readonly nameRules: 'linux' | 'windows';
  /** Windows: zones are interface indexes (Node prints `fe80::1%13` there), elsewhere names */
  readonly zoneStyle: 'name' | 'index';
  readonly #networkInterfaces: NetworkInterfacesFn;
  /** one os.networkInterfaces() for the checks of one synchronous run */
  #turn: ReturnType<NetworkInterfacesFn> | undefined;

  constructor(options: PortableBackendOptions = {}) {
    const platform = options.platform ?? process.platform;
    this.nameRules = platform === 'win32' ? 'windows' : 'linux';
    this.zoneStyle = platform === 'win32' ? 'index' : 'name';
    this.#networkInterfaces = options.networkInterfaces ?? osNetworkInterfaces;
  }

  /**
   * Whether `name` still has index `index`: the scopeid of its link-local address in a fresh
   * os.networkInterfaces() (the only source here), shared by every check until the current
   * synchronous run ends (racing several interfaces checks each).
   */
  verify(name: string, index: number): boolean {
    if (this.#turn === undefined) {
      this.#turn = this.#networkInterfaces();
      queueMicrotask(() => (this.#turn = undefined));
    }
    const entries = this.#turn[name];
    return entries !== undefined && this.#parse(name, entries).index === index;
  }

  read(): RawInterface[] {
    const out: RawInterface[] = [];
    for (const [name, entries] of Object.entries(this.#networkInterfaces())) {
      if (entries !== undefined) out.push(this.#parse(name, entries));
    }
    return out;
  }

  #parse(name: string, entries: NicEntry[]): RawInterface {
    let index = 0;
    const addresses: RawAddress[] = [];
    for (const e of entries) {
      if (typeof e.address !== 'string') continue;
      const family = familyOf(e.family);
      if (family === undefined) continue;
      // Node 0.6 on Windows embedded the zone in the text (`fe80::5efe:192.168.1.6%13`)
      const percent = e.address.indexOf('%');
      const text = percent === -1 ? e.address : e.address.slice(0, percent);
      const parsed = ScopedAddress.tryParse(text);
      const prefixLength = prefixLengthOf(e);
      if (parsed === undefined || parsed.family !== family || prefixLength === undefined) continue;
      if (family === 6 && index === 0 && parsed.isLinkLocalUnicast()) {
        const scope = typeof e.scopeid === 'number' ? e.scopeid : percent === -1 ? 0 : Number(e.address.slice(percent + 1));
        if (Number.isInteger(scope) && scope > 0) index = scope;
      }
      addresses.push({ address: text, prefixLength });
    }
    const loopback = entries.some((e) => e.internal === true);
    return {
      name,
      index,
      up: true,
      running: true,
      loopback,
      multicast: !loopback,
      mac: entries.find((e) => typeof e.mac === 'string')?.mac,
      mtu: undefined,
      addresses,
    };
  }
}

function familyOf(family: string | number | undefined): 4 | 6 | undefined {
  if (family === 'IPv4' || family === 4) return 4;
  if (family === 'IPv6' || family === 6) return 6;
  return undefined;
}

/** Prefix length from `cidr` (`fe80::1/64`) or, on Node versions without it, from `netmask`. */
export function prefixLengthOf(e: NicEntry): number | undefined {
  if (typeof e.cidr === 'string') {
    const slash = e.cidr.lastIndexOf('/');
    const n = Number(e.cidr.slice(slash + 1));
    if (slash !== -1 && Number.isInteger(n)) return n;
  }
  if (typeof e.netmask !== 'string') return undefined;
  const v4 = e.netmask.includes('.');
  let bits = 0;
  for (const part of e.netmask.split(v4 ? '.' : ':')) {
    if (part === '') continue; // '::' in an IPv6 mask
    let v = Number.parseInt(part, v4 ? 10 : 16);
    if (!Number.isInteger(v)) return undefined;
    while (v > 0) {
      bits += v & 1;
      v >>>= 1;
    }
  }
  return bits;
}
