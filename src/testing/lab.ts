// The lab: network namespaces joined by veth pairs, extra interfaces, and guaranteed cleanup.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fe80Error, quote } from '../errors.js';
import { cleanupSync, deleteAll, killNamespaceProcesses, listNamespaces, listRootLinks, registerOpen, unregisterOpen } from './cleanup.js';
import { LabNamespace, type Namespace } from './namespace.js';
import { AVAHI_DIR_PREFIX, checkInterfaceName, checkPrefix, DEFAULT_PREFIX, staleNames, uniqueName } from './names.js';
import { ip, ipBatch, labError, run, sleep } from './run.js';
import { labSupport } from './support.js';

/** Options of {@link Lab.create}. */
export interface LabOptions {
  /** First characters of every generated name: 1-4 of `[a-z0-9]`, starting with a letter. Default `'f8'`. */
  prefix?: string;
}

/** Options of {@link Lab.link}. */
export interface LinkOptions {
  /** Interface name of end A (in namespace `a`). Default: a generated unique name. */
  nameA?: string;
  /**
   * Interface name of end B. Default: a generated unique name. When B is `'root'`, prefer the
   * default: a chosen name must be free in the root namespace, for every test running in parallel.
   */
  nameB?: string;
  /** IPv6 address of end A, `fe80::1` or `fe80::1/64` (default prefix /64), added with `nodad`. Default `fe80::1`. */
  addressA?: string;
  /** IPv6 address of end B, as `addressA`. Default `fe80::2`. */
  addressB?: string;
  /** Bring both ends up (default true). */
  up?: boolean;
  /** MAC address of end A, e.g. `02:00:00:00:00:0a`. Default: random. */
  macA?: string;
  /** MAC address of end B. Default: random. */
  macB?: string;
}

/** Options of {@link Lab.addInterface}. */
export interface InterfaceOptions {
  /** `ifb` (never has carrier), `bridge` (no ports), or `veth` (a pair, both ends in the namespace). */
  kind: 'ifb' | 'bridge' | 'veth';
  /** Interface name (1-15 bytes, Linux rules). Default: a generated unique name. */
  name?: string;
  /** For `veth`: the name of the other end. Default: a generated unique name. */
  peer?: string;
  /** Bring the interface (both ends of a veth) up. Default true. */
  up?: boolean;
  /**
   * Addresses for the interface (`fe80::1`, `2001:db8::1/64`; IPv6 ones get `nodad`). When given
   * (even `[]`), the kernel's own link-local address is turned off (`addrgenmode none`), so the
   * interface has exactly these. When omitted, the kernel defaults apply: an up interface gets an
   * EUI-64 link-local address after duplicate address detection (about a second, tentative until then).
   */
  addresses?: string[];
  /** MAC address. Default: random. */
  mac?: string;
}

/** One end of a {@link Link}. */
export interface LinkEnd {
  /** The namespace the end is in, or `'root'` for the caller's (initial) namespace. */
  readonly ns: Namespace | 'root';
  /** The interface name, the zone to use for the peer's address on this side: `fe80::2%${a.name}`. */
  readonly name: string;
  /** The end's link-local address without zone or prefix, e.g. `'fe80::2'`. */
  readonly address: string;
}

/** A veth pair made by {@link Lab.link}. */
export interface Link {
  readonly a: LinkEnd;
  readonly b: LinkEnd;
  /**
   * Sets one end up or down. Taking a link down makes the kernel drop its link-local address;
   * setting it up again restores the end's address (with `nodad`) and waits until it is usable.
   */
  setUp(end: 'a' | 'b', up: boolean): Promise<void>;
}

interface ParsedAddress {
  address: string;
  cidr: string;
  v6: boolean;
}

function parseAddress(text: string): ParsedAddress {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(address);
  const prefix = slash < 0 ? (family === 6 ? 64 : 24) : Number(text.slice(slash + 1));
  if (family === 0 || address.includes('%') || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32) || (slash >= 0 && !/^\d+$/.test(text.slice(slash + 1)))) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `lab address ${quote(text)} is not an IP address with an optional /prefix (no zone)`, { input: text });
  }
  return { address, cidr: `${address}/${prefix}`, v6: family === 6 };
}

function addrLine(dev: string, a: ParsedAddress, verb: 'add' | 'replace' = 'add'): string {
  return `address ${verb} ${a.cidr} dev ${dev}${a.v6 ? ' nodad' : ''}`;
}

function checkMac(mac: string): string {
  if (!/^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i.test(mac)) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `MAC address ${quote(mac)} is not six hex pairs separated by ":"`, { input: mac });
  }
  return mac;
}

interface Expect {
  name: string;
  addresses: string[];
  carrier: boolean;
}

interface IpAddrJson {
  ifname: string;
  operstate?: string;
  addr_info?: { local?: string; tentative?: boolean; dadfailed?: boolean }[];
}

/** Polls `ip -j addr` until every expected address is present and not tentative (and carrier, if asked). */
async function waitReady(ns: string | undefined, expect: Expect[], what: string, timeoutMs = 5_000): Promise<void> {
  if (expect.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    const json = JSON.parse(await ip(ns, ['-j', 'addr', 'show'])) as IpAddrJson[];
    const missing: string[] = [];
    for (const e of expect) {
      const link = json.find((l) => l.ifname === e.name);
      if (link === undefined) {
        missing.push(`${e.name} does not exist`);
        continue;
      }
      // operstate UP (not just the LOWER_UP flag): the kernel's linkwatch has started the device's
      // queue; before that, packets are dropped.
      if (e.carrier && link.operstate !== 'UP') missing.push(`${e.name} is ${link.operstate ?? 'not up'}`);
      for (const address of e.addresses) {
        const info = link.addr_info?.find((i) => i.local === address);
        if (info === undefined) missing.push(`${e.name} lacks ${address}`);
        else if (info.dadfailed) throw labError(`${what}: duplicate address detection failed for ${address} on ${e.name}`, `ip -j addr show`);
        else if (info.tentative) missing.push(`${address} on ${e.name} is tentative`);
      }
    }
    if (missing.length === 0) return;
    if (Date.now() > deadline) {
      throw labError(`${what}: not ready after ${timeoutMs} ms: ${missing.join('; ')}`, `ip${ns ? ` -n ${ns}` : ''} -j addr show`);
    }
    await sleep(delay);
  }
}

class LabLink implements Link {
  readonly a: LinkEnd;
  readonly b: LinkEnd;
  readonly #assertOpen: (what: string) => void;
  readonly #cidr: { a: ParsedAddress; b: ParsedAddress };
  readonly #up: { a: boolean; b: boolean };

  constructor(assertOpen: (what: string) => void, a: LinkEnd, b: LinkEnd, cidr: { a: ParsedAddress; b: ParsedAddress }, up: boolean) {
    this.#assertOpen = assertOpen;
    this.a = Object.freeze(a);
    this.b = Object.freeze(b);
    this.#cidr = cidr;
    this.#up = { a: up, b: up };
  }

  async setUp(end: 'a' | 'b', up: boolean): Promise<void> {
    if (end !== 'a' && end !== 'b') throw new Fe80Error('ERR_INVALID_ARGUMENT', `link end must be "a" or "b", not ${quote(String(end))}`);
    this.#assertOpen(`set link ${this[end].name} ${up ? 'up' : 'down'}`);
    const e = this[end];
    const other = end === 'a' ? 'b' : 'a';
    const ns = e.ns === 'root' ? undefined : e.ns.name;
    const lines = up
      ? [addrLine(e.name, this.#cidr[end], 'replace'), `link set dev ${e.name} up`]
      : [`link set dev ${e.name} down`];
    await ipBatch(ns, lines);
    this.#up[end] = up;
    if (up) {
      const waits = [waitReady(ns, [{ name: e.name, addresses: [e.address], carrier: this.#up[other] }], `setting ${e.name} up`)];
      if (this.#up[other]) {
        // The other end regains carrier too; until the kernel restarts its queue it drops packets.
        const o = this[other];
        waits.push(waitReady(o.ns === 'root' ? undefined : o.ns.name, [{ name: o.name, addresses: [o.address], carrier: true }], `setting ${e.name} up`));
      }
      await Promise.all(waits);
    }
  }
}

const swept = new Set<string>();

/** The temporary directories of devices in namespaces of dead labs (a killed process could not remove them). */
function sweepStaleDirs(prefix: string): void {
  let entries: string[];
  try {
    entries = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(AVAHI_DIR_PREFIX)) continue;
    const rest = entry.slice(AVAHI_DIR_PREFIX.length);
    const cut = rest.lastIndexOf('-'); // mkdtemp's random suffix follows the namespace name
    if (cut > 0 && staleNames([rest.slice(0, cut)], prefix).length === 1) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
}

/** Deletes namespaces and root veths that earlier, killed runs with this prefix left behind (their pid is gone). */
async function sweepStale(prefix: string): Promise<void> {
  if (swept.has(prefix)) return;
  swept.add(prefix);
  sweepStaleDirs(prefix);
  const namespaces = staleNames(listNamespaces((await run('ip', ['netns', 'list'])).stdout), prefix);
  const links = staleNames(listRootLinks((await run('ip', ['-j', 'link', 'show'])).stdout), prefix);
  if (namespaces.length === 0 && links.length === 0) return;
  try {
    for (const ns of namespaces) await killNamespaceProcesses(ns);
    await deleteAll(namespaces, links);
  } catch {
    // best effort: another process may be sweeping the same leftovers right now
  }
}

/**
 * A set of network namespaces and virtual links for one test, torn down by {@link Lab.close}.
 *
 * Every name it generates is unique per process and among concurrently running processes
 * (`f8` + pid + random + counter, at most 15 bytes; see names.ts), so labs in parallel test files or of parallel
 * users never collide. Needs root and iproute2 (see {@link labSupport}).
 *
 * @example
 * const lab = await Lab.create();
 * try {
 *   const [a, b] = [await lab.namespace('a'), await lab.namespace('b')];
 *   const link = await lab.link(a, b);            // fe80::1 in a, fe80::2 in b, both up
 *   const r = await a.exec('ping', ['-6', '-c1', '-W2', `${link.b.address}%${link.a.name}`]);
 * } finally {
 *   await lab.close();
 * }
 */
export class Lab {
  /** The prefix of every name this lab generates. */
  readonly prefix: string;
  readonly #namespaces = new Map<string, LabNamespace>();
  readonly #rootLinks = new Set<string>();
  readonly #children = new Set<ChildProcess>();
  /** What the process exit/signal hooks hold on to while this lab is open. */
  readonly #hook = { closeSync: () => this.#closeSync() };
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(prefix: string) {
    this.prefix = prefix;
  }

  /**
   * Creates an empty lab. Rejects with `Fe80Error` `ERR_LAB` when {@link labSupport} says no.
   * Also removes namespaces and veths that a killed earlier run (same prefix, dead pid) left behind.
   */
  static async create(options: LabOptions = {}): Promise<Lab> {
    const prefix = checkPrefix(options.prefix ?? DEFAULT_PREFIX);
    const support = labSupport();
    if (!support.ok) throw labError(`cannot create a lab: ${support.reason}`);
    await sweepStale(prefix);
    const lab = new Lab(prefix);
    registerOpen(lab.#hook);
    return lab;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The namespaces created so far, in creation order. */
  get namespaces(): readonly Namespace[] {
    return [...this.#namespaces.values()];
  }

  /** Throws ERR_LAB when the lab is closed. */
  #assertOpen(what: string): void {
    if (this.#closed) throw labError(`cannot ${what}: the lab is closed`);
  }

  #track(child: ChildProcess): void {
    if (this.#closed) {
      child.kill('SIGKILL');
      return;
    }
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
  }

  #own(ns: Namespace, what: string): LabNamespace {
    const mine = this.#namespaces.get(ns.name);
    if (mine === undefined || mine !== ns) {
      const which = typeof ns === 'object' && ns !== null ? `namespace ${quote(ns.name)} is not part of this lab` : `${quote(String(ns))} is not a namespace of this lab (only the second end of lab.link may be 'root')`;
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `cannot ${what}: ${which}`);
    }
    return mine;
  }

  /**
   * Creates a network namespace with `lo` up and nothing else.
   * @param label a name for messages (the real name is generated)
   */
  async namespace(label?: string): Promise<Namespace> {
    this.#assertOpen('create a namespace');
    const name = uniqueName(this.prefix);
    const ns = new LabNamespace({ assertOpen: (w) => this.#assertOpen(w), track: (c) => this.#track(c) }, name, label);
    await ip(undefined, ['netns', 'add', name]);
    this.#namespaces.set(name, ns); // right after creating it: close() removes it even if the next step fails
    if (this.#closed) {
      // close() ran while `ip netns add` did (e.g. labTest timed out): it did not see this one
      await ip(undefined, ['netns', 'del', name]);
      this.#assertOpen('create a namespace');
    }
    await ip(name, ['link', 'set', 'dev', 'lo', 'up']);
    return ns;
  }

  /**
   * Joins two namespaces (or a namespace and the root namespace) with a veth pair. By default each
   * end gets a fixed link-local address with `nodad` (`fe80::1` on A, `fe80::2` on B, /64) and
   * `addrgenmode none` (so no second, kernel-generated link-local address appears), both ends are
   * up, and the call returns once both addresses are usable (not tentative) and the link has carrier.
   * Keep traffic-making clients in namespaces even when one end is in `'root'`.
   */
  async link(a: Namespace, b: Namespace | 'root', options: LinkOptions = {}): Promise<Link> {
    this.#assertOpen('create a link');
    const nsA = this.#own(a, 'link');
    const nsB = b === 'root' ? 'root' : this.#own(b, 'link');
    if (nsA === nsB) throw new Fe80Error('ERR_INVALID_ARGUMENT', 'lab.link needs two different namespaces; use addInterface({ kind: "veth" }) for a pair inside one namespace');
    const nameA = checkInterfaceName(options.nameA ?? uniqueName(this.prefix));
    const nameB = checkInterfaceName(options.nameB ?? uniqueName(this.prefix));
    const addrA = parseAddress(options.addressA ?? 'fe80::1');
    const addrB = parseAddress(options.addressB ?? 'fe80::2');
    const macA = options.macA === undefined ? [] : ['address', checkMac(options.macA)];
    const macB = options.macB === undefined ? [] : ['address', checkMac(options.macB)];
    const up = options.up ?? true;

    const setup = (dev: string, addr: ParsedAddress) => [
      `link set dev ${dev} addrgenmode none`,
      addrLine(dev, addr),
      ...(up ? [`link set dev ${dev} up`] : []),
    ];
    let nsNameB: string | undefined;
    if (nsB === 'root') {
      await ip(undefined, ['link', 'add', 'name', nameB, ...macB, 'type', 'veth', 'peer', 'name', nameA, ...macA, 'netns', nsA.name]);
      // Only once it exists, so a name clash never makes close() delete someone else's interface.
      this.#rootLinks.add(nameB);
      if (this.#closed) {
        await ip(undefined, ['link', 'del', 'dev', nameB]); // close() ran meanwhile and did not see it
        this.#assertOpen('create a link');
      }
      await Promise.all([ipBatch(nsA.name, setup(nameA, addrA)), ipBatch(undefined, setup(nameB, addrB))]);
    } else {
      // Both ends are made in A (so they get different ifindexes), then B's end moves to B under a
      // temporary name and is renamed there. Same ifindex on both ends (2 and 2 in two fresh
      // namespaces) would make the kernel's linkwatch treat carrier-up as non-urgent and delay
      // the link's start by up to a second.
      nsNameB = nsB.name;
      const tmp = uniqueName(this.prefix);
      const mac = (m: string[]) => (m.length === 0 ? '' : ` ${m.join(' ')}`);
      await ipBatch(nsA.name, [
        `link add name ${nameA}${mac(macA)} type veth peer name ${tmp}${mac(macB)}`,
        `link set dev ${tmp} netns ${nsB.name}`,
        ...setup(nameA, addrA),
      ]);
      await ipBatch(nsB.name, [`link set dev ${tmp} name ${nameB}`, ...setup(nameB, addrB)]);
    }
    if (up) {
      await Promise.all([
        waitReady(nsA.name, [{ name: nameA, addresses: [addrA.address], carrier: true }], `link ${nameA}`),
        waitReady(nsNameB, [{ name: nameB, addresses: [addrB.address], carrier: true }], `link ${nameB}`),
      ]);
    }
    return new LabLink((w) => this.#assertOpen(w), { ns: nsA, name: nameA, address: addrA.address }, { ns: nsB, name: nameB, address: addrB.address }, { a: addrA, b: addrB }, up);
  }

  /**
   * Adds an interface that stays inside `ns`: an `ifb`, a `bridge` or a `veth` pair (both ends in
   * `ns`). Names may be anything Linux accepts (`br-lan`, `eth0.100`, `a-b_c.d`, 15 bytes); they
   * only need to be unique within the namespace. Resolves with the interface's name.
   */
  async addInterface(ns: Namespace, options: InterfaceOptions): Promise<string> {
    this.#assertOpen('add an interface');
    const own = this.#own(ns, 'add an interface');
    const kind = options.kind;
    if (kind !== 'ifb' && kind !== 'bridge' && kind !== 'veth') {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `interface kind must be "ifb", "bridge" or "veth", not ${quote(String(kind))}`);
    }
    const name = checkInterfaceName(options.name ?? uniqueName(this.prefix));
    const peer = kind === 'veth' ? checkInterfaceName(options.peer ?? uniqueName(this.prefix)) : undefined;
    const addresses = options.addresses?.map(parseAddress);
    const up = options.up ?? true;
    const mac = options.mac === undefined ? '' : ` address ${checkMac(options.mac)}`;
    const devs = peer === undefined ? [name] : [name, peer];
    const lines = [
      peer === undefined ? `link add name ${name}${mac} type ${kind}` : `link add name ${name}${mac} type veth peer name ${peer}`,
      ...(addresses === undefined ? [] : devs.map((d) => `link set dev ${d} addrgenmode none`)),
      ...(addresses ?? []).map((a) => addrLine(name, a)),
      ...(up ? devs.map((d) => `link set dev ${d} up`) : []),
    ];
    await ipBatch(own.name, lines);
    if (up) {
      const expect = [{ name, addresses: (addresses ?? []).map((a) => a.address), carrier: kind === 'veth' }];
      if (peer !== undefined) expect.push({ name: peer, addresses: [], carrier: true });
      await waitReady(own.name, expect, `interface ${name}`);
    }
    return name;
  }

  /**
   * Tears everything down: SIGKILLs every process in every namespace of the lab (tracked or not)
   * and waits until they are gone, deletes root-side veth ends, then the namespaces. Idempotent;
   * concurrent calls share one teardown. Rejects with `ERR_LAB` only if something could not be removed.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    for (const child of this.#children) child.kill('SIGKILL');
    const namespaces = [...this.#namespaces.keys()];
    const errors: unknown[] = [];
    await Promise.all(namespaces.map((n) => killNamespaceProcesses(n).catch((e: unknown) => errors.push(e))));
    await deleteAll(namespaces, [...this.#rootLinks]).catch((e: unknown) => errors.push(e));
    this.#children.clear();
    unregisterOpen(this.#hook);
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw labError(`lab cleanup failed: ${errors.map((e) => (e as Error).message).join('; ')}`);
  }

  /** Synchronous teardown for process exit and signals. */
  #closeSync(): void {
    this.#closed = true;
    for (const child of this.#children) child.kill('SIGKILL');
    cleanupSync([...this.#namespaces.keys()], [...this.#rootLinks]);
    unregisterOpen(this.#hook);
  }
}
