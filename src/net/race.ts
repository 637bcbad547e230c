// RFC 8305 §5-style racing of connection attempts (applied to one address over several
// interfaces, or to every answer of a host name): start one attempt, start the next after `attemptDelay` or
// as soon as an attempt fails, keep the first that succeeds and cancel the rest at once.
// The winner is handed over before the losers are torn down (in the next check phase of the
// same loop iteration), as Go's dialParallel returns while its losers are cancelled: the caller's
// first write does not wait for k-1 socket closes. The attempt delay runs on the shared clock: a
// connect that wins within it (the usual case) neither creates nor clears a timer.
import { Fe80ConnectError, type Attempt } from '../errors.js';
import { abortedError, watchCancel } from '../cancel.js';
import { clock as sharedClock, type ClockJob, type SharedClock } from '../clock.js';

/** RFC 8305 §5: a new attempt MUST NOT start within 10 ms of the previous one (0 = all at once). */
export const MIN_ATTEMPT_DELAY = 10;
/** RFC 8305 §5 default Connection Attempt Delay. */
export const DEFAULT_ATTEMPT_DELAY = 250;

export interface RaceEntry<C> {
  candidate: C;
  /** for messages and `Attempt.endpoint`: `[fe80::1%eth0]:80` (may be a getter: only errors need it) */
  readonly endpoint: string;
  interface: string | undefined;
}

/**
 * Starts one attempt; calls `done` exactly once unless cancelled first. Returns the function that
 * cancels the attempt (and destroys whatever it made). `done(undefined, value)` hands `value` over.
 */
export type Opener<C, T> = (candidate: C, done: (error: Error | undefined, value?: T) => void) => () => void;

export interface RaceOptions<T> {
  attemptDelay: number;
  /**
   * ms before the second attempt when the first is a strong hint (an address the neighbour table
   * knows on that interface): the others join only if it has not answered by then, whatever
   * `attemptDelay` is (a failure of the first still starts the rest at once).
   */
  headStart?: number | undefined;
  timeout: number | undefined;
  signal: AbortSignal | undefined;
  /** `connect to [fe80::1]:80`; called only when an error needs it */
  label: () => string;
  /** disposes of a value that arrived after the race was decided */
  dispose: (value: T) => void;
  /** @internal the clock of the attempt delays (default: the process-wide one; tests give their own) */
  clock?: SharedClock | undefined;
}

/**
 * The race's one pending start ("one timer at a time") as a job of the shared clock. It keeps
 * the process alive while armed, as a timer of its own would.
 */
class StartTimer implements ClockJob {
  due = Infinity;
  readonly done = false;
  readonly #clock: SharedClock;
  readonly #fire: () => void;
  constructor(clock: SharedClock, fire: () => void) {
    this.#clock = clock;
    this.#fire = fire;
  }

  arm(ms: number): void {
    this.due = this.#clock.now() + ms;
    this.#clock.schedule(this);
  }

  cancel(): void {
    if (this.due === Infinity) return;
    this.due = Infinity;
    this.#clock.remove(this);
  }

  tick(): void {
    this.cancel();
    this.#fire();
  }
}

export interface RaceResult<C, T> {
  value: T;
  entry: RaceEntry<C>;
  /** attempts started */
  started: number;
}

/** Effective delay: 0 stays 0 (all at once), other values are raised to the RFC 8305 10 ms floor. */
export function effectiveDelay(delay: number): number {
  return delay === 0 ? 0 : Math.max(delay, MIN_ATTEMPT_DELAY);
}

/** `ECONNREFUSED` for system errors (the endpoint is listed already), the message otherwise. */
function reason(error: Error): string {
  const e = error as { code?: unknown; syscall?: unknown };
  if (typeof e.code === 'string' && typeof e.syscall === 'string') return e.code;
  return error.message;
}

/** One ERR_CONNECT for every failed attempt; the system error on `cause` (an AggregateError for several). */
export function connectError(label: () => string, attempts: Attempt[]): Fe80ConnectError {
  const first = attempts[0];
  if (attempts.length === 1 && first !== undefined) {
    return new Fe80ConnectError(`${label()} failed${first.interface ? ` (via ${first.interface})` : ''}: ${reason(first.error)}`, attempts, {
      cause: first.error,
    });
  }
  const list = attempts.map((a) => `${a.endpoint}: ${reason(a.error)}`).join('; ');
  return new Fe80ConnectError(`${label()} failed on all ${attempts.length} interfaces: ${list}`, attempts, {
    cause: new AggregateError(
      attempts.map((a) => a.error),
      'every attempt failed',
    ),
  });
}

export function race<C, T>(entries: readonly RaceEntry<C>[], open: Opener<C, T>, options: RaceOptions<T>): Promise<RaceResult<C, T>> {
  const { signal, label, dispose } = options;
  const delay = effectiveDelay(options.attemptDelay);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(label, signal));
      return;
    }
    /** attempts in flight: `retire` makes their outcome moot at once, `cancel` tears them down */
    const cancels = new Map<number, { retire(): void; cancel(): void }>();
    /** failed attempts; their `Attempt` records (endpoint text) are built only for an error */
    const failed: { entry: RaceEntry<C>; error: Error }[] = [];
    const attempts = (): Attempt[] => failed.map(({ entry, error }) => ({ endpoint: entry.endpoint, interface: entry.interface, error }));
    let next = 0;
    let settled = false;
    const timer = new StartTimer(options.clock ?? sharedClock, () => startNext());

    const finish = (error: Error | undefined, result?: RaceResult<C, T>): void => {
      if (settled) return;
      settled = true;
      timer.cancel();
      if (immediate !== undefined) clearImmediate(immediate);
      immediate = undefined;
      disarm();
      const losers = [...cancels.values()];
      cancels.clear();
      for (const loser of losers) loser.retire();
      if (error !== undefined) {
        for (const loser of losers) loser.cancel();
        reject(error);
        return;
      }
      resolve(result as RaceResult<C, T>);
      if (losers.length > 0) setImmediate(() => losers.forEach((loser) => loser.cancel()));
    };
    const inFlight = (): string => {
      const names = [...cancels.keys()].map((i) => entries[i]?.interface ?? entries[i]?.endpoint);
      const parts = [];
      if (names.length > 0) parts.push(`in flight: ${names.join(', ')}`);
      if (failed.length > 0) parts.push(`failed: ${failed.map((a) => `${a.entry.interface ?? a.entry.endpoint} ${reason(a.error)}`).join(', ')}`);
      return parts.length > 0 ? ` (${parts.join('; ')})` : '';
    };
    const disarm = watchCancel(options.timeout, signal, label, (error) => finish(error), inFlight);

    // Delay 0 starts the rest "at once", but first lets the I/O that is already pending be
    // handled (the next poll phase, two setImmediate turns): an attempt that completed inside the
    // kernel (a peer on a veth answers within the connect syscall) wins before sockets that would
    // only be destroyed are made. Then one attempt per loop turn: each costs ~20 us of CPU, and an
    // answer arriving meanwhile (a link with a round trip shorter than the whole burst) is seen
    // between two starts instead of after all of them.
    let immediate: NodeJS.Immediate | undefined;
    let waited = false;
    const turn = (): void => {
      immediate = undefined;
      if (!waited) {
        waited = true;
        immediate = setImmediate(turn);
      } else startNext();
    };
    const schedule = (): void => {
      timer.cancel();
      if (settled || next >= entries.length) return;
      if (next === 1 && options.headStart !== undefined && failed.length === 0) timer.arm(effectiveDelay(options.headStart));
      else if (delay === 0) immediate ??= setImmediate(turn);
      else timer.arm(delay);
    };

    function startNext(): void {
      // Called by the stagger timer or early, after a failure: either way no other start may stay
      // armed, or the next attempt would come one delay too soon (one timer at a time).
      timer.cancel();
      if (settled || next >= entries.length) return;
      const index = next++;
      const entry = entries[index] as RaceEntry<C>;
      let live = true;
      const done = (error: Error | undefined, value?: T): void => {
        if (!live) {
          if (error === undefined && value !== undefined) dispose(value);
          return;
        }
        live = false;
        cancels.delete(index);
        if (error !== undefined) {
          failed.push({ entry, error });
          // A failed attempt starts the next one at once (RFC 8305 §5). With delay 0, all the
          // rest: the failure took a round trip, so the link is not one where an answer could
          // still beat them, and their starts are overdue.
          if (next < entries.length) {
            if (delay === 0) while (!settled && next < entries.length) startNext();
            else startNext();
          } else if (cancels.size === 0) finish(connectError(label, attempts()));
          return;
        }
        finish(undefined, { value: value as T, entry, started: next });
      };
      let cancel: () => void;
      try {
        cancel = open(entry.candidate, done);
      } catch (error) {
        done(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (live) {
        cancels.set(index, {
          retire: () => {
            live = false;
          },
          cancel,
        });
      }
      schedule();
    }

    startNext();
  });
}
