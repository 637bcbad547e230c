// Which `fe80 lab up` processes run on this machine, so that a second `lab up` is refused and
// `lab down` stops every one. Each records itself in its own file (DIR/PID.json: two labs started
// at the same moment are both found later, where one shared file would keep only the last). A
// record names its process by pid and by the start time the kernel gives that pid, so a pid reused
// after a killed `lab up` is never signalled. The directory is root's (/run, as the lab is root's):
// a record planted in a world-writable place could make `lab down` signal any process.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fe80Error, quote } from '../errors.js';
import { processStart } from '../testing/process.js';

export const LAB_STATE_DIR = existsSync('/run') ? '/run/fe80-lab' : join(tmpdir(), 'fe80-lab');

export interface LabRecord {
  pid: number;
  /** /proc/PID/stat field 22 (starttime, clock ticks since boot): the pid's identity */
  started: string;
  /** the client namespace, once built */
  client?: string | undefined;
}

/** The record's process still runs: the same pid with the same start time. */
export function isRunning(record: LabRecord): boolean {
  return record.started !== '' && processStart(record.pid) === record.started;
}

/** The directory, made if missing; refused when it is not a directory of this user's (a symlink, say). */
function stateDir(dir: string): string {
  let owner: number;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    owner = st.isDirectory() ? st.uid : -1;
  } catch (cause) {
    throw new Fe80Error('ERR_LAB', `cannot use the lab's state directory ${quote(dir)} (${(cause as Error).message}); the lab needs root`, { input: dir, cause });
  }
  const uid = process.getuid?.();
  if (owner === -1) throw new Fe80Error('ERR_LAB', `the lab's state directory ${quote(dir)} is not a directory: remove it`, { input: dir });
  if (uid !== undefined && owner !== uid) {
    throw new Fe80Error('ERR_LAB', `the lab's state directory ${quote(dir)} belongs to uid ${owner}, not to this user (uid ${uid}): remove it`, { input: dir });
  }
  return dir;
}

function parseRecord(text: string): LabRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<LabRecord>;
    if (!Number.isSafeInteger(r.pid) || (r.pid as number) <= 0 || typeof r.started !== 'string') return undefined;
    return { pid: r.pid as number, started: r.started, client: typeof r.client === 'string' ? r.client : undefined };
  } catch {
    return undefined;
  }
}

/** Every recorded lab whose process still runs; records of dead processes (and unreadable ones) are removed. */
export function runningLabs(dir = LAB_STATE_DIR): LabRecord[] {
  if (!existsSync(dir)) return [];
  const live: LabRecord[] = [];
  let names: string[];
  try {
    names = readdirSync(stateDir(dir));
  } catch (cause) {
    if (cause instanceof Fe80Error) throw cause;
    throw new Fe80Error('ERR_LAB', `cannot read the lab's state directory ${quote(dir)} (${(cause as Error).message}); the lab needs root`, { input: dir, cause });
  }
  for (const name of names) {
    if (!/^\d+\.json$/.test(name)) continue;
    const path = join(dir, name);
    let record: LabRecord | undefined;
    try {
      record = parseRecord(readFileSync(path, 'utf8'));
    } catch {
      continue; // removed meanwhile, by its lab or another `lab down`
    }
    if (record !== undefined && `${record.pid}.json` === name && isRunning(record)) live.push(record);
    else rmSync(path, { force: true });
  }
  return live;
}

/**
 * Records this process as a running lab (again with `client` once it is known); the record is
 * removed when the process exits, or earlier by the function returned.
 */
export function recordLab(client: string | undefined, dir = LAB_STATE_DIR): () => void {
  const path = join(stateDir(dir), `${process.pid}.json`);
  const record: LabRecord = { pid: process.pid, started: processStart(process.pid) ?? '', client };
  writeFileSync(path, JSON.stringify(record), { mode: 0o600 });
  let remove = removers.get(path);
  if (remove === undefined) {
    const once = (): void => {
      process.removeListener('exit', once);
      removers.delete(path);
      rmSync(path, { force: true });
    };
    removers.set(path, once);
    process.once('exit', once);
    remove = once;
  }
  return remove;
}

/** The remover (also the exit listener) of each record this process wrote: recording again keeps it. */
const removers = new Map<string, () => void>();
