// What every discover source gets and gives: the links it may use (and nothing else), a way to
// report observations and take facts back, and the discovery's end as an AbortSignal.
import type { InterfaceInfo, InterfaceRegistry } from '../iface/index.js';
import type { Observation } from './devices.js';
import type { LostReason, SourceName } from './types.js';

export interface SourceContext {
  readonly registry: InterfaceRegistry;
  /** keep running until `signal` aborts, re-probing now and then */
  readonly watch: boolean;
  /** aborted when the discovery (or this interface's part of it) ends */
  readonly signal: AbortSignal;
  /** ms until a one-shot discovery ends (Infinity when watching) */
  readonly remaining: () => number;
  /** the chosen interfaces that are up right now */
  readonly interfaces: () => readonly InterfaceInfo[];
  observe(o: Observation): void;
  withdraw(link: string, what: { address?: string; name?: string; service?: { instance: string; type: string }; id?: string }, reason: LostReason): void;
  /** counts an answer dropped (malformed, another link's, over a limit) */
  drop(count?: number): void;
  /** options a source reads (lldpSocket ...) */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface Source {
  readonly name: SourceName;
  /**
   * `'link'`: started once per interface (and again when it comes back up), its signal aborted
   * when that interface goes down; `'global'`: started once, reads `ctx.interfaces()` as it goes.
   */
  readonly scope: 'link' | 'global';
  /** why this source cannot run here (no `ping`, not Linux, no lldpd ...), or undefined */
  check(ctx: SourceContext): Promise<string | undefined> | string | undefined;
  /** runs until done (one-shot) or until the signal aborts; rejects only on a failure worth reporting */
  run(ctx: SourceContext, iface?: InterfaceInfo): Promise<void>;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener('abort', done, { once: true });
  });
}
