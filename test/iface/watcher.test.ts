// InterfaceWatcher over an in-memory backend, which the registry polls (kernel notifications are
// for the Linux backend; the lab tests cover them): events, filters, async iteration, closing,
// errors, and the registry kept current while watched.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Fe80Error } from '../../src/errors.js';
import { InterfaceRegistry, watchInterfaces, type InterfaceEvent, type RawInterface, type RegistryBackend } from '../../src/iface/index.js';
import { MAX_BUFFERED_EVENTS } from '../../src/iface/watcher.js';

function nic(name: string, index: number, extra: Partial<RawInterface> = {}): RawInterface {
  return { name, index, up: true, running: true, loopback: false, multicast: true, mac: undefined, mtu: 1500, addresses: [], ...extra };
}

class FakeBackend implements RegistryBackend {
  readonly name = 'fake';
  reads = 0;
  fail: Error | undefined;
  constructor(public table: RawInterface[]) {}
  read(): RawInterface[] {
    this.reads++;
    if (this.fail !== undefined) throw this.fail;
    return this.table.map((r) => ({ ...r, addresses: [...r.addresses] }));
  }
}

const TABLE = (): RawInterface[] => [nic('lo', 1, { loopback: true }), nic('eth0', 2, { addresses: [{ address: 'fe80::2', prefixLength: 64 }] })];

function setup() {
  const backend = new FakeBackend(TABLE());
  const registry = new InterfaceRegistry({ backend, pollInterval: 10 });
  return { backend, registry };
}

/** The next `n` events of `watcher`. */
function next(watcher: ReturnType<InterfaceRegistry['watch']>, n = 1): Promise<InterfaceEvent[]> {
  return new Promise((resolve) => {
    const got: InterfaceEvent[] = [];
    const on = (e: InterfaceEvent): void => {
      got.push(e);
      if (got.length === n) {
        watcher.off('event', on);
        resolve(got);
      }
    };
    watcher.on('event', on);
  });
}

describe('InterfaceWatcher (polling backend)', () => {
  test('reports changes as events, by type and as "event"; the registry is updated first', async () => {
    const { backend, registry } = setup();
    const watcher = registry.watch();
    await watcher.ready;
    assert.equal(watcher.source, 'poll');
    assert.equal(registry.watching, false, 'polling does not make the table current');
    const renamed = once(watcher, 'renamed');
    backend.table = [TABLE()[0] as RawInterface, nic('lan0', 2, { addresses: [{ address: 'fe80::2', prefixLength: 64 }] }), nic('usb0', 7)];
    const events = await next(watcher, 2);
    assert.deepEqual(
      events.map((e) => [e.type, e.interface.name]),
      [
        ['renamed', 'lan0'],
        ['added', 'usb0'],
      ],
    );
    const [r] = (await renamed) as [InterfaceEvent & { type: 'renamed' }];
    assert.equal(r.previous.name, 'eth0');
    assert.equal(registry.resolve('lan0').index, 2, 'the registry already has the new table');
    watcher.close();
  });

  test('no events for the first read (the baseline), none while nothing changes', async () => {
    const { backend, registry } = setup();
    const watcher = registry.watch();
    let count = 0;
    watcher.on('event', () => count++);
    await watcher.ready;
    const reads = backend.reads;
    while (backend.reads < reads + 3) await new Promise((r) => setTimeout(r, 5));
    assert.equal(count, 0);
    watcher.close();
  });

  test('filter: only the named interfaces (by name, by index, renamed from)', async () => {
    const { backend, registry } = setup();
    const byName = registry.watch({ interfaces: ['eth0'] });
    const byIndex = registry.watch({ interfaces: [7] });
    const all: InterfaceEvent[] = [];
    const named: InterfaceEvent[] = [];
    const indexed: InterfaceEvent[] = [];
    const every = registry.watch();
    every.on('event', (e) => all.push(e));
    byName.on('event', (e) => named.push(e));
    byIndex.on('event', (e) => indexed.push(e));
    await Promise.all([byName.ready, byIndex.ready, every.ready]);
    backend.table = [nic('lo', 1, { loopback: true, up: false }), nic('lan0', 2), nic('usb0', 7)];
    await next(every, 5);
    assert.deepEqual(
      all.map((e) => `${e.type} ${e.interface.name}`),
      ['renamed lan0', 'added usb0', 'down lo', 'address-removed lan0', 'changed lan0'],
    );
    assert.deepEqual(
      named.map((e) => `${e.type} ${e.interface.name}`),
      ['renamed lan0'],
      'renamed away from eth0 is the last event of that name',
    );
    assert.deepEqual(
      indexed.map((e) => `${e.type} ${e.interface.name}`),
      ['added usb0'],
    );
    for (const w of [byName, byIndex, every]) w.close();
  });

  test('for await: events in order; leaving the loop closes the watcher and stops polling', async () => {
    const { backend, registry } = setup();
    const watcher = watchInterfaces({ registry });
    await watcher.ready;
    const seen: string[] = [];
    setTimeout(() => (backend.table = [...TABLE(), nic('a0', 5)]), 5);
    for await (const e of watcher) {
      seen.push(`${e.type} ${e.interface.name}`);
      if (seen.length === 1) backend.table = TABLE();
      if (seen.length === 2) break;
    }
    assert.deepEqual(seen, ['added a0', 'removed a0']);
    assert.equal(watcher.closed, true);
    const reads = backend.reads;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(backend.reads, reads, 'no watcher left: no polling');
    assert.throws(() => watcher[Symbol.asyncIterator](), { code: 'ERR_INVALID_ARGUMENT' });
  });

  test('a consumer that falls far behind gets the net change, not an unbounded backlog', async () => {
    const { backend, registry } = setup();
    const watcher = registry.watch();
    const it = watcher[Symbol.asyncIterator]();
    await watcher.ready;
    // MAX_BUFFERED_EVENTS + a few add/remove cycles of x0, nobody reading
    let events = 0;
    watcher.on('event', () => events++);
    for (let i = 0; events < MAX_BUFFERED_EVENTS + 10; i++) {
      backend.table = i % 2 === 0 ? [...TABLE(), nic('x0', 9)] : TABLE();
      registry.refresh();
      await new Promise((r) => setImmediate(r));
    }
    const final = backend.table.some((r) => r.name === 'x0');
    const got: string[] = [];
    for (;;) {
      const r = await Promise.race([it.next(), new Promise<undefined>((res) => setTimeout(() => res(undefined), 30))]);
      if (r === undefined || r.done === true) break;
      got.push(`${r.value.type} ${r.value.interface.name}`);
    }
    assert.ok(got.length <= MAX_BUFFERED_EVENTS, `${got.length} buffered`);
    assert.equal(got.at(-1), final ? 'added x0' : 'removed x0', 'the last event matches the table');
    watcher.close();
  });

  test('close() and an AbortSignal end the watcher; a pending next() resolves done', async () => {
    const { registry } = setup();
    const ac = new AbortController();
    const watcher = registry.watch({ signal: ac.signal });
    const closed = once(watcher, 'close');
    const pending = watcher[Symbol.asyncIterator]().next();
    ac.abort();
    assert.deepEqual(await pending, { done: true, value: undefined });
    await closed;
    assert.equal(watcher.closed, true);
    watcher.close(); // idempotent
    const pre = registry.watch({ signal: AbortSignal.abort() });
    await pre.ready;
    assert.equal(pre.closed, true);
  });

  test('a failing read: ERR_SYSTEM on "error" when listened, no crash when not; events resume', async () => {
    const { backend, registry } = setup();
    const quiet = registry.watch();
    const watcher = registry.watch();
    await watcher.ready;
    backend.fail = new Error('EACCES');
    const [error] = (await once(watcher, 'error')) as [Fe80Error];
    assert.ok(error instanceof Fe80Error);
    assert.equal(error.code, 'ERR_SYSTEM');
    assert.equal(error.cause, backend.fail);
    backend.fail = undefined;
    backend.table = [...TABLE(), nic('b0', 4)];
    const [e] = await next(watcher);
    assert.equal(e?.type, 'added');
    quiet.close();
    watcher.close();
  });

  test('events are delivered after the lookup that read them returns, never inside it', async () => {
    const { backend, registry } = setup();
    const watcher = registry.watch();
    await watcher.ready;
    let during = true;
    let sawDuring: boolean | undefined;
    watcher.on('added', () => (sawDuring = during));
    backend.table = [...TABLE(), nic('c0', 6)];
    registry.refresh();
    during = false;
    await once(watcher, 'added');
    assert.equal(sawDuring, false);
    watcher.close();
  });

  test('bad options: ERR_INVALID_ARGUMENT / ERR_INVALID_ZONE before anything starts', () => {
    const { backend, registry } = setup();
    assert.throws(() => registry.watch({ interfaces: 'eth0' as unknown as string[] }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => registry.watch({ interfaces: ['a/b'] }), { code: 'ERR_INVALID_ZONE' });
    assert.throws(() => registry.watch({ interfaces: [0] }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => registry.watch({ interfaces: [-1] }), { code: 'ERR_INVALID_ZONE' });
    assert.throws(() => registry.watch({ interfaces: [null as unknown as string] }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => registry.watch({ signal: 'x' as unknown as AbortSignal }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => watchInterfaces({ registry: {} as InterfaceRegistry }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => new InterfaceRegistry({ backend, pollInterval: 1 }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => new InterfaceRegistry({ backend, watch: 'yes' as unknown as boolean }), { code: 'ERR_INVALID_ARGUMENT' });
  });

  test('watch: true keeps a polled registry fresh from its first lookup on', async () => {
    const backend = new FakeBackend(TABLE());
    const registry = new InterfaceRegistry({ backend, watch: true, pollInterval: 10, maxAge: Infinity });
    assert.equal(backend.reads, 0, 'the constructor does no I/O');
    registry.list();
    backend.table = [...TABLE(), nic('d0', 8)];
    while (backend.reads < 3) await new Promise((r) => setTimeout(r, 5));
    assert.equal(registry.get('d0')?.index, 8);
  });
});
