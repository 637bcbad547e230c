// The RFC 8305-style racer with fake attempts and mocked timers: order of starts, cancellation,
// late winners, errors. No sockets, no timing assertions.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { Fe80ConnectError } from '../../src/errors.js';
import { effectiveDelay, race, type RaceEntry } from '../../src/net/race.js';
import { SharedClock } from '../../src/clock.js';

interface Fake {
  log: string[];
  attempts: Map<string, { ok(v?: string): void; fail(code: string): void }>;
  disposed: string[];
  open: (c: string, done: (e: Error | undefined, v?: string) => void) => () => void;
}

function fake(): Fake {
  const f: Fake = { log: [], attempts: new Map(), disposed: [], open: () => () => {} };
  f.open = (c, done) => {
    f.log.push(`start ${c}`);
    f.attempts.set(c, {
      ok: (v = c) => done(undefined, v),
      fail: (code) => done(Object.assign(new Error(`connect ${code}`), { code, syscall: 'connect' })),
    });
    return () => f.log.push(`cancel ${c}`);
  };
  return f;
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};
const entries = (...names: string[]): RaceEntry<string>[] => names.map((n) => ({ candidate: n, endpoint: `[fe80::1%${n}]:80`, interface: n }));

/** Mocked timers, and a clock that reads the mocked time (the attempt delays run on a shared clock). */
function mockedClock(t: TestContext): SharedClock {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  return new SharedClock(() => Date.now());
}

function run(t: TestContext, f: Fake, names: string[], attemptDelay: number, extra: { timeout?: number; signal?: AbortSignal } = {}) {
  const clock = mockedClock(t);
  return race(entries(...names), f.open, {
    clock,
    attemptDelay,
    timeout: extra.timeout,
    signal: extra.signal,
    label: () => 'connect to [fe80::1]:80',
    dispose: (v) => f.disposed.push(v),
  });
}

describe('race', () => {
  test('one attempt at a time, the next after the delay; the winner cancels the rest', async (t) => {
    const f = fake();
    const p = run(t, f, ['a', 'b', 'c'], 250);
    assert.deepEqual(f.log, ['start a']);
    t.mock.timers.tick(249);
    assert.deepEqual(f.log, ['start a']);
    t.mock.timers.tick(1);
    assert.deepEqual(f.log, ['start a', 'start b']);
    f.attempts.get('b')!.ok();
    const r = await p;
    assert.equal(r.value, 'b');
    assert.equal(r.entry.interface, 'b');
    assert.equal(r.started, 2);
    assert.deepEqual(f.log, ['start a', 'start b'], 'the winner is handed over first');
    await turns(1);
    assert.deepEqual(f.log, ['start a', 'start b', 'cancel a'], 'c never starts, a is cancelled in the same loop iteration');
    t.mock.timers.tick(1000);
    assert.deepEqual(f.log, ['start a', 'start b', 'cancel a']);
  });

  test('a failed attempt starts the next one at once', async (t) => {
    const f = fake();
    const p = run(t, f, ['a', 'b', 'c'], 250);
    f.attempts.get('a')!.fail('ECONNREFUSED');
    assert.deepEqual(f.log, ['start a', 'start b']);
    f.attempts.get('b')!.fail('ECONNREFUSED');
    assert.deepEqual(f.log, ['start a', 'start b', 'start c']);
    f.attempts.get('c')!.ok();
    assert.equal((await p).started, 3);
  });

  test('delay 0 starts the first now, the others after the pending I/O, one per loop turn', async (t) => {
    const f = fake();
    const p = run(t, f, ['a', 'b', 'c'], 0);
    assert.deepEqual(f.log, ['start a']);
    await turns(1);
    assert.deepEqual(f.log, ['start a'], 'I/O already pending is handled first');
    await turns(1);
    assert.deepEqual(f.log, ['start a', 'start b']);
    await turns(1);
    assert.deepEqual(f.log, ['start a', 'start b', 'start c']);
    f.attempts.get('c')!.ok();
    await p;
    await turns(1);
    assert.deepEqual(f.log.slice(3).sort(), ['cancel a', 'cancel b']);
  });

  test('delay 0: an answer between two starts ends the race; later attempts are never made', async (t) => {
    const f = fake();
    const p = run(t, f, ['a', 'b', 'c', 'd'], 0);
    await turns(2);
    assert.deepEqual(f.log, ['start a', 'start b']);
    f.attempts.get('a')!.ok();
    assert.equal((await p).value, 'a');
    await turns(3);
    assert.deepEqual(f.log, ['start a', 'start b', 'cancel b']);
  });

  test('delay 0: a failure starts all the remaining attempts at once', async (t) => {
    const f = fake();
    const p = run(t, f, ['a', 'b', 'c', 'd', 'e'], 0);
    await turns(2);
    assert.deepEqual(f.log, ['start a', 'start b']);
    f.attempts.get('a')!.fail('ECONNREFUSED');
    assert.deepEqual(f.log, ['start a', 'start b', 'start c', 'start d', 'start e']);
    f.attempts.get('e')!.ok();
    assert.equal((await p).started, 5);
  });

  test('a loser that connects before its teardown is disposed of, not leaked', async (t) => {
    const f = fake();
    const p = run(t, f, ['a', 'b'], 0);
    await turns(2);
    f.attempts.get('b')!.ok();
    f.attempts.get('a')!.ok('late-a'); // same loop turn, after the win
    assert.equal((await p).value, 'b');
    assert.deepEqual(f.disposed, ['late-a']);
    await turns(1);
    assert.deepEqual(f.log, ['start a', 'start b', 'cancel a']);
  });

  test('delays below 10 ms are raised to 10 (RFC 8305 §5); 0 stays 0', () => {
    assert.equal(effectiveDelay(0), 0);
    assert.equal(effectiveDelay(1), 10);
    assert.equal(effectiveDelay(250), 250);
  });

  test('every attempt fails: one ERR_CONNECT listing each attempt, cause = AggregateError', async (t) => {
    const f = fake();
    const p = run(t, f, ['a', 'b'], 250);
    t.mock.timers.tick(250);
    f.attempts.get('b')!.fail('EHOSTUNREACH');
    f.attempts.get('a')!.fail('ECONNREFUSED');
    const error = await p.then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof Fe80ConnectError);
    assert.equal(error.code, 'ERR_CONNECT');
    assert.deepEqual(
      error.attempts.map((a) => [a.interface, (a.error as { code?: string }).code]),
      [
        ['b', 'EHOSTUNREACH'],
        ['a', 'ECONNREFUSED'],
      ],
    );
    assert.match(error.message, /all 2 interfaces.*\[fe80::1%b\]:80: EHOSTUNREACH.*\[fe80::1%a\]:80: ECONNREFUSED/);
    assert.ok(error.cause instanceof AggregateError);
  });

  test('a single failed attempt: the system error is the cause', async (t) => {
    const f = fake();
    const p = run(t, f, ['a'], 250);
    f.attempts.get('a')!.fail('ECONNREFUSED');
    await assert.rejects(p, (e: Fe80ConnectError) => {
      assert.equal((e.cause as { code?: string }).code, 'ECONNREFUSED');
      assert.equal(e.attempts.length, 1);
      return true;
    });
  });

  test('a success after the race is decided is disposed of', async (t) => {
    const f = fake();
    // an opener that cannot be cancelled in time: it reports success anyway
    const p = run(t, f, ['a', 'b'], 0);
    await turns(2);
    f.attempts.get('a')!.ok();
    await p;
    f.attempts.get('b')!.ok('late-b');
    assert.deepEqual(f.disposed, ['late-b']);
  });

  test('delay 0: a winner within this loop turn means no other attempt is made', async (t) => {
    const f = fake();
    const p = run(t, f, ['a', 'b', 'c'], 0);
    f.attempts.get('a')!.ok();
    await p;
    await turns(3);
    assert.deepEqual(f.log, ['start a']);
  });

  test('timeout: ERR_TIMEOUT, everything in flight cancelled, no further starts', async (t) => {
    const f = fake();
    const p = run(t, f, ['a', 'b', 'c'], 250, { timeout: 300 });
    t.mock.timers.tick(300);
    await assert.rejects(p, (e: { code?: string; message: string }) => {
      assert.equal(e.code, 'ERR_TIMEOUT');
      assert.match(e.message, /in flight: a, b/);
      return true;
    });
    assert.deepEqual(f.log.slice(2).sort(), ['cancel a', 'cancel b']);
    t.mock.timers.tick(1000);
    assert.equal(f.log.includes('start c'), false);
  });

  test('abort: ERR_ABORTED with the reason on cause, attempts cancelled', async (t) => {
    const f = fake();
    const controller = new AbortController();
    const p = run(t, f, ['a', 'b'], 250, { signal: controller.signal });
    controller.abort(new Error('user'));
    await assert.rejects(p, (e: { code?: string; cause?: Error }) => e.code === 'ERR_ABORTED' && e.cause?.message === 'user');
    assert.deepEqual(f.log, ['start a', 'cancel a']);
  });

  test('an already aborted signal starts nothing', async () => {
    const g = fake();
    const p = race(entries('a'), g.open, { attemptDelay: 250, timeout: undefined, signal: AbortSignal.abort(), label: () => 'x', dispose: () => {} });
    await assert.rejects(p, { code: 'ERR_ABORTED' });
    assert.deepEqual(g.log, []);
  });

  test('an opener that throws counts as a failed attempt', async (t) => {
    const f = fake();
    const clock = mockedClock(t);
    const p = race(
      entries('a', 'b'),
      (c, done) => {
        if (c === 'a') throw new Error('boom');
        return f.open(c, done);
      },
      { attemptDelay: 250, timeout: undefined, signal: undefined, label: () => 'x', dispose: () => {}, clock },
    );
    assert.deepEqual(f.log, ['start b']);
    f.attempts.get('b')!.ok();
    assert.equal((await p).entry.interface, 'b');
  });
});

describe('race: the stagger after an early failure', () => {
  test('(refused, silent, silent, reachable) with 300 ms: the next starts at once, then one delay apart, one timer armed', async (t) => {
    const f = fake();
    const p = run(t, f, ['a', 'b', 'c', 'd'], 300);
    t.mock.timers.tick(10);
    f.attempts.get('a')!.fail('ECONNREFUSED');
    assert.deepEqual(f.log, ['start a', 'start b'], 'b starts at once at 10 ms');
    t.mock.timers.tick(299);
    assert.deepEqual(f.log, ['start a', 'start b'], 'no start up to 309 ms: the first deadline (300 ms) was disarmed');
    t.mock.timers.tick(1);
    assert.deepEqual(f.log, ['start a', 'start b', 'start c'], 'c at 310 ms');
    t.mock.timers.tick(299);
    assert.deepEqual(f.log, ['start a', 'start b', 'start c']);
    t.mock.timers.tick(1);
    assert.deepEqual(f.log, ['start a', 'start b', 'start c', 'start d'], 'd at 610 ms');
    f.attempts.get('d')!.ok();
    assert.equal((await p).value, 'd');
  });
});

describe('race: a head start for a hinted first attempt', () => {
  test('delay 0 with a 250 ms head start: the others wait for it, then start as delay 0 does', async (t) => {
    const f = fake();
    const clock = mockedClock(t);
    const p = race(entries('a', 'b', 'c'), f.open, { attemptDelay: 0, headStart: 250, timeout: undefined, signal: undefined, label: () => 'x', dispose: () => {}, clock });
    await turns(3);
    assert.deepEqual(f.log, ['start a'], 'no other attempt while the hinted one has its head start');
    t.mock.timers.tick(250);
    assert.deepEqual(f.log, ['start a', 'start b']);
    await turns(3);
    assert.deepEqual(f.log, ['start a', 'start b', 'start c']);
    f.attempts.get('c')!.ok();
    assert.equal((await p).value, 'c');
  });
  test('the hinted attempt fails: the rest start at once (RFC 8305 §5)', async (t) => {
    const f = fake();
    const clock = mockedClock(t);
    const p = race(entries('a', 'b'), f.open, { attemptDelay: 0, headStart: 250, timeout: undefined, signal: undefined, label: () => 'x', dispose: () => {}, clock });
    f.attempts.get('a')!.fail('ECONNREFUSED');
    assert.deepEqual(f.log, ['start a', 'start b']);
    f.attempts.get('b')!.ok();
    assert.equal((await p).value, 'b');
  });
});

describe('race: the attempt delays share one timer', () => {
  const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  test('many races waiting on their delay arm one timer; each win or failure leaves nothing pending', async () => {
    const clock = new SharedClock(); // real time: no mock, so the timer count is the real one
    const before = timeouts();
    const fakes = Array.from({ length: 20 }, () => fake());
    const races = fakes.map((f) => race(entries('a', 'b'), f.open, { attemptDelay: 250, headStart: 250, timeout: undefined, signal: undefined, label: () => 'x', dispose: () => {}, clock }));
    assert.equal(clock.pending, 20);
    assert.equal(timeouts(), before + 1, 'one timer for twenty pending starts');
    fakes.forEach((f, i) => (i % 2 === 0 ? f.attempts.get('a')!.ok() : f.attempts.get('a')!.fail('ECONNREFUSED')));
    assert.equal(clock.pending, 0, 'a win cancels its start, a failure starts the next at once');
    assert.equal(timeouts(), before, 'nothing pending: the timer no longer keeps the process alive');
    fakes.forEach((f, i) => i % 2 === 1 && f.attempts.get('b')!.ok());
    assert.deepEqual((await Promise.all(races)).map((r) => r.value), fakes.map((_, i) => (i % 2 === 0 ? 'a' : 'b')));
    for (const f of fakes) assert.equal(f.log.filter((l) => l.startsWith('start')).length, f.attempts.size);
  });

  test('the start still comes after its delay on the real clock (not before, never lost)', async () => {
    const clock = new SharedClock();
    const f = fake();
    const t0 = performance.now();
    let started = 0;
    const p = race(entries('a', 'b'), (c, done) => {
      if (c === 'b') started = performance.now();
      return f.open(c, done);
    }, { attemptDelay: 30, timeout: undefined, signal: undefined, label: () => 'x', dispose: () => {}, clock });
    while (f.log.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.ok(started - t0 >= 29, `b started ${(started - t0).toFixed(1)} ms after a`);
    f.attempts.get('b')!.ok();
    assert.equal((await p).value, 'b');
    assert.equal(clock.pending, 0);
  });
});
