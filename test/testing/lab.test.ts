import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { Fe80Error } from '../../src/errors.js';
import { Lab, labSupport, labTest, isCI, type Namespace } from '../../src/testing/index.js';
import { AVAHI_DIR_PREFIX, checkInterfaceName, staleNames, staleOwner, uniqueName, PROCESS_TOKEN } from '../../src/testing/names.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const root = fileURLToPath(new URL('../../', import.meta.url));

function netnsList(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean);
}
function rootLinkNames(): string[] {
  return (JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })) as { ifname: string }[]).map((l) => l.ifname);
}
/** True while `pid` runs (a zombie waiting to be reaped counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
/** Waits up to 2 s for `pid` to be gone (the kernel and init reap killed processes asynchronously). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !alive(pid);
}
async function firstLine(child: ChildProcess): Promise<string> {
  const rl = createInterface({ input: child.stdout! });
  const [line] = (await once(rl, 'line')) as [string];
  rl.close();
  return line;
}
/** A name as uniqueName makes it (PREFIX + pid base36 x5 + 2 random + counter base36 x4), for another pid. */
function labName(prefix: string, pid: number, random: string, counter: number): string {
  return prefix + pid.toString(36).padStart(5, '0') + random + counter.toString(36).padStart(4, '0');
}
/** The pid of a process that has just exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await once(child, 'exit');
  return child.pid!;
}
const isLabError = (e: unknown) => e instanceof Fe80Error && e.code === 'ERR_LAB';

// A fake node:test `test` that captures the callback, and a fake TestContext recording skip().
function capture(): { define: NonNullable<NonNullable<Parameters<typeof labTest>[2]>['test']>; run: (t: TestContext) => Promise<void> } {
  let body: ((t: TestContext) => Promise<void>) | undefined;
  return {
    define: (_name, _options, fn) => {
      body = fn;
    },
    run: (t) => body!(t),
  };
}
function fakeContext(): { t: TestContext; skipped: string[] } {
  const skipped: string[] = [];
  return { t: { skip: (reason?: string) => skipped.push(reason ?? '') } as unknown as TestContext, skipped };
}

describe('names', () => {
  test('generated names are unique, short, and valid interface names', () => {
    const names = new Set<string>();
    for (let i = 0; i < 2000; i++) names.add(uniqueName('f8'));
    assert.equal(names.size, 2000);
    for (const n of names) {
      assert.ok(Buffer.byteLength(n) <= 15, n);
      assert.equal(checkInterfaceName(n), n);
      assert.ok(n.startsWith(`f8${PROCESS_TOKEN}`));
    }
    assert.equal(uniqueName('abcd').length <= 15, true);
  });

  test('interface names follow Linux rules', () => {
    for (const ok of ['br-lan', 'eth0.100', 'wlan_0', 'a-b_c.d', 'abcdefghijklmno', 'x']) assert.equal(checkInterfaceName(ok), ok);
    for (const bad of ['', '.', '..', 'a/b', 'a:b', 'a b', 'a\0', 'abcdefghijklmnop', 'eth%d', 'é'.repeat(8)]) {
      assert.throws(() => checkInterfaceName(bad), (e: unknown) => e instanceof Fe80Error && e.code === 'ERR_INVALID_ARGUMENT', bad);
    }
  });

  test('staleOwner recognises names of dead processes only', async () => {
    const dead = await deadPid();
    const deadName = labName('f8', dead, 'zz', 0);
    assert.equal(staleOwner(deadName, 'f8'), dead);
    assert.equal(staleOwner(uniqueName('f8'), 'f8'), undefined, 'own names are never stale');
    assert.equal(staleOwner(labName('f8', process.pid, PROCESS_TOKEN.endsWith('zz') ? 'yy' : 'zz', 0), 'f8'), process.pid, 'same pid, other token: stale');
    assert.equal(staleOwner(labName('f8', 1, 'zz', 0), 'f8'), undefined, 'pid 1 is alive');
    for (const foreign of ['lltA', 'f8probe2', 'f8probed808c9', 'f8', 'eth0', labName('x8', dead, 'zz', 0), `${deadName}0`, deadName.slice(0, -1)]) {
      assert.equal(staleOwner(foreign, 'f8'), undefined, foreign);
    }
    assert.equal(staleOwner(`fe80-probe-${dead}-a1b2c3`, 'f8'), dead, 'an interrupted labSupport probe');
    assert.equal(staleOwner(`fe80-probe-${process.pid}-a1b2c3`, 'f8'), undefined, 'our own probe');
  });

  test('a sweep matches only names made with exactly its prefix, not a longer prefix that starts with it', async () => {
    const dead = await deadPid();
    // [longer prefix, shorter prefix]: the reviewer's case and the default prefix's neighbours
    for (const [long, short] of [['rcq0', 'rcq'], ['f80', 'f8'], ['f81', 'f8'], ['f8z', 'f8'], ['ab', 'a']] as const) {
      const longDead = labName(long, dead, 'zz', 0);
      const shortDead = labName(short, dead, 'zz', 0);
      const names = [longDead, shortDead, labName(long, 1, 'zz', 0), labName(short, 1, 'zz', 0)];
      assert.deepEqual(staleNames(names, short), [shortDead], `${short} sweeps only its own`);
      assert.deepEqual(staleNames(names, long), [longDead], `${long} sweeps only its own`);
    }
    // uniqueName with a longer prefix, read with the shorter one: never a "pid"
    assert.equal(staleOwner(uniqueName('rcq0'), 'rcq'), undefined);
    assert.equal(Buffer.byteLength(uniqueName('abcd')), 15);
  });
});

describe('labTest gate (injected support)', () => {
  test('not supported, not CI: skips with the reason and never calls fn', async () => {
    const c = capture();
    let called = false;
    labTest('x', async () => void (called = true), { test: c.define, support: () => ({ ok: false, reason: 'not root (simulated)' }), env: {} });
    const { t, skipped } = fakeContext();
    await c.run(t);
    assert.deepEqual(skipped, ['not root (simulated)']);
    assert.equal(called, false);
  });

  test('not supported, CI=true: fails loudly with ERR_LAB naming the reason', async () => {
    for (const CI of ['true', '1', 'TRUE']) {
      const c = capture();
      labTest('ci case', async () => assert.fail('must not run'), { test: c.define, support: () => ({ ok: false, reason: 'no netns (simulated)' }), env: { CI } });
      const { t, skipped } = fakeContext();
      await assert.rejects(c.run(t), (e: unknown) => isLabError(e) && /CI=true/.test((e as Error).message) && /no netns \(simulated\)/.test((e as Error).message));
      assert.deepEqual(skipped, []);
    }
    assert.equal(isCI({ CI: 'false' }), false);
    assert.equal(isCI({}), false);
  });

  test('labSupport answers with ok or a reason', () => {
    const s = labSupport();
    if (s.ok) assert.equal(process.getuid?.(), 0);
    else assert.match(s.reason, /\w/);
    assert.equal(labSupport(), s, 'cached');
  });
});

// Everything below needs root + ip netns; labTest skips it otherwise (and fails under CI=true).

labTest('two namespaces, a veth link, ping6 across it', async (lab) => {
  const a = await lab.namespace('a');
  const b = await lab.namespace('b');
  const link = await lab.link(a, b);
  assert.deepEqual([link.a.address, link.b.address], ['fe80::1', 'fe80::2']);
  assert.equal(link.a.ns, a);
  assert.equal(link.b.ns, b);
  for (const n of [a.name, b.name, link.a.name, link.b.name]) assert.ok(Buffer.byteLength(n) <= 15, n);
  assert.ok(netnsList().includes(a.name) && netnsList().includes(b.name));
  const ping = await a.exec('ping', ['-6', '-c1', '-W2', `${link.b.address}%${link.a.name}`]);
  assert.equal(ping.code, 0, ping.stdout + ping.stderr);
  const back = await b.exec('ping', ['-6', '-c1', '-W2', `${link.a.address}%${link.b.name}`]);
  assert.equal(back.code, 0, back.stdout + back.stderr);
  // exactly one link-local address per end: addrgenmode none, no kernel-generated second one
  const addrs = JSON.parse(await a.ip(['-j', 'addr', 'show', 'dev', link.a.name])) as { addr_info: { local: string; tentative?: boolean }[] }[];
  assert.deepEqual(addrs[0]!.addr_info.map((i) => [i.local, i.tentative ?? false]), [['fe80::1', false]]);
});

labTest('link options: names, addresses, MACs, down and up again', async (lab) => {
  const a = await lab.namespace();
  const b = await lab.namespace();
  const link = await lab.link(a, b, {
    nameA: 'eth0',
    nameB: 'eth0', // the same name on both sides: names are per namespace
    addressA: 'fe80::a/64',
    addressB: 'fe80::b',
    macA: '02:00:00:00:00:0a',
    macB: '02:00:00:00:00:0b',
  });
  assert.equal(link.a.name, 'eth0');
  assert.equal(link.b.address, 'fe80::b');
  const show = JSON.parse(await b.ip(['-j', 'link', 'show', 'dev', 'eth0'])) as { address: string }[];
  assert.equal(show[0]!.address, '02:00:00:00:00:0b');
  const ping = (wait = '2') => a.exec('ping', ['-6', '-c1', `-W${wait}`, 'fe80::b%eth0']);
  assert.equal((await ping()).code, 0);
  await link.setUp('b', false);
  assert.notEqual((await ping('1')).code, 0, 'no reply while b is down');
  await link.setUp('b', true); // the kernel dropped fe80::b on down; setUp restores it
  const again = await ping();
  assert.equal(again.code, 0, again.stdout + again.stderr);

  const down = await lab.link(a, b, { up: false });
  const state = JSON.parse(await a.ip(['-j', 'link', 'show', 'dev', down.a.name])) as { flags: string[] }[];
  assert.equal(state[0]!.flags.includes('UP'), false);

  await assert.rejects(lab.link(a, b, { nameA: 'bad/name' }), (e: unknown) => e instanceof Fe80Error && e.code === 'ERR_INVALID_ARGUMENT');
  await assert.rejects(lab.link(a, b, { addressA: 'fe80::1%eth0' }), (e: unknown) => e instanceof Fe80Error && e.code === 'ERR_INVALID_ARGUMENT');
  await assert.rejects(lab.link(a, a), (e: unknown) => e instanceof Fe80Error && e.code === 'ERR_INVALID_ARGUMENT');
  // a failing ip command: ERR_LAB with the command and the kernel's words
  await assert.rejects(lab.link(a, b, { nameA: 'eth0' }), (e: unknown) => isLabError(e) && /ip -n \S+ -batch -|link add/.test((e as Error).message) && /exists/i.test((e as Error).message));
});

labTest('a link to the root namespace is removed on close', async (lab) => {
  const a = await lab.namespace();
  const link = await lab.link(a, 'root');
  assert.equal(link.b.ns, 'root');
  assert.ok(rootLinkNames().includes(link.b.name));
  const ping = await a.exec('ping', ['-6', '-c1', '-W2', `fe80::2%${link.a.name}`]);
  assert.equal(ping.code, 0, ping.stdout + ping.stderr);
  await lab.close();
  assert.equal(rootLinkNames().includes(link.b.name), false);
});

labTest('addInterface: ifb, bridge, veth pairs with odd names', async (lab) => {
  const ns = await lab.namespace();
  const names = [
    await lab.addInterface(ns, { kind: 'ifb', name: 'ifb-down', up: false }),
    await lab.addInterface(ns, { kind: 'bridge', name: 'br-lan', addresses: ['fe80::99'] }),
    await lab.addInterface(ns, { kind: 'veth', name: 'eth0.100', peer: 'wlan_0', addresses: ['2001:db8::1/64'] }),
    await lab.addInterface(ns, { kind: 'veth', name: 'a-b_c.d', peer: 'abcdefghijklmno', addresses: [] }),
    await lab.addInterface(ns, { kind: 'ifb' }),
  ];
  assert.deepEqual(names.slice(0, 4), ['ifb-down', 'br-lan', 'eth0.100', 'a-b_c.d']);
  const links = JSON.parse(await ns.ip(['-j', 'addr', 'show'])) as { ifname: string; flags: string[]; addr_info: { local: string; tentative?: boolean }[] }[];
  const by = new Map(links.map((l) => [l.ifname, l]));
  for (const n of [...names, 'wlan_0', 'abcdefghijklmno', 'lo']) assert.ok(by.has(n), n);
  assert.equal(by.get('ifb-down')!.flags.includes('UP'), false);
  assert.deepEqual(by.get('br-lan')!.addr_info.map((i) => i.local), ['fe80::99']);
  assert.deepEqual(by.get('eth0.100')!.addr_info.map((i) => [i.local, i.tentative ?? false]), [['2001:db8::1', false]]);
  assert.deepEqual(by.get('a-b_c.d')!.addr_info, []);
  assert.ok(by.get('abcdefghijklmno')!.flags.includes('UP'));
  await assert.rejects(lab.addInterface(ns, { kind: 'ifb', name: 'br-lan' }), isLabError);
  await assert.rejects(lab.addInterface(ns, { kind: 'dummy' as 'ifb' }), (e: unknown) => e instanceof Fe80Error && e.code === 'ERR_INVALID_ARGUMENT');
});

labTest('runNode: JSON round trip with the same node binary, args, env and stdin', async (lab) => {
  const ns = await lab.namespace();
  const out = await ns.runNode<{ args: string[]; env: string; stdin: string; interfaces: string[]; node: string; execPath: string; nodeTestContext: string | null }>(
    fixture('echo-json.ts'),
    ['--stdin', 'a b', '--x=1'],
    { input: 'from stdin', env: { FE80_LAB_FIXTURE: 'yes' } },
  );
  assert.deepEqual(out.args, ['--stdin', 'a b', '--x=1']);
  assert.equal(out.env, 'yes');
  assert.equal(out.stdin, 'from stdin');
  assert.deepEqual(out.interfaces, ['lo'], 'sysfs shows the namespace, not the root one');
  assert.equal(out.node, process.version);
  assert.equal(out.execPath, process.execPath);
  assert.equal(out.nodeTestContext, null);
  // a path relative to the current directory works too
  const rel = await ns.runNode<{ args: string[] }>('test/testing/fixtures/echo-json.ts', ['r'], {}).catch(() => undefined);
  if (process.cwd() === root.replace(/\/$/, '')) assert.deepEqual(rel?.args, ['r']);
  await assert.rejects(ns.runNode(fixture('echo-json.ts'), ['--fail']), (e: unknown) => isLabError(e) && /exit 3/.test((e as Error).message) && /fixture failing on purpose/.test((e as Error).message));
  await assert.rejects(ns.runNode(fixture('echo-json.ts'), ['--not-json']), (e: unknown) => isLabError(e) && /no JSON/.test((e as Error).message) && /hello, not json/.test((e as Error).message));
  await assert.rejects(ns.exec('sleep', ['5'], { timeout: 300 }), (e: unknown) => isLabError(e) && /timed out after 300 ms/.test((e as Error).message));
  const exec = await ns.exec('sh', ['-c', 'echo out; echo err >&2; exit 7']);
  assert.deepEqual(exec, { stdout: 'out\n', stderr: 'err\n', code: 7 });
  const missing = await ns.exec('/nonexistent/cmd');
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /nonexistent/);
});

labTest('spawnNode server + runNode client over the link (UDP echo)', async (lab) => {
  const a = await lab.namespace('client');
  const b = await lab.namespace('server');
  const link = await lab.link(a, b);
  const server = b.spawnNode(fixture('server.ts'), ['9999']);
  assert.deepEqual(JSON.parse(await firstLine(server)).ready, true);
  const reply = await a.runNode<{ echo: string; from: string }>(fixture('udp-client.ts'), [`fe80::2%${link.a.name}`, '9999']);
  assert.deepEqual(reply, { echo: 'hello lab', from: `fe80::2%${link.a.name}` });
});

labTest('close kills every process in the namespaces, deletes them, and is idempotent', async (lab) => {
  const a = await lab.namespace();
  const b = await lab.namespace();
  const link = await lab.link(a, b);
  const tracked = a.spawn('sleep', ['1000']);
  const server = b.spawnNode(fixture('server.ts'), ['9999']);
  const { pid: serverPid } = JSON.parse(await firstLine(server)) as { pid: number };
  // an untracked grandchild, found only through `ip netns pids`
  await b.exec('sh', ['-c', 'sleep 1000 >/dev/null 2>&1 &']);
  const inB = execFileSync('ip', ['netns', 'pids', b.name], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  assert.equal(inB.length, 2);
  const exited = Promise.all([once(tracked, 'exit'), once(server, 'exit')]);
  await Promise.all([lab.close(), lab.close()]);
  await exited;
  assert.equal(tracked.signalCode, 'SIGKILL');
  for (const pid of [...inB, serverPid, tracked.pid!]) assert.ok(await gone(pid), `pid ${pid}`);
  assert.equal(netnsList().includes(a.name), false);
  assert.equal(netnsList().includes(b.name), false);
  assert.equal(rootLinkNames().includes(link.a.name), false);
  await lab.close();
  assert.equal(lab.closed, true);
  await assert.rejects(lab.namespace(), isLabError);
  assert.throws(() => a.spawn('true'), isLabError);
  await assert.rejects(a.exec('true'), isLabError);
  await assert.rejects(link.setUp('a', true), isLabError);
});

labTest('close() racing with namespace() and link(..., root) leaves nothing behind', async (lab) => {
  const a = await lab.namespace();
  const before = new Set(rootLinkNames());
  const settled = Promise.allSettled([lab.namespace(), lab.namespace(), lab.link(a, 'root')]);
  await lab.close();
  const results = await settled;
  for (const r of results) assert.equal(r.status, 'rejected');
  assert.deepEqual(netnsList().filter((n) => n.startsWith(lab.prefix + PROCESS_TOKEN)), []);
  assert.deepEqual(rootLinkNames().filter((n) => !before.has(n) && n.startsWith(lab.prefix + PROCESS_TOKEN)), []);
});

labTest('a thrown error inside labTest still closes the lab', async () => {
  const c = capture();
  const made: Namespace[] = [];
  let pid = 0;
  labTest(
    'inner',
    async (lab) => {
      made.push(await lab.namespace(), await lab.namespace());
      await lab.link(made[0]!, made[1]!);
      pid = made[0]!.spawn('sleep', ['1000']).pid!;
      throw new Error('inner failure');
    },
    { test: c.define },
  );
  await assert.rejects(c.run(fakeContext().t), /inner failure/);
  assert.equal(made.length, 2);
  for (const ns of made) assert.equal(netnsList().includes(ns.name), false, ns.name);
  assert.ok(await gone(pid));
});

labTest('a timed-out or cancelled labTest closes its lab at once, ending a hung exec', async () => {
  const c = capture();
  const controller = new AbortController();
  let ns: Namespace | undefined;
  let hung: Promise<{ code: number }> | undefined;
  labTest(
    'inner',
    async (lab) => {
      ns = await lab.namespace();
      hung = ns.exec('sleep', ['1000'], { timeout: 0 });
      await hung;
    },
    { test: c.define },
  );
  const t = { skip: () => {}, signal: controller.signal } as unknown as TestContext;
  const done = c.run(t);
  while (ns === undefined || hung === undefined) await new Promise((r) => setTimeout(r, 10));
  const started = Date.now();
  controller.abort(); // what node:test does on timeout
  await done;
  assert.equal((await hung).code, 137, 'sleep got SIGKILL');
  assert.ok(Date.now() - started < 5000);
  assert.equal(netnsList().includes(ns.name), false);
});

labTest('two labs in parallel do not collide', async () => {
  const labs = await Promise.all([Lab.create(), Lab.create()]);
  try {
    const built = await Promise.all(
      labs.map(async (lab) => {
        const [x, y] = await Promise.all([lab.namespace(), lab.namespace()]);
        const links = await Promise.all([lab.link(x, y), lab.link(x, y)]);
        const r = await x.exec('ping', ['-6', '-c1', '-W2', `fe80::2%${links[1].a.name}`]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        return [x.name, y.name, ...links.flatMap((l) => [l.a.name, l.b.name])];
      }),
    );
    const foreign = labs[0]!.namespaces[0]!;
    const own = await labs[1]!.namespace();
    await assert.rejects(labs[1]!.link(foreign, own), (e: unknown) => e instanceof Fe80Error && e.code === 'ERR_INVALID_ARGUMENT' && /not part of this lab/.test((e as Error).message));
    await assert.rejects(Lab.create({ prefix: 'Bad-Prefix' }), (e: unknown) => e instanceof Fe80Error && e.code === 'ERR_INVALID_ARGUMENT');
    const all = built.flat();
    assert.equal(new Set(all).size, all.length, all.join(' '));
    for (const n of all) assert.ok(Buffer.byteLength(n) <= 15, n);
  } finally {
    await Promise.all(labs.map((l) => l.close()));
  }
});

labTest('a stale namespace of a dead process is swept by Lab.create', async () => {
  // counter = our pid: parallel runs of this file must not collide
  const stale = labName('fsw', await deadPid(), 'zz', process.pid % 36 ** 4);
  execFileSync('ip', ['netns', 'add', stale]);
  // pid 1 is alive: not ours to remove (random suffix: parallel runs of this file must not collide)
  const keep = labName('fsw', 1, Math.random().toString(36).slice(2, 4).padEnd(2, '0'), process.pid % 36 ** 4);
  execFileSync('ip', ['netns', 'add', keep]);
  // a simulated device's directory goes with its dead lab's namespace
  const staleDir = mkdtempSync(join(tmpdir(), `${AVAHI_DIR_PREFIX}${stale}-`));
  const keepDir = mkdtempSync(join(tmpdir(), `${AVAHI_DIR_PREFIX}${keep}-`));
  try {
    const lab = await Lab.create({ prefix: 'fsw' });
    await lab.close();
    assert.equal(netnsList().includes(stale), false);
    assert.equal(netnsList().includes(keep), true);
    assert.equal(existsSync(staleDir), false, 'the dead lab device directory is swept');
    assert.equal(existsSync(keepDir), true, 'a live lab device directory is kept');
  } finally {
    rmSync(staleDir, { recursive: true, force: true });
    rmSync(keepDir, { recursive: true, force: true });
    execFileSync('ip', ['netns', 'del', keep]);
    if (netnsList().includes(stale)) execFileSync('ip', ['netns', 'del', stale]);
  }
});

labTest('Lab.create does not sweep the live lab of another process whose prefix starts with its own', async () => {
  // The child's names are 'fsp0' + pid + ...: read with prefix 'fsp', the old format took
  // '0' + 4 pid chars for a pid, found it dead and deleted the child's namespaces.
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(fixture('abandon.ts')), 'wait', 'fsp0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = once(child, 'exit');
  try {
    const made = JSON.parse(await firstLine(child)) as { namespaces: string[]; rootLink: string };
    const lab = await Lab.create({ prefix: 'fsp' });
    await lab.close();
    for (const n of made.namespaces) assert.equal(netnsList().includes(n), true, `${n} of the live 'fsp0' lab was swept`);
    assert.equal(rootLinkNames().includes(made.rootLink), true);
  } finally {
    child.kill('SIGTERM');
    await exit;
  }
});

describe('cleanup when the process ends without close()', () => {
  for (const [mode, signal] of [['exit', undefined], ['throw', undefined], ['wait', 'SIGTERM'], ['wait', 'SIGINT']] as const) {
    labTest(`${mode}${signal ? ` + ${signal}` : ''}`, async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(fixture('abandon.ts')), mode], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      const made = JSON.parse(await firstLine(child)) as { namespaces: string[]; rootLink: string; sleeper: number };
      assert.ok(made.namespaces.every((n) => netnsList().includes(n)));
      if (signal) child.kill(signal);
      const [code, sig] = await exit;
      if (mode === 'exit') assert.equal(code, 0, stderr);
      if (mode === 'throw') assert.match(stderr, /thrown on purpose/);
      if (signal) assert.equal(sig, signal, stderr);
      for (const n of made.namespaces) assert.equal(netnsList().includes(n), false, `${n} left behind (${mode})`);
      assert.equal(rootLinkNames().includes(made.rootLink), false);
      assert.ok(await gone(made.sleeper));
    });
  }
});
