// The registry of the calling process's network namespace as JSON: `registryDump()` for tests in
// this process, and, run as a script, one JSON line on stdout (system.test.ts runs it inside
// `unshare -n`; handy for lab tests too: ns.runNode(new URL('../iface/dump-registry.ts', import.meta.url))).
import { pathToFileURL } from 'node:url';
import { InterfaceRegistry, LinuxBackend, PortableBackend, type RegistryBackend } from '../../src/iface/index.js';

export function registryDump(registry: InterfaceRegistry, backend: RegistryBackend) {
  const interfaces = registry.list().map((i) => ({
    name: i.name,
    index: i.index,
    up: i.up,
    running: i.running,
    loopback: i.loopback,
    multicast: i.multicast,
    mac: i.mac ?? null,
    mtu: i.mtu ?? null,
    linkLocal: i.linkLocal?.toString() ?? null,
    addresses: i.addresses.map((a) => `${a.address.toString()}/${a.prefixLength}`),
  }));
  const linux = backend instanceof LinuxBackend;
  return { mode: linux ? backend.mode : 'portable', skipped: linux ? backend.skipped : [], interfaces };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const backend = process.platform === 'linux' ? new LinuxBackend() : new PortableBackend();
  process.stdout.write(`${JSON.stringify(registryDump(new InterfaceRegistry({ backend }), backend))}\n`);
}
