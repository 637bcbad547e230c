// Tearing namespaces down (async for Lab.close, sync for process exit and signals) and the
// process-wide exit/signal hooks that guarantee it.
//
// Order matters: a namespace is only destroyed when its last process is gone, and with it its
// veths. So: SIGKILL every pid in the namespace (`ip netns pids`), wait until none is left, delete
// the root-side veth ends, then `ip netns del`.
import { ipSync, labError, run, sleep, sleepSync } from './run.js';

const PROCESS_WAIT_MS = 5_000;

function parsePids(text: string): number[] {
  return text
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** SIGKILLs every process in `ns` and waits until none is left. Throws ERR_LAB if they stay. */
export async function killNamespaceProcesses(ns: string): Promise<void> {
  const deadline = Date.now() + PROCESS_WAIT_MS;
  for (;;) {
    const result = await run('ip', ['netns', 'pids', ns]);
    if (result.code !== 0) return; // namespace already gone
    const pids = parsePids(result.stdout);
    if (pids.length === 0) return;
    if (Date.now() > deadline) {
      throw labError(`processes ${pids.join(', ')} in namespace ${ns} survived SIGKILL for ${PROCESS_WAIT_MS} ms`, `ip netns pids ${ns}`);
    }
    killAll(pids);
    await sleep(10);
  }
}

/** Deletes root-namespace links and namespaces (after their processes were killed). Missing ones are fine. */
export async function deleteAll(namespaces: readonly string[], rootLinks: readonly string[]): Promise<void> {
  const existingLinks = new Set(listRootLinks(await run('ip', ['-j', 'link', 'show']).then((r) => r.stdout)));
  const lines = [
    ...rootLinks.filter((l) => existingLinks.has(l)).map((l) => `link del dev ${l}`),
    ...namespaces.map((n) => `netns del ${n}`),
  ];
  if (lines.length === 0) return;
  const existingNs = new Set(listNamespaces((await run('ip', ['netns', 'list'])).stdout));
  const needed = lines.filter((l) => !l.startsWith('netns del ') || existingNs.has(l.slice('netns del '.length)));
  if (needed.length === 0) return;
  // -force: go on after an error, so one failure does not leave the rest behind; then report it.
  const result = await run('ip', ['-force', '-batch', '-'], { input: needed.join('\n') + '\n' });
  // Something already gone (removed concurrently) is fine; anything else is a failure.
  const problems = result.stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !/No such file or directory|Cannot find device|^Command failed -:\d+$/.test(l));
  if (result.code !== 0 && problems.length > 0) {
    throw labError(`lab cleanup failed: ${result.stderr.trim()}\ncommands:\n${needed.join('\n')}`, 'ip -force -batch -');
  }
}

export function listNamespaces(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '');
}

export function listRootLinks(json: string): string[] {
  try {
    return (JSON.parse(json) as { ifname: string }[]).map((l) => l.ifname);
  } catch {
    return [];
  }
}

/** Synchronous version of kill + delete, for 'exit' and signal handlers. Best effort, never throws. */
export function cleanupSync(namespaces: readonly string[], rootLinks: readonly string[]): void {
  const deadline = Date.now() + PROCESS_WAIT_MS;
  for (const ns of namespaces) {
    for (;;) {
      const out = ipSync(['netns', 'pids', ns]);
      if (out === undefined) break;
      const pids = parsePids(out);
      if (pids.length === 0 || Date.now() > deadline) break;
      killAll(pids);
      sleepSync(10);
    }
  }
  const lines = [...rootLinks.map((l) => `link del dev ${l}`), ...namespaces.map((n) => `netns del ${n}`)];
  if (lines.length > 0) ipSync(['-force', '-batch', '-'], lines.join('\n') + '\n');
}

/** What the process hooks need from a Lab. */
export interface Closable {
  closeSync(): void;
}

const open = new Set<Closable>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function onExit(): void {
  for (const lab of [...open]) lab.closeSync();
}

function onSignal(signal: NodeJS.Signals): void {
  onExit();
  uninstall();
  // Keep the default behaviour (terminate with that signal) unless someone else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}
function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** Registers an open lab; the exit and signal hooks are installed while at least one is open. */
export function registerOpen(lab: Closable): void {
  open.add(lab);
  install();
}

export function unregisterOpen(lab: Closable): void {
  open.delete(lab);
  if (open.size === 0) uninstall();
}

/** Number of labs of this process not closed yet (for tests). */
export function openLabCount(): number {
  return open.size;
}
