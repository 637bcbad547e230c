// Waiting for a server or UDP socket to listen, cancellable. Node's own `signal` option closes
// the handle when aborted, but a close before 'listening' emits neither 'listening' nor 'error':
// a promise waiting for either would never settle. So the signal is handled here instead.
import type { EventEmitter } from 'node:events';
import { abortedError, watchCancel, type Label } from '../cancel.js';

export interface ListeningOptions {
  signal: AbortSignal | undefined;
  /** what was aborted, for ERR_ABORTED */
  label: Label;
  /** closes the handle (on abort) */
  close: () => void;
  /** the error to reject with when the emitter reports `error` (or `start` throws) */
  failed: (error: Error) => Error;
}

/** Aborting `signal` closes the emitter's handle until it closes (as Node's `signal` options do). */
function closeOnAbort(signal: AbortSignal, emitter: EventEmitter, close: () => void): void {
  const onAbort = (): void => close();
  signal.addEventListener('abort', onAbort, { once: true });
  emitter.once('close', () => signal.removeEventListener('abort', onAbort));
}

function whenListening(emitter: EventEmitter, start: () => void, o: ListeningOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error: Error | undefined): void => {
      disarm();
      emitter.removeListener('listening', onListening);
      emitter.removeListener('error', onError);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onListening = (): void => settle(undefined);
    const onError = (error: Error): void => settle(o.failed(error));
    const disarm = watchCancel(undefined, o.signal, o.label, (error) => {
      o.close();
      settle(error);
    });
    emitter.once('listening', onListening);
    emitter.once('error', onError);
    try {
      start();
    } catch (error) {
      settle(o.failed(error as Error));
    }
  });
}

/**
 * Calls `start` (e.g. `server.listen(...)`) and resolves on 'listening'; rejects with
 * `failed(error)` on 'error', or ERR_ABORTED (handle closed, nothing left bound) when `signal`
 * aborts before the caller gets the result. Once resolved, an abort closes the handle. Its
 * 'listening'/'error' listeners are removed on every path.
 */
export async function listenCancellable(emitter: EventEmitter, start: () => void, o: ListeningOptions): Promise<void> {
  if (o.signal?.aborted) throw abortedError(o.label, o.signal);
  await whenListening(emitter, start, o);
  if (o.signal === undefined) return;
  // aborted between 'listening' and this continuation
  if (o.signal.aborted) {
    o.close();
    throw abortedError(o.label, o.signal);
  }
  closeOnAbort(o.signal, emitter, o.close);
}
