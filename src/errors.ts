/**
 * Every failure fe80 reports is an `Fe80Error` with a stable `code` from `Fe80ErrorCode`.
 * Match on `code`, never on `message` (messages may be reworded). The list of codes, with one
 * sentence each, is `ERROR_CODES` below and the README's "Error codes" section.
 */

/** What each code means; the README's table is generated from the same words. */
export const ERROR_CODES = {
  ERR_INVALID_ADDRESS: 'The text is not an IPv4 or IPv6 address (RFC 4291 §2.2).',
  ERR_INVALID_ZONE:
    'The zone is empty, contains a forbidden character, or cannot be an interface name here (RFC 4007 §11.2; Linux: 1-15 bytes).',
  ERR_INVALID_PORT: 'The port is missing, not decimal, or outside 0-65535.',
  ERR_INVALID_ENDPOINT: 'The text is not an endpoint: `[addr%zone]:port` or `a.b.c.d:port`.',
  ERR_INVALID_URL: 'The URL is malformed, or its host is a zoned form fe80 does not accept.',
  ERR_INVALID_ARGUMENT: 'An option or argument has the wrong type or value.',
  ERR_UNKNOWN_INTERFACE: 'No interface has this name or index (the message lists the interfaces that exist).',
  ERR_INTERFACE_DOWN: 'The interface exists but is down, or has no IPv6 link-local address.',
  ERR_ZONE_NOT_ALLOWED:
    'A zone was given for an address whose scope takes none (global, ULA, loopback, IPv4; RFC 4007 §6) or that sockets ignore (site-local, multicast beyond link scope), or the interface is outside the allowed set.',
  ERR_ZONE_REQUIRED:
    'A link-local address has no zone, and no zone policy picks one (the message lists candidate interfaces).',
  ERR_CONNECT: 'Every connection attempt failed (each attempt and its error are listed on `attempts`).',
  ERR_SOCKET:
    'A socket could not be bound, listened on or sent from (EADDRINUSE, EACCES, ENETUNREACH, ...; the system error is on `cause`).',
  ERR_TIMEOUT: 'The operation did not finish within its timeout.',
  ERR_ABORTED: 'The operation was cancelled through its AbortSignal.',
  ERR_NOT_FOUND: 'A name was not resolved (mDNS or system resolver).',
  ERR_MDNS: 'An mDNS query could not be sent or its socket failed.',
  ERR_HTTP: 'An HTTP request failed in a way that is not a connection error (bad redirect, too many redirects).',
  ERR_UNSUPPORTED: 'The operation is not available on this platform or Node.js version.',
  ERR_SYSTEM:
    'A facility of the operating system that fe80 reads could not be used (the interface table, a helper program such as ip or ping; the system error is on `cause`).',
  ERR_LAB: 'The test lab (fe80/testing) could not create or clean up a namespace, link or process.',
} as const;

export type Fe80ErrorCode = keyof typeof ERROR_CODES;

export interface Fe80ErrorOptions {
  /** The text or value that was rejected, verbatim. */
  input?: string | undefined;
  /** Index into `input` where parsing failed. */
  position?: number | undefined;
  /** A suggestion for the user (e.g. "looks URL-encoded: did you mean zone eth0?"). */
  hint?: string | undefined;
  /** The underlying system error, if any. */
  cause?: unknown;
  /**
   * What to do about it, worded for a program and for a shell user; `message` ends with the
   * `library` wording, `messageFor(error, 'cli')` gives the message with the `cli` one.
   */
  advice?: Readonly<{ library: string; cli: string }> | undefined;
  /** ERR_ZONE_REQUIRED: the interfaces that could carry the address, in the order a race tries them. */
  candidates?: readonly string[] | undefined;
}

const BRAND = Symbol.for('fe80.error.1');

/** `editMessage`, set by the class (it reaches the private pending message). */
let edit: (error: Fe80Error, change: (message: string) => string) => void;

export class Fe80Error extends Error {
  // on the prototype (below), not an own field per instance: errors are built on hot paths (a
  // flood of bogus zones) and a class field is a define per object
  declare readonly name: 'Fe80Error';
  declare readonly code: Fe80ErrorCode;
  declare readonly input: string | undefined;
  declare readonly position: number | undefined;
  declare readonly hint: string | undefined;
  declare readonly advice: Readonly<{ library: string; cli: string }> | undefined;
  /** ERR_ZONE_REQUIRED: the interfaces that could carry the address (a program can offer them as a choice); else undefined */
  declare readonly candidates: readonly string[] | undefined;
  /** a message not built yet (see the `message` accessor below) */
  #build: (() => string) | undefined;

  /**
   * `message` may be a function: it is then called on the first read of `message` (or `stack`),
   * for errors raised in floods (a bogus zone per request) that are mostly caught and counted,
   * never read; building "have: eth0, eth1, ..." 10,000 times costs as much as the errors do.
   */
  constructor(code: Fe80ErrorCode, message: string | (() => string), options: Fe80ErrorOptions = {}) {
    const cause = options.cause === undefined ? undefined : { cause: options.cause };
    if (typeof message === 'string') super(message, cause);
    else {
      super(undefined, cause);
      this.#build = message;
    }
    this.code = code;
    this.input = options.input;
    this.position = options.position;
    this.hint = options.hint;
    this.advice = options.advice;
    if (options.candidates !== undefined) this.candidates = options.candidates; // one code has them: no store on the others
  }

  // A lazy message is built on first read, then kept as an own property (an error given a string
  // has its own `message` and never reaches this accessor). The stack's first line is formatted
  // when `stack` is first read, so it shows the built message too.
  override get message(): string {
    const build = #build in this ? this.#build : undefined;
    if (build === undefined) return '';
    const message = build();
    Fe80Error.#own(this, message);
    return message;
  }

  override set message(message: string) {
    Fe80Error.#own(this, message);
  }

  /** Gives `error` its own `message`, as `new Error(message)` would have (writable, not enumerable). */
  static #own(error: Fe80Error, message: string): void {
    if (#build in error) error.#build = undefined;
    Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true, enumerable: false });
  }

  static {
    edit = (error, change) => {
      // a pending message is still unbuilt (#own clears it as soon as one is set); an error of
      // another copy of fe80 has no such slot
      const build = #build in error ? error.#build : undefined;
      if (build !== undefined) error.#build = () => change(build());
      else error.message = change(error.message);
    };
  }

  /** Cross-realm / cross-copy check: two installed copies of fe80 recognise each other's errors. */
  get [BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses use the ordinary prototype check; the base class also recognises other copies.
    if (this !== Fe80Error) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  toJSON(): { code: Fe80ErrorCode; message: string; input?: string; position?: number; hint?: string; candidates?: readonly string[] } {
    const out: { code: Fe80ErrorCode; message: string; input?: string; position?: number; hint?: string; candidates?: readonly string[] } = {
      code: this.code,
      message: this.message,
    };
    if (this.input !== undefined) out.input = this.input;
    if (this.position !== undefined) out.position = this.position;
    if (this.hint !== undefined) out.hint = this.hint;
    if (this.candidates !== undefined) out.candidates = this.candidates;
    return out;
  }
}

Object.defineProperty(Fe80Error.prototype, 'name', { value: 'Fe80Error', writable: true, configurable: true });

/** Rewrites `error.message` with `edit`, keeping a message that was not built yet unbuilt. */
export function editMessage(error: Fe80Error, change: (message: string) => string): void {
  edit(error, change);
}

/**
 * The message of `error` for `audience`: for `'cli'`, advice given in library terms
 * (`{ zone: 'eth0' }`) is replaced by its command-line wording (`--zone eth0`).
 */
export function messageFor(error: Fe80Error, audience: 'library' | 'cli'): string {
  const advice = error.advice;
  if (audience === 'library' || advice === undefined) return error.message;
  const { message } = error;
  return message.endsWith(advice.library) ? message.slice(0, message.length - advice.library.length) + advice.cli : message;
}

/** Reports whether `value` is an Fe80Error, optionally with the given code. */
export function isFe80Error(value: unknown, code?: Fe80ErrorCode): value is Fe80Error {
  return value instanceof Fe80Error && (code === undefined || (value as Fe80Error).code === code);
}

/** One failed attempt of a multi-attempt operation (racing, redirects). */
export interface Attempt {
  /** The endpoint tried, as text, e.g. `[fe80::1%eth0]:80`. */
  endpoint: string;
  /** The interface name of this attempt, if any. */
  interface?: string | undefined;
  error: Error;
}

/** ERR_CONNECT: every attempt failed. `attempts` lists each attempt and its error. */
export class Fe80ConnectError extends Fe80Error {
  declare readonly attempts: readonly Attempt[];
  constructor(message: string, attempts: readonly Attempt[], options: Fe80ErrorOptions = {}) {
    super('ERR_CONNECT', message, options);
    this.attempts = attempts;
  }
}

/** `a, b, c, ... (N more)`: the first `max` of `words` for a message ('' for none). */
export function clippedList(words: readonly string[], max: number): string {
  const shown = words.length > max ? [...words.slice(0, max), `... (${words.length - max} more)`] : words;
  return shown.join(', ');
}

/** At most this many characters of user input appear in a message (the full text stays on `input`). */
export const MAX_QUOTED = 120;

/**
 * Quotes user input for a message: JSON-style (control characters, NUL and lone surrogates
 * escaped), plus the C1 controls, line separators and bidirectional overrides JSON leaves raw,
 * so input cannot reset or rewrite the terminal of whoever reads the log; clipped to MAX_QUOTED
 * characters.
 */
export function quote(value: string): string {
  const text = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED - 3)}...` : value;
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `quote()` without the quotes: user input inside a larger token (`fe80::1%ZONE`), escaped and clipped. */
export function escaped(value: string): string {
  return quote(value).slice(1, -1);
}

/**
 * System error codes after which the interface table may be stale (an interface was renamed,
 * re-created with a new index, or lost its address): the registry is re-read before the next use.
 */
export const STALE_INTERFACE_ERRNOS: ReadonlySet<string> = new Set(['ENODEV', 'EADDRNOTAVAIL', 'EINVAL', 'ENXIO', 'ENETUNREACH']);

/** Reports whether `error` is a system error that suggests a stale interface table. */
export function isStaleInterfaceError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && STALE_INTERFACE_ERRNOS.has(code);
}
