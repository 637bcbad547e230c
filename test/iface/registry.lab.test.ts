// The interface registry (src/iface) and the `fe80 ifindex` / `fe80 ifname` CLI against the
// kernel, inside a lab namespace with a dozen interfaces of every kind: up and down veths, an
// ifb, a bridge, odd names, a 15-byte name, global-only and address-less interfaces.
// Oracles, run in the same namespace: Python's socket.if_nameindex() (if_nameindex(3)),
// `ip -j link` and `ip -j addr`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { labTest, type Namespace } from '../../src/testing/index.js';
import { CLI_MAIN, cliArgv } from '../helpers/cli.js';

const dumpScript = new URL('./fixtures/registry-dump.ts', import.meta.url);
// The pyenv shim costs ~180 ms per call; the system python is enough for socket.if_nameindex().
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

interface Dumped {
  interfaces: {
    name: string;
    index: number;
    up: boolean;
    running: boolean;
    loopback: boolean;
    multicast: boolean;
    mac: string | null;
    mtu: number | null;
    addresses: { text: string; address: string; zone: string | null; family: number; prefixLength: number; scope: string }[];
    linkLocal: string | null;
  }[];
  nameToIndex: Record<string, { value: number } | { error: { code: string | null; message: string } }>;
  indexToName: Record<string, { value: string } | { error: { code: string | null; message: string } }>;
  unknownIndex: { value: string } | { error: { code: string | null; message: string } };
}

interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  operstate: string;
  link_type: string;
  address?: string;
  addr_info?: { family: 'inet' | 'inet6'; local: string; prefixlen: number; scope: string; tentative?: boolean; dadfailed?: boolean }[];
}

interface Kernel {
  nameindex: [number, string][];
  links: IpLink[];
  addrs: IpLink[];
}

async function kernel(ns: Namespace | undefined): Promise<Kernel> {
  const run = async (cmd: string, args: string[]) => {
    if (ns) {
      const r = await ns.exec(cmd, args);
      assert.equal(r.code, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    }
    const { execFileSync } = await import('node:child_process');
    return execFileSync(cmd, args, { encoding: 'utf8' });
  };
  const [nameindex, links, addrs] = await Promise.all([
    run(python, ['-c', 'import socket,json; print(json.dumps(socket.if_nameindex()))']),
    run('ip', ['-j', 'link', 'show']),
    run('ip', ['-j', 'addr', 'show']),
  ]);
  return { nameindex: JSON.parse(nameindex), links: JSON.parse(links), addrs: JSON.parse(addrs) };
}

/** Every check of the registry dump against the kernel's answers. */
function compare(dump: Dumped, k: Kernel): void {
  const byIndex = [...k.nameindex].sort((x, y) => x[0] - y[0]);
  // 1. the same interfaces, the same indexes, in index order
  assert.deepEqual(
    dump.interfaces.map((i) => [i.index, i.name]),
    byIndex,
    'listInterfaces() (in order) vs if_nameindex(3)',
  );
  assert.deepEqual(
    k.links.map((l) => [l.ifindex, l.ifname]).sort((x, y) => (x[0] as number) - (y[0] as number)),
    byIndex,
    'ip -j link vs if_nameindex(3) (oracles agree)',
  );
  for (const [index, name] of byIndex) {
    assert.deepEqual(dump.nameToIndex[name], { value: index }, `nameToIndex(${JSON.stringify(name)})`);
    assert.deepEqual(dump.indexToName[String(index)], { value: name }, `indexToName(${index})`);
  }
  // names the kernel does not have (extra names given to the dump script)
  const known = new Set(byIndex.map(([, n]) => n));
  for (const [name, answer] of Object.entries(dump.nameToIndex)) {
    if (known.has(name)) continue;
    assert.ok('error' in answer && answer.error.code === 'ERR_UNKNOWN_INTERFACE', `nameToIndex(${JSON.stringify(name)}): ${JSON.stringify(answer)}`);
  }
  assert.ok('error' in dump.unknownIndex && dump.unknownIndex.error.code === 'ERR_UNKNOWN_INTERFACE', JSON.stringify(dump.unknownIndex));

  for (const info of dump.interfaces) {
    const link = k.links.find((l) => l.ifname === info.name)!;
    const addr = k.addrs.find((l) => l.ifname === info.name)!;
    const what = `${info.name} (${info.index})`;
    // 2. flags
    assert.equal(info.up, link.flags.includes('UP'), `${what}: up`);
    // IFF_RUNNING = up and operstate UP or UNKNOWN (netif_oper_up); ip prints operstate, not RUNNING
    assert.equal(info.running, link.flags.includes('UP') && (link.operstate === 'UP' || link.operstate === 'UNKNOWN'), `${what}: running (operstate ${link.operstate})`);
    assert.equal(info.loopback, link.flags.includes('LOOPBACK'), `${what}: loopback`);
    assert.equal(info.multicast, link.flags.includes('MULTICAST'), `${what}: multicast`);
    assert.equal(info.mtu, link.mtu, `${what}: mtu`);
    if (link.link_type === 'ether') assert.equal(info.mac, link.address, `${what}: mac`);
    // 3. addresses: every IPv6 (and IPv4) address the kernel has, with prefix length and scope
    const want = (addr.addr_info ?? [])
      .map((a) => `${a.local}/${a.prefixlen}`)
      .sort();
    const got = info.addresses.map((a) => `${a.address}/${a.prefixLength}`).sort();
    assert.deepEqual(got, want, `${what}: addresses vs ip -j addr`);
    for (const a of info.addresses) {
      const kernelScope = (addr.addr_info ?? []).find((x) => x.local === a.address)?.scope;
      if (a.family === 6) {
        const expected = kernelScope === 'link' ? 'link-local' : kernelScope === 'host' ? 'loopback' : 'global';
        assert.equal(a.scope, expected, `${what}: scope of ${a.address}`);
        assert.equal(a.zone, kernelScope === 'link' ? info.name : null, `${what}: zone of ${a.address}`);
      }
    }
    // 4. linkLocal: a usable IPv6 link-local address, zoned with the interface name; failing that
    //    a tentative one (src/iface/interface-info.ts: DAD ends within seconds); never a DAD-failed one
    const ll = (addr.addr_info ?? []).filter((a) => a.family === 'inet6' && a.scope === 'link' && !a.dadfailed);
    const usable = ll.filter((a) => !a.tentative);
    const lls = (usable.length > 0 ? usable : ll).map((a) => `${a.local}%${info.name}`);
    if (lls.length === 0) assert.equal(info.linkLocal, null, `${what}: linkLocal`);
    else if (lls.length === 1) assert.equal(info.linkLocal, lls[0], `${what}: linkLocal`);
    else assert.ok(info.linkLocal !== null && lls.includes(info.linkLocal), `${what}: linkLocal ${info.linkLocal} not in ${lls.join(', ')}`);
  }
}

/**
 * Waits until no address in the namespace is tentative (kernel link-locals go through DAD) and the
 * `expect`ed [interface, address] pairs exist.
 */
async function settle(ns: Namespace, expect: [string, string][] = []): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const links = JSON.parse(await ns.ip(['-j', 'addr', 'show'])) as IpLink[];
    const present = expect.every(([n, a]) => links.some((l) => l.ifname === n && l.addr_info?.some((x) => x.local === a)));
    if (present && !links.some((l) => l.addr_info?.some((a) => a.tentative))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`addresses still tentative or missing after 5 s: ${await ns.ip(['-br', 'addr'])}`);
}

const FIFTEEN = 'abcdefghijklmno';

labTest('registry and fe80 ifindex/ifname agree with the kernel in a namespace with a dozen interfaces', async (lab) => {
  const host = await lab.namespace('host');
  const peer = await lab.namespace('peer');
  // veth pairs to another namespace: up with a fixed link-local, down, and kernel-generated (EUI-64)
  await lab.link(host, peer, { nameA: 'eth0', addressA: 'fe80::1' });
  await lab.link(host, peer, { nameA: 'eth1', up: false });
  await lab.link(host, peer, { nameA: 'wlan_0', addressA: 'fe80::1' }); // the same LL on another link
  // interfaces that stay in the namespace
  await lab.addInterface(host, { kind: 'bridge', name: 'br-lan', addresses: ['fe80::b1', 'fd00:1::1/64'] });
  // eth0.100: a real VLAN on eth0 where the kernel has 8021q, else a veth with that name
  const vlan = await host.ip(['link', 'add', 'link', 'eth0', 'name', 'eth0.100', 'address', '02:00:00:00:01:00', 'type', 'vlan', 'id', '100']).then(
    () => true,
    () => false,
  );
  if (vlan) await host.ip(['link', 'set', 'dev', 'eth0.100', 'up']);
  else await lab.addInterface(host, { kind: 'veth', name: 'eth0.100', peer: 'eth0.101', mac: '02:00:00:00:01:00' }); // kernel LL fe80::ff:fe00:100
  await lab.addInterface(host, { kind: 'ifb', name: '100' }); // a name that looks like an index
  await lab.addInterface(host, { kind: 'ifb', name: 'a-b_c.d', up: false });
  await lab.addInterface(host, { kind: 'ifb', name: 'ifb-up' });
  await lab.addInterface(host, { kind: 'veth', name: FIFTEEN, peer: 'x15', addresses: ['fe80::15', 'fe80::16'] });
  await lab.addInterface(host, { kind: 'veth', name: 'global0', peer: 'global1', addresses: ['2001:db8::1/64'] });
  await lab.addInterface(host, { kind: 'veth', name: 'noaddr0', peer: 'noaddr1', addresses: [] });
  await lab.addInterface(host, { kind: 'veth', name: 'vdown0', peer: 'vdown1', up: false });
  await lab.addInterface(host, { kind: 'bridge', name: 'v4only', addresses: ['192.0.2.1/24'] });
  await settle(host, [['eth0.100', 'fe80::ff:fe00:100']]);

  const dump = await host.runNode<Dumped>(dumpScript, ['nosuch0']);
  const k = await kernel(host);
  assert.ok(dump.interfaces.length >= 17, `only ${dump.interfaces.length} interfaces`);
  for (const name of ['lo', 'eth0', 'eth1', 'wlan_0', 'br-lan', 'eth0.100', ...(vlan ? [] : ['eth0.101']), '100', 'a-b_c.d', 'ifb-up', FIFTEEN, 'x15', 'global0', 'noaddr0', 'vdown0', 'vdown1', 'v4only']) {
    assert.ok(dump.interfaces.some((i) => i.name === name), `registry lacks ${name}`);
  }
  compare(dump, k);

  // spot checks with known answers
  const get = (n: string) => dump.interfaces.find((i) => i.name === n)!;
  assert.equal(get('eth0').linkLocal, 'fe80::1%eth0');
  assert.equal(get('wlan_0').linkLocal, 'fe80::1%wlan_0');
  assert.equal(get('eth0.100').linkLocal, 'fe80::ff:fe00:100%eth0.100');
  assert.equal(get('global0').linkLocal, null);
  assert.deepEqual(get('global0').addresses.map((a) => [a.text, a.scope]), [['2001:db8::1', 'global']]);
  assert.deepEqual(get('noaddr0').addresses, []);
  assert.equal(get('noaddr0').up, true);
  assert.equal(get('a-b_c.d').up, false);
  assert.equal(get('vdown0').up, false);
  assert.equal(get('eth1').up, false);

  // the CLI, inside the namespace: fe80 ifindex NAME... and fe80 ifname INDEX... (the reverse)
  const names = dump.interfaces.map((i) => i.name);
  const indexes = dump.interfaces.map((i) => String(i.index));
  const ifindex = await host.execNode(CLI_MAIN, ['ifindex', ...names]);
  assert.equal(ifindex.code, 0, ifindex.stderr);
  const kernelIndex = new Map(k.nameindex.map(([i, n]) => [n, i]));
  assert.deepEqual(ifindex.stdout.trimEnd().split('\n'), names.map((n) => String(kernelIndex.get(n))), 'fe80 ifindex vs if_nameindex(3)');
  const ifname = await host.execNode(CLI_MAIN, ['ifname', ...indexes]);
  assert.equal(ifname.code, 0, ifname.stderr);
  assert.deepEqual(ifname.stdout.trimEnd().split('\n'), names, 'fe80 ifname is the reverse');
  const missing = await host.execNode(CLI_MAIN, ['ifindex', 'eth0', 'nosuch0']);
  assert.equal(missing.code, 1, missing.stderr);
  assert.equal(missing.stdout, `${kernelIndex.get('eth0')}\n`, 'the known name is still printed');
  assert.match(missing.stderr, /nosuch0/);

  // the peer namespace sees its own, different view
  const peerDump = await peer.runNode<Dumped>(dumpScript, ['nosuch0']);
  compare(peerDump, await kernel(peer));
  assert.equal(peerDump.interfaces.some((i) => i.name === 'br-lan'), false);
});

labTest('an interface whose name is not UTF-8 is left out; every other one keeps its index, MTU and MAC', async (lab) => {
  const ns = await lab.namespace();
  await lab.addInterface(ns, { kind: 'veth', name: 'good0', peer: 'vé1', mac: '02:00:00:00:02:00', addresses: ['fe80::1'] });
  await ns.ip(['link', 'set', 'dev', 'good0', 'mtu', '1400']);
  // Node passes argv as UTF-8 text, so the bytes \xff\xfe reach ip through the shell's printf.
  // Up, so that it has a link-local address in /proc/net/if_inet6 too.
  const bad = `"$(printf '\\377\\376')"`;
  const made = await ns.exec('sh', ['-c', `ip link add name ${bad} type ifb && ip link set dev ${bad} up`]);
  assert.equal(made.code, 0, made.stderr);
  await settle(ns);

  const dump = await ns.runNode<{ mode: string; skipped: string[]; interfaces: Dumped['interfaces'] }>(new URL('./dump-registry.ts', import.meta.url));
  assert.equal(dump.mode, 'sysfs', 'not degraded to /proc');
  assert.deepEqual(dump.skipped, ['\\xff\\xfe']);
  const links = JSON.parse(await ns.ip(['-j', 'link', 'show'])) as IpLink[];
  const good = links.filter((l) => !l.ifname.includes('\ufffd')); // ip's JSON has the raw bytes, decoded lossily here
  assert.equal(good.length, links.length - 1, 'the kernel has the interface');
  assert.deepEqual(
    dump.interfaces.map((i) => [i.name, i.index, i.mtu, i.mac]),
    good.map((l) => [l.ifname, l.ifindex, l.mtu, l.address ?? null]),
  );
  const cli = await ns.execNode(CLI_MAIN, ['ifindex', 'good0', 'vé1']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(cli.stdout, ['good0', 'vé1'].map((n) => `${good.find((l) => l.ifname === n)!.ifindex}\n`).join(''));
});

labTest('one registry follows changes: a renamed, a deleted and a re-created interface', async (lab) => {
  const ns = await lab.namespace();
  await lab.addInterface(ns, { kind: 'veth', name: 'old0', peer: 'old1', addresses: ['fe80::1'] });
  const server = ns.spawnNode(dumpScript, ['--serve']);
  const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
  const ask = async (extra: string[]): Promise<Dumped> => {
    server.stdin!.write(JSON.stringify(extra) + '\n');
    const next = await lines.next();
    assert.equal(next.done, false, 'registry-dump --serve ended');
    return JSON.parse(next.value as string) as Dumped;
  };
  const before = await ask(['new0']);
  compare(before, await kernel(ns));
  await ns.ip(['link', 'set', 'dev', 'old1', 'down']);
  await ns.ip(['link', 'set', 'dev', 'old1', 'name', 'new0']);
  // looking up the new name is a miss, which refreshes the cache
  const renamed = await ask(['new0', 'old1']);
  compare(renamed, await kernel(ns));
  assert.ok('value' in renamed.nameToIndex['new0']!, 'new0 found after a miss');
  await ns.ip(['link', 'del', 'dev', 'old0']); // deleting one end removes the pair
  await lab.addInterface(ns, { kind: 'bridge', name: 'br0', addresses: ['fe80::b0'] });
  const after = await ask(['br0', 'old0', 'new0']);
  compare(after, await kernel(ns));
  assert.ok('value' in after.nameToIndex['br0']!);
  assert.ok('error' in after.nameToIndex['old0']!, 'old0 is gone');
  server.stdin!.end();
});

// Read-only, no lab needed: the registry and the CLI in this process's own namespace. Parallel
// tests add and remove root-namespace veths, so a snapshot that changed while we looked is retried.
test('registry agrees with the kernel in the current namespace', async () => {
  const { spawnSync } = await import('node:child_process');
  const tsx = import.meta.resolve('tsx');
  const run = (file: string, args: string[]) => spawnSync(process.execPath, ['--import', tsx, file, ...args], { encoding: 'utf8' });
  const names = (k: Kernel) => JSON.stringify(k.nameindex.sort((x, y) => x[0] - y[0]));
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = await kernel(undefined);
    const r = run(fileURLToPath(dumpScript), ['nosuch0']);
    assert.equal(r.status, 0, r.stderr);
    const dump = JSON.parse(r.stdout) as Dumped;
    const cli = spawnSync(process.execPath, cliArgv('ifindex', ...dump.interfaces.map((i) => i.name)), { encoding: 'utf8' });
    const after = await kernel(undefined);
    if (names(before) !== names(after)) continue; // interfaces came or went meanwhile
    try {
      compare(dump, after);
      assert.equal(cli.status, 0, cli.stderr);
      assert.deepEqual(cli.stdout.trimEnd().split('\n'), dump.interfaces.map((i) => String(i.index)));
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError ?? new Error('the root namespace kept changing during 5 attempts');
});
