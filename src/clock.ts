// The process's shared clock: one timer for every pending job (mDNS one-shot queries and
// browsers, the racer's attempt delays). A job says when it next needs the clock (`due`) and the
// clock fires at the earliest one, so a query answered within a round trip, or a connect that
// wins before its attempt delay, never creates or clears a timer of its own (a timer armed and
// cleared per connect costs about 5% of a connect on a veth link, in libuv more than in JS).
// The timer is ref'd while a job that keeps the process alive is pending (as a socket read
// would) and unref'd when none is (background refreshes never keep a process alive).

export interface ClockJob {
  /** the clock's `now()` at which the job next wants `tick` (Infinity: not before it reschedules) */
  readonly due: number;
  /** a finished job is dropped at the next run */
  readonly done: boolean;
  /** called at or after `due` */
  tick(now: number): void;
  /** whether a pending job keeps the process alive (default true) */
  readonly keepsAlive?: boolean;
}

export class SharedClock {
  /** the clock's time in ms: performance.now() (monotonic), or what a test gives */
  readonly now: () => number;
  readonly #active = new Set<ClockJob>();
  /** active jobs that keep the process alive */
  #alive = 0;
  #timer: NodeJS.Timeout | undefined;
  #at = Infinity;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
  }

  /** Registers `job` (if new) and makes sure the clock fires no later than its `due`. */
  schedule(job: ClockJob): void {
    const at = job.due;
    if (!this.#active.has(job)) {
      this.#active.add(job);
      if (job.keepsAlive !== false && ++this.#alive === 1) this.#timer?.ref();
    }
    if (this.#timer !== undefined && this.#at <= at) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#arm(at);
  }

  /** Forgets `job`; with no job left the timer no longer keeps the process alive. */
  remove(job: ClockJob): void {
    if (this.#active.delete(job) && job.keepsAlive !== false && --this.#alive === 0) this.#timer?.unref();
  }

  /** Number of pending jobs (for tests). */
  get pending(): number {
    return this.#active.size;
  }

  #arm(at: number): void {
    this.#at = at;
    if (at === Infinity) {
      this.#timer = undefined;
      return;
    }
    this.#timer = setTimeout(() => this.#run(), Math.max(0, at - this.now()));
    if (this.#alive === 0) this.#timer.unref();
  }

  #run(): void {
    this.#timer = undefined;
    this.#at = Infinity;
    const now = this.now();
    // the jobs due, earliest first (a stalled loop finds several due at once); a copy, since a
    // job may finish or schedule others while ticking
    const due: ClockJob[] = [];
    // never before `due` (a timer may fire early: libuv's loop time is cached and in whole ms);
    // a job not yet due is armed again for the rest (at least 1 ms: no spin)
    for (const job of this.#active) if (!job.done && job.due <= now) due.push(job);
    if (due.length > 1) due.sort((a, b) => a.due - b.due);
    // a job that throws neither stops the others nor the clock: the first error is thrown
    // (an uncaught exception, as from a timer of its own) once the clock is armed again. The job
    // itself is dropped: its state is unknown, and a due time left in the past would tick it
    // (and throw) every millisecond
    let failure: { error: unknown } | undefined;
    for (const job of due) {
      if (job.done || job.due > now) continue;
      try {
        job.tick(now);
      } catch (error) {
        failure ??= { error };
        this.remove(job);
      }
    }
    let next = Infinity;
    for (const job of this.#active) {
      if (job.done) this.remove(job);
      else next = Math.min(next, job.due);
    }
    if (this.#timer !== undefined) clearTimeout(this.#timer); // a tick may have scheduled meanwhile
    this.#arm(next);
    if (failure !== undefined) throw failure.error;
  }
}

/** The process-wide clock (the mDNS resolver and browser, the racer). */
export const clock = new SharedClock();
