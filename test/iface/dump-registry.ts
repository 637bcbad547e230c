// Prints the registry of the calling process's network namespace as one JSON line. Used by
// system.test.ts inside `unshare -n`; handy for lab tests too:
//   ns.runNode(new URL('../iface/dump-registry.ts', import.meta.url))
import { InterfaceRegistry, LinuxBackend, PortableBackend } from '../../src/iface/index.js';

const backend = process.platform === 'linux' ? new LinuxBackend() : new PortableBackend();
const registry = new InterfaceRegistry({ backend });
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
const mode = backend instanceof LinuxBackend ? backend.mode : 'portable';
process.stdout.write(`${JSON.stringify({ mode, interfaces })}\n`);
