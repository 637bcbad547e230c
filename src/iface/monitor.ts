// The kernel's interface notifications without a native addon: one `ip -o monitor link address`
// child (rtnetlink groups LINK, IPV4_IFADDR, IPV6_IFADDR) shared by every watcher of this thread.
// Its lines are only a trigger: each burst makes the registries re-read and diff their table
// (`ip monitor` prints a rename as a plain link line, and lines of one burst can be lost to
// ENOBUFS). Only "Deleted N: ..." link lines are kept, to tell a re-created link from a rename.
//
// The child never outlives this process and never keeps it alive:
// - `ip` runs under `sh`, which waits on its stdin, a pipe from us; when this process dies in any
//   way (SIGKILL included) the pipe closes, `read` returns and sh kills `ip`. sh closes its own
//   stdout first, so the pipe ends when `ip` ends, and we notice at once;
// - the exit hook kills both as well; the child and its pipes are unref'd;
// - its own process group, so a Ctrl-C meant for this program does not kill the watcher of a
//   program that handles SIGINT.
// A child that dies is restarted with back-off (100 ms doubling to 30 s). Without `sh` or `ip`
// (exit 127, ENOENT) it is not tried again: the watchers poll.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Fe80Error } from '../errors.js';

export interface MonitorSubscriber {
  /** a batch of lines (one chunk of ip's output); `deleted`: link indexes of "Deleted" lines */
  lines(count: number, deleted: readonly number[]): void;
  /** true: subscribed to the kernel (every change from now on is seen); false: not (restarting or unavailable) */
  state(ready: boolean): void;
  /** a start failed or the child died (ERR_SYSTEM) */
  error(error: Fe80Error): void;
}

// `ip` is in /usr/sbin or /sbin, often not on a user's PATH. LC_ALL=C: stable output.
const SCRIPT = [
  'PATH="$PATH:/usr/sbin:/sbin"; export LC_ALL=C',
  'command -v ip >/dev/null 2>&1 || exit 127',
  'ip -o monitor link address </dev/null &',
  'echo "pid $!"',
  'exec >&-',
  'read _',
  'kill $! 2>/dev/null',
].join('\n');

const FIRST_BACKOFF = 100;
const MAX_BACKOFF = 30_000;
/** a child that ran this long after subscribing resets the back-off */
const STABLE = 10_000;
/** how long to look for ip's subscribed netlink socket before trusting it anyway */
const READY_TIMEOUT = 2000;
const READY_POLL = 2;
const MAX_LINE = 64 * 1024;

const DELETED_LINK = /^Deleted (\d+): [^\s]+: </;

type State = 'idle' | 'starting' | 'ready' | 'backoff' | 'unavailable';

class NetlinkMonitor {
  readonly #subs = new Set<MonitorSubscriber>();
  #state: State = 'idle';
  #child: ChildProcess | undefined;
  #ipPid: number | undefined;
  #ipAlive = false;
  #timer: NodeJS.Timeout | undefined;
  #backoff = FIRST_BACKOFF;
  #readyAt = 0;
  #stderr = '';
  #partial = '';
  #starts = 0;
  readonly #onExit = (): void => this.#kill();

  /** Subscribes (starting the child for the first subscriber); returns the unsubscribe function. */
  subscribe(sub: MonitorSubscriber): () => void {
    this.#subs.add(sub);
    if (this.#state === 'idle') this.#start();
    else if (this.#state === 'ready') queueMicrotask(() => this.#subs.has(sub) && sub.state(true));
    return () => {
      if (!this.#subs.delete(sub) || this.#subs.size > 0) return;
      this.#stop();
      if (this.#state !== 'unavailable') this.#state = 'idle';
    };
  }

  /** ip's pid while it runs (tests kill it to check the restart). */
  get pid(): number | undefined {
    return this.#ipPid;
  }

  get ready(): boolean {
    return this.#state === 'ready';
  }

  /** `false` once sh or ip was found missing: watchers poll. */
  get available(): boolean {
    return this.#state !== 'unavailable';
  }

  /** How many times the child was started (diagnostics, tests). */
  get starts(): number {
    return this.#starts;
  }

  #start(): void {
    this.#state = 'starting';
    this.#stderr = '';
    this.#partial = '';
    this.#starts++;
    let child: ChildProcess;
    try {
      child = spawn('sh', ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    } catch (error) {
      this.#failed(error as Error, true);
      return;
    }
    this.#child = child;
    process.on('exit', this.#onExit);
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
    child.stdin?.on('error', () => {}); // EPIPE once the child is gone
    child.stdout?.setEncoding('latin1');
    child.stderr?.setEncoding('latin1');
    child.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-1000);
      // e.g. "netlink receive error No buffer space available": notifications were lost, re-read
      if (this.#state === 'ready') for (const s of this.#subs) s.lines(1, []);
    });
    child.stdout?.on('data', (chunk: string) => this.#data(child, chunk));
    // ip gone (sh is still waiting on its stdin); before ip started, sh's exit code says why
    child.stdout?.once('end', () => {
      this.#ipAlive = false;
      if (this.#ipPid !== undefined) this.#ended(child, undefined);
    });
    child.once('error', (error) => this.#ended(child, error));
    child.once('exit', (code, signal) => this.#ended(child, undefined, code ?? undefined, signal ?? undefined));
  }

  #data(child: ChildProcess, chunk: string): void {
    if (child !== this.#child) return;
    const text = this.#partial + chunk;
    const lines = text.split('\n');
    this.#partial = (lines.pop() ?? '').slice(-MAX_LINE);
    if (this.#ipPid === undefined) {
      const first = lines.shift();
      const pid = first?.startsWith('pid ') ? Number(first.slice(4)) : Number.NaN;
      if (!Number.isInteger(pid) || pid <= 0) return;
      this.#ipPid = pid;
      this.#ipAlive = true;
      this.#waitSubscribed(child, pid, performance.now());
    }
    if (lines.length === 0 || this.#state !== 'ready') return;
    const deleted: number[] = [];
    for (const line of lines) {
      const m = DELETED_LINK.exec(line);
      if (m !== null) deleted.push(Number(m[1]));
    }
    for (const s of this.#subs) s.lines(lines.length, deleted);
  }

  /**
   * Ready once ip's NETLINK_ROUTE socket has its groups (it subscribes when it opens the socket):
   * from then on no change is missed. Found in /proc/net/netlink by inode (from /proc/PID/fd) or
   * by port id (ip's pid).
   */
  #waitSubscribed(child: ChildProcess, pid: number, since: number): void {
    if (child !== this.#child) return;
    if (subscribed(pid) || performance.now() - since > READY_TIMEOUT) {
      this.#state = 'ready';
      this.#readyAt = performance.now();
      for (const s of this.#subs) s.state(true);
      return;
    }
    this.#timer = setTimeout(() => this.#waitSubscribed(child, pid, since), READY_POLL);
    this.#timer.unref();
  }

  #ended(child: ChildProcess, error: Error | undefined, code?: number, signal?: string): void {
    if (child !== this.#child) return;
    const missing = code === 127 || (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
    const status = signal !== undefined ? `killed by ${signal}` : code !== undefined ? `exit ${code}` : 'ip exited';
    const why = error?.message ?? (this.#stderr.trim() || status);
    this.#failed(new Error(why, error === undefined ? undefined : { cause: error }), missing);
  }

  #failed(cause: Error, missing: boolean): void {
    const wasReady = this.#state === 'ready';
    const ranFor = wasReady ? performance.now() - this.#readyAt : 0;
    this.#stop();
    const err = new Fe80Error(
      'ERR_SYSTEM',
      missing
        ? `cannot watch interfaces through the kernel: sh or ip (iproute2) is missing (${cause.message}); polling instead`
        : `the interface monitor (ip -o monitor link address) failed: ${cause.message}; restarting`,
      { cause },
    );
    for (const s of this.#subs) {
      if (wasReady) s.state(false);
      s.error(err);
    }
    if (missing) {
      this.#state = 'unavailable';
      return;
    }
    if (ranFor >= STABLE) this.#backoff = FIRST_BACKOFF;
    if (this.#subs.size === 0) {
      this.#state = 'idle';
      return;
    }
    this.#state = 'backoff';
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#subs.size > 0) this.#start();
      else this.#state = 'idle';
    }, this.#backoff);
    this.#timer.unref();
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF);
  }

  #stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#kill();
    this.#child = undefined;
    this.#ipPid = undefined;
    process.removeListener('exit', this.#onExit);
  }

  #kill(): void {
    const child = this.#child;
    if (child === undefined) return;
    try {
      child.stdin?.destroy(); // sh reads EOF and kills ip
    } catch {
      // already closed
    }
    // ip only while its stdout is open (a dead ip's pid may belong to someone else by now);
    // child.kill() never signals a child already reaped
    if (this.#ipAlive && this.#ipPid !== undefined) {
      try {
        process.kill(this.#ipPid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    this.#ipAlive = false;
    child.kill('SIGTERM');
  }
}

/** Whether ip (pid) has a NETLINK_ROUTE socket with multicast groups. */
function subscribed(pid: number): boolean {
  let table: string;
  try {
    table = readFileSync('/proc/net/netlink', 'latin1');
  } catch {
    return false;
  }
  let inodes: Set<string> | undefined;
  try {
    inodes = new Set();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const m = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`));
      if (m !== null) inodes.add(m[1] as string);
    }
  } catch {
    inodes = undefined;
  }
  // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
  for (const line of table.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[1] !== '0') continue;
    if (/^0+$/.test(f[3] ?? '0')) continue;
    if (f[2] === String(pid) || (inodes !== undefined && inodes.has(f[9] ?? ''))) return true;
  }
  return false;
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

/** The one monitor of this thread. */
export const netlinkMonitor = new NetlinkMonitor();
