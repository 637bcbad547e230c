// Interface registry lookups against what a program without fe80 would do: one
// os.networkInterfaces() call, one fresh sysfs read of /sys/class/net/NAME/ifindex, and a full
// registry refresh. A lookup by name (what a zone written as a name costs) is a Map hit; a
// translation between name and index (nameToIndex, indexToName, a numeric zone) is checked
// against sysfs first unless a watcher keeps the table current. Prints ns/op, ratios, PASS/MISS
// for the target (a cached lookup by name at most 1/100 of one os.networkInterfaces() call)
// and a JSON line at the end. No timed assertions.
// Read-only in this process's namespace: no socket, no traffic.
//   node --import tsx bench/registry.bench.ts [--quick]
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { load } from './load.js';
const { InterfaceRegistry } = await load<typeof import('../src/iface/index.js')>('iface/index.js');

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 7;
const ROUND_MS = quick ? 60 : 200;

let sink: unknown;

/** Median ns per call of `fn` over ROUNDS rounds of about ROUND_MS each. */
function measure(fn: () => unknown): number {
  let n = 1;
  for (;;) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink = fn();
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (ms > 20) {
      n = Math.max(1, Math.round((n * ROUND_MS) / ms));
      break;
    }
    n *= 4;
  }
  const per: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink = fn();
    per.push(Number(process.hrtime.bigint() - t) / n);
  }
  per.sort((a, b) => a - b);
  return per[Math.floor(per.length / 2)] as number;
}

const registry = new InterfaceRegistry();
const list = registry.list();
const watched = new InterfaceRegistry();
const watcher = watched.watch();
await watcher.ready;
// the interface to look up: the first with a link-local address (what a zone usually names), else the first
const target = registry.candidates()[0] ?? list[0];
if (target === undefined) {
  console.log('no interfaces: nothing to measure');
  process.exit(0);
}
const { name, index } = target;
const linux = process.platform === 'linux';

const rows: { label: string; ns: number }[] = [];
const row = (label: string, ns: number) => rows.push({ label, ns });

const cachedName = measure(() => registry.resolve(name));
row(`registry.resolve(${JSON.stringify(name)}) cached`, cachedName);
const cachedZone = measure(() => registry.toPlatformZone(name));
row(`registry.toPlatformZone(${JSON.stringify(name)}) cached`, cachedZone);
const checkedNameToIndex = measure(() => registry.nameToIndex(name));
row(`registry.nameToIndex(${JSON.stringify(name)}) checked`, checkedNameToIndex);
const checkedIndex = index > 0 ? measure(() => registry.indexToName(index)) : Number.NaN;
if (index > 0) row(`registry.indexToName(${index}) checked`, checkedIndex);
const watchedNameToIndex = measure(() => watched.nameToIndex(name));
row(`registry.nameToIndex(${JSON.stringify(name)}) watched (${watcher.source})`, watchedNameToIndex);
const osNics = measure(() => networkInterfaces()[name]);
row('os.networkInterfaces() + [name]', osNics);
const sysfs = linux ? measure(() => Number(readFileSync(`/sys/class/net/${name}/ifindex`, 'latin1'))) : Number.NaN;
if (linux) row(`readFileSync('/sys/class/net/${name}/ifindex')`, sysfs);
const refresh = measure(() => registry.refresh());
row(`registry.refresh() (${list.length} interfaces, ${registry.backend.name} backend)`, refresh);

const width = Math.max(...rows.map((r) => r.label.length));
console.log(`registry benchmark: node ${process.version}, ${process.platform}, looking up ${name} (index ${index})\n`);
for (const r of rows) {
  const ratio = r.ns / cachedName;
  console.log(`${r.label.padEnd(width)}  ${r.ns.toFixed(1).padStart(10)} ns/op  ${ratio.toFixed(1).padStart(8)}x cached resolve`);
}
const ratioOs = osNics / cachedName;
const pass = cachedName * 100 <= osNics;
console.log(
  `\ntarget: cached resolve by name <= 1/100 of one os.networkInterfaces() call: ` +
    `${cachedName.toFixed(1)} ns vs ${osNics.toFixed(1)} ns = 1/${ratioOs.toFixed(0)} -> ${pass ? 'PASS' : 'MISS'}`,
);
void sink;
watcher.close();
console.log(
  JSON.stringify({
    bench: 'registry',
    node: process.version,
    platform: process.platform,
    interface: name,
    interfaces: list.length,
    ns: {
      resolveCached: round(cachedName),
      toPlatformZoneCached: round(cachedZone),
      nameToIndexChecked: round(checkedNameToIndex),
      indexToNameChecked: round(checkedIndex),
      nameToIndexWatched: round(watchedNameToIndex),
      osNetworkInterfaces: round(osNics),
      sysfsIfindexRead: round(sysfs),
      registryRefresh: round(refresh),
    },
    ratioOsNetworkInterfacesToCached: round(ratioOs),
    ratioSysfsToCached: round(sysfs / cachedName),
    target: { cachedResolveAtMostOneHundredthOfNetworkInterfaces: pass ? 'PASS' : 'MISS' },
  }),
);

function round(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 10) / 10 : null;
}
