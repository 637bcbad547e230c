// The shared clock of the mDNS jobs: one timer, jobs ticked in due order, re-armed for the next
// due job, ref'd only while a job that keeps the process alive is pending.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedClock, type ClockJob } from '../src/clock.js';

class Job implements ClockJob {
  due: number;
  done = false;
  readonly keepsAlive: boolean;
  readonly ticks: number[] = [];
  readonly #log: string[];
  readonly #name: string;
  readonly #again: number[];
  constructor(name: string, log: string[], due: number, again: number[] = [], keepsAlive = true) {
    this.#name = name;
    this.#log = log;
    this.due = due;
    this.#again = again;
    this.keepsAlive = keepsAlive;
  }
  tick(now: number): void {
    this.ticks.push(now);
    this.#log.push(this.#name);
    const next = this.#again.shift();
    if (next === undefined) this.done = true;
    else this.due = now + next;
  }
}

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('jobs tick in due order, each no earlier than its due time, and re-scheduled jobs tick again', async () => {
  const clock = new SharedClock();
  const log: string[] = [];
  const t0 = performance.now();
  const jobs = [new Job('c', log, t0 + 30), new Job('a', log, t0 + 5, [40]), new Job('b', log, t0 + 15)];
  for (const job of jobs) clock.schedule(job);
  // until every job is done (not `clock.pending`: a stalled loop may tick all three before a
  // re-arms, leaving nothing pending for a moment)
  while (jobs.some((job) => !job.done)) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    for (const job of jobs) if (!job.done) clock.schedule(job); // what a job does after a tick
  }
  assert.deepEqual(log, ['a', 'b', 'c', 'a']);
  for (const job of jobs) for (const at of job.ticks) assert.ok(at >= t0, 'never before it was scheduled');
  assert.ok((jobs[1]?.ticks[1] ?? 0) >= (jobs[1]?.ticks[0] ?? Infinity) + 39, 'the re-armed due time is honoured');
});

test('the timer keeps the process alive only while a job that wants that is pending', async () => {
  const clock = new SharedClock();
  const before = timers();
  const quiet = new Job('quiet', [], performance.now() + 50, [], false);
  clock.schedule(quiet);
  assert.equal(timers(), before, 'a background job leaves the timer unref\'d');
  const loud = new Job('loud', [], performance.now() + 20);
  clock.schedule(loud);
  assert.equal(timers(), before + 1, 'a foreground job refs it');
  clock.remove(loud);
  assert.equal(timers(), before, 'removing it unrefs again');
  clock.remove(quiet);
  assert.equal(clock.pending, 0);
});

test('a job that throws: the others still tick, the clock stays armed, the error is not lost', async () => {
  const clock = new SharedClock();
  const log: string[] = [];
  const t0 = performance.now();
  // it throws before it can finish or move its due time: ticked again, it would throw every ms
  let badTicks = 0;
  const bad = { due: t0 + 5, done: false, tick(): void {
    badTicks++;
    throw new Error('boom');
  } };
  const good = new Job('good', log, t0 + 5);
  const later = new Job('later', log, t0 + 40);
  const errors: unknown[] = [];
  // the throw surfaces as an uncaught exception, as it would from a timer of its own
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', (error) => errors.push(error));
  try {
    for (const job of [bad, good, later]) clock.schedule(job);
    for (let i = 0; i < 100 && !later.done; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    process.removeAllListeners('uncaughtException');
    for (const l of listeners) process.on('uncaughtException', l);
  }
  assert.deepEqual(log, ['good', 'later'], 'the job due with the one that threw, and the next one');
  assert.deepEqual(errors.map((e) => (e as Error).message), ['boom']);
  assert.equal(badTicks, 1, 'the job that threw is dropped');
  assert.equal(clock.pending, 0);
});
