// The difference between two snapshots of the interface table as events. Pure. Interfaces are
// matched by ifindex (a rename keeps it), then by name (the portable backend knows an index only
// while the interface has a link-local address).
import type { InterfaceAddress, InterfaceEvent, InterfaceInfo } from './types.js';

/** `recreated`: indexes the kernel reported deleted since `before` (then re-used, not renamed). */
export function diffInterfaces(before: readonly InterfaceInfo[], after: readonly InterfaceInfo[], recreated: ReadonlySet<number> = EMPTY): InterfaceEvent[] {
  const pairs: [InterfaceInfo, InterfaceInfo][] = [];
  const gone = new Set(before);
  const added: InterfaceInfo[] = [];
  const byIndex = new Map<number, InterfaceInfo>();
  for (const b of before) if (b.index > 0) byIndex.set(b.index, b);
  const unmatched: InterfaceInfo[] = [];
  for (const a of after) {
    const b = a.index > 0 ? byIndex.get(a.index) : undefined;
    if (b === undefined) unmatched.push(a);
    else if (recreated.has(a.index)) added.push(a);
    else {
      pairs.push([b, a]);
      gone.delete(b);
    }
  }
  if (unmatched.length > 0) {
    const byName = new Map<string, InterfaceInfo>();
    for (const b of gone) if (!(b.index > 0 && recreated.has(b.index))) byName.set(b.name, b);
    for (const a of unmatched) {
      const b = byName.get(a.name);
      // same name, index learnt or lost (portable backend); two known, different indexes are two links
      if (b !== undefined && (b.index === 0 || a.index === 0)) {
        pairs.push([b, a]);
        gone.delete(b);
        byName.delete(a.name);
      } else added.push(a);
    }
  }
  const events: InterfaceEvent[] = [];
  for (const b of gone) events.push({ type: 'removed', interface: b });
  for (const [b, a] of pairs) if (b.name !== a.name) events.push({ type: 'renamed', interface: a, previous: b });
  for (const a of added) events.push({ type: 'added', interface: a });
  for (const [b, a] of pairs) changes(b, a, events);
  return events;
}

const EMPTY: ReadonlySet<number> = new Set();

function changes(b: InterfaceInfo, a: InterfaceInfo, events: InterfaceEvent[]): void {
  if (b.up && !a.up) events.push({ type: 'down', interface: a, previous: b });
  if (!b.up && a.up) events.push({ type: 'up', interface: a, previous: b });
  const was = new Map<string, InterfaceAddress>(b.addresses.map((x) => [addressKey(x), x]));
  const now = new Map<string, InterfaceAddress>(a.addresses.map((x) => [addressKey(x), x]));
  let flags = false;
  for (const [key, x] of was) {
    const y = now.get(key);
    if (y === undefined) events.push({ type: 'address-removed', interface: a, address: x });
    else if ((x.flags ?? 0) !== (y.flags ?? 0)) flags = true;
  }
  for (const [key, y] of now) if (!was.has(key)) events.push({ type: 'address-added', interface: a, address: y });
  if (
    flags ||
    b.running !== a.running ||
    b.loopback !== a.loopback ||
    b.multicast !== a.multicast ||
    b.mac !== a.mac ||
    b.mtu !== a.mtu ||
    b.linkLocal?.address !== a.linkLocal?.address
  ) {
    events.push({ type: 'changed', interface: a, previous: b });
  }
}

/** An address without its zone (the zone is the interface name, which a rename changes). */
function addressKey(x: InterfaceAddress): string {
  return `${x.address.address}/${x.prefixLength}`;
}
