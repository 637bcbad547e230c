// Timeout and AbortSignal for one operation: one timer, one listener, both removed by the
// returned function (call it on every exit path).
import { Fe80Error } from './errors.js';

/** `label` is text or a function giving it (built only when an error needs it). */
export type Label = string | (() => string);
const text = (label: Label): string => (typeof label === 'string' ? label : label());

export function abortedError(label: Label, signal: AbortSignal): Fe80Error {
  return new Fe80Error('ERR_ABORTED', `${text(label)} was aborted`, { cause: signal.reason });
}

export function timeoutError(label: Label, ms: number, detail = ''): Fe80Error {
  return new Fe80Error('ERR_TIMEOUT', `${text(label)} timed out after ${Math.round(ms)} ms${detail}`);
}

const noop = (): void => {};

/**
 * Calls `fire` once with ERR_TIMEOUT after `timeout` ms or ERR_ABORTED when `signal` aborts,
 * whichever comes first. The caller checks `signal.aborted` before starting. Returns the
 * function that disarms both.
 */
export function watchCancel(
  timeout: number | undefined,
  signal: AbortSignal | undefined,
  label: Label,
  fire: (error: Fe80Error) => void,
  detail?: () => string,
): () => void {
  if (timeout === undefined && signal === undefined) return noop;
  let timer: NodeJS.Timeout | undefined;
  const disarm = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    signal?.removeEventListener('abort', onAbort);
  };
  function onAbort(): void {
    disarm();
    fire(abortedError(label, signal as AbortSignal));
  }
  if (timeout !== undefined) {
    timer = setTimeout(() => {
      disarm();
      fire(timeoutError(label, timeout, detail?.() ?? ''));
    }, timeout);
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  return disarm;
}

/**
 * `promise`, or ERR_TIMEOUT / ERR_ABORTED when `timeout` or `signal` comes first (for work that
 * cannot be cancelled itself, such as a getaddrinfo call: its late result is ignored).
 */
export function within<T>(promise: Promise<T>, timeout: number | undefined, signal: AbortSignal | undefined, label: Label): Promise<T> {
  if (timeout === undefined && signal === undefined) return promise;
  if (signal?.aborted) return Promise.reject(abortedError(label, signal));
  return new Promise<T>((resolve, reject) => {
    const disarm = watchCancel(timeout, signal, label, reject);
    promise.then(
      (value) => {
        disarm();
        resolve(value);
      },
      (error: unknown) => {
        disarm();
        reject(error);
      },
    );
  });
}
