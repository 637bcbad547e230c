// The registry against the kernel's own answers on this machine: `ip -j link` / `ip -j addr`
// and python3's socket.if_nametoindex / if_indextoname / if_nameindex (glibc, ioctl-based).
// Root namespace: read-only, sends nothing. As root, also inside throw-away namespaces made with
// `unshare -n` (they vanish with the process; nothing in `ip netns list`).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InterfaceRegistry, LinuxBackend, registry as defaultRegistry } from '../../src/iface/index.js';
import { registryDump } from './dump-registry.js';

const linux = process.platform === 'linux';
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const repo = fileURLToPath(new URL('../../', import.meta.url));
const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).error === undefined;
const skipNoLinux = linux && has('ip') && has('python3') ? false : 'needs Linux with ip and python3';

interface IpLink { ifindex: number; ifname: string; flags: string[]; mtu: number; operstate: string; address?: string }
interface IpAddr { ifindex: number; ifname: string; addr_info: { family: string; local: string; prefixlen: number; scope: string }[] }

const PY_ORACLE = `
import json, socket, sys
names = dict((n, i) for i, n in socket.if_nameindex())
out = {"nameindex": names, "toindex": {}, "toname": {}}
for n, i in names.items():
    out["toindex"][n] = socket.if_nametoindex(n)
    out["toname"][str(i)] = socket.if_indextoname(i)
for n in sys.argv[1:]:
    try: out["toindex"][n] = socket.if_nametoindex(n)
    except OSError: out["toindex"][n] = None
print(json.dumps(out))
`;

function compare(
  dump: { mode: string; interfaces: { name: string; index: number; up: boolean; running: boolean; loopback: boolean; multicast: boolean; mac: string | null; mtu: number | null; linkLocal: string | null; addresses: string[] }[] },
  links: IpLink[],
  addrs: IpAddr[],
  py: { nameindex: Record<string, number>; toindex: Record<string, number | null>; toname: Record<string, string> },
) {
  assert.equal(dump.mode, 'sysfs');
  const regPairs = dump.interfaces.map((i) => [i.index, i.name]);
  assert.deepEqual(regPairs, links.map((l) => [l.ifindex, l.ifname]).sort((a, b) => Number(a[0]) - Number(b[0])), 'ip -j link');
  assert.deepEqual(
    Object.fromEntries(dump.interfaces.map((i) => [i.name, i.index])),
    py.nameindex,
    'python socket.if_nameindex()',
  );
  for (const i of dump.interfaces) {
    assert.equal(py.toindex[i.name], i.index, `if_nametoindex(${i.name})`);
    assert.equal(py.toname[String(i.index)], i.name, `if_indextoname(${i.index})`);
    const l = links.find((x) => x.ifname === i.name)!;
    assert.equal(i.up, l.flags.includes('UP'), `${i.name} UP`);
    assert.equal(i.loopback, l.flags.includes('LOOPBACK'), `${i.name} LOOPBACK`);
    assert.equal(i.multicast, l.flags.includes('MULTICAST'), `${i.name} MULTICAST`);
    assert.equal(i.running, l.flags.includes('UP') && (l.operstate === 'UP' || l.operstate === 'UNKNOWN'), `${i.name} running`);
    assert.equal(i.mtu, l.mtu, `${i.name} mtu`);
    assert.equal(i.mac, l.address ?? null, `${i.name} mac`);
    const ll = (addrs.find((a) => a.ifindex === i.index)?.addr_info ?? [])
      .filter((a) => a.family === 'inet6' && a.scope === 'link')
      .map((a) => `${a.local}%${i.name}/${a.prefixlen}`)
      .sort();
    assert.deepEqual(i.addresses.filter((a) => a.startsWith('fe8')).sort(), ll, `${i.name} link-local addresses`);
    const v6 = (addrs.find((a) => a.ifindex === i.index)?.addr_info ?? []).filter((a) => a.family === 'inet6').length;
    assert.equal(i.addresses.filter((a) => a.includes(':')).length, v6, `${i.name} IPv6 address count`);
  }
}

describe('registry vs the kernel (root namespace, read-only)', { skip: skipNoLinux }, () => {
  test('every interface: index, name, flags, MTU, MAC, link-local addresses agree with ip -j and python3', () => {
    // up to 3 attempts: lab tests running in parallel add and remove root-side veths
    for (let attempt = 1; ; attempt++) {
      try {
        rootNamespaceCheck();
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  });

  test('the process-wide registry and the functions agree with /sys/class/net', () => {
    for (const i of defaultRegistry.list()) {
      let sys: number;
      try {
        sys = Number(readFileSync(`/sys/class/net/${i.name}/ifindex`, 'utf8'));
      } catch {
        continue; // removed since (a parallel lab test)
      }
      assert.equal(i.index, sys);
    }
  });
});

/** Registry vs ip -j link / ip -j addr / python3 in this process's namespace. */
function rootNamespaceCheck(): void {
  const backend = new LinuxBackend();
  const reg = new InterfaceRegistry({ backend });
  const list = reg.list();
  const dump = registryDump(reg, backend);
  const links = JSON.parse(execFileSync('ip', ['-j', 'link'], { encoding: 'utf8' })) as IpLink[];
  const addrs = JSON.parse(execFileSync('ip', ['-j', 'addr'], { encoding: 'utf8' })) as IpAddr[];
  const py = JSON.parse(execFileSync('python3', ['-c', PY_ORACLE, 'nosuch0', '1', 'ETH0'], { encoding: 'utf8' }));
  compare(dump, links, addrs, py);
  for (const n of ['nosuch0', '1', 'ETH0']) {
    assert.equal(py.toindex[n], null);
    assert.throws(() => reg.nameToIndex(n), { code: 'ERR_UNKNOWN_INTERFACE' });
  }
  assert.ok(list.length >= 1);
}

// A throw-away network namespace (and mount namespace, so /sys can be remounted the way
// `ip netns exec` does it) with odd names, down links and an ifb; gone when the shell exits.
const SETUP = `
set -e
ip link set lo up
ip link add eth0.100 type veth peer name wlan_0
ip link add br-lan type bridge
ip link add vdown0 type veth peer name vdown1
ip link add v-0.1 type veth peer name vé0
ip link add ifbt0 type ifb 2>/dev/null || true
# only fe80::100 on eth0.100: a kernel-made EUI-64 one would finish DAD while a slow machine
# starts node, and which of two usable addresses is first is up to the kernel
ip link set dev eth0.100 addrgenmode none
ip link set eth0.100 up
ip link set wlan_0 up
ip link set br-lan up
ip -6 addr add fe80::100/64 dev eth0.100 nodad
`;

function inNamespace(remountSys: boolean): string[] {
  const script = `${SETUP}
${remountSys ? 'mount -t sysfs sysfs /sys' : ''}
node --import tsx test/iface/dump-registry.ts
ip -j link
ip -j addr
python3 -c '${PY_ORACLE}' nosuch0
`;
  const args = remountSys ? ['-n', '-m', 'sh', '-c', script] : ['-n', 'sh', '-c', script];
  const r = spawnSync('unshare', args, { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

const skipNoRoot = skipNoLinux || (root && has('unshare') ? false : 'needs root and unshare to make a throw-away namespace');

describe('registry vs the kernel in a throw-away namespace', { skip: skipNoRoot }, () => {
  test('as under `ip netns exec` (/sys remounted): sysfs mode, every interface agrees', () => {
    const [dump, links, addrs, py] = inNamespace(true);
    const d = JSON.parse(dump!);
    compare(d, JSON.parse(links!), JSON.parse(addrs!), JSON.parse(py!));
    const names = d.interfaces.map((i: { name: string }) => i.name);
    for (const n of ['lo', 'eth0.100', 'wlan_0', 'br-lan', 'vdown0', 'vdown1', 'v-0.1', 'vé0']) assert.ok(names.includes(n), n);
    assert.equal(d.interfaces.find((i: { name: string }) => i.name === 'eth0.100').linkLocal, 'fe80::100%eth0.100');
  });

  test('under a bare `unshare -n` (/sys of another namespace): proc mode, known indexes agree, no foreign interface', () => {
    const [dump, , , py] = inNamespace(false);
    const d = JSON.parse(dump!) as { mode: string; interfaces: { name: string; index: number }[] };
    const oracle = JSON.parse(py!) as { nameindex: Record<string, number> };
    assert.equal(d.mode, 'proc');
    assert.deepEqual(d.interfaces.map((i) => i.name).sort(), Object.keys(oracle.nameindex).sort());
    for (const i of d.interfaces) if (i.index !== 0) assert.equal(i.index, oracle.nameindex[i.name], i.name);
    assert.equal(d.interfaces.find((i) => i.name === 'lo')?.index, 1);
    assert.equal(d.interfaces.find((i) => i.name === 'eth0.100')?.index, oracle.nameindex['eth0.100']);
  });
});
