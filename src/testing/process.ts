// Whether a process still runs, and its identity across pid reuse, from /proc (proc(5)).
import { readFileSync } from 'node:fs';

/** The fields of /proc/PID/stat from field 3 (state) on, or undefined when there is no such process. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces and ')': count after the last one
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * The kernel's start time of `pid` (field 22, clock ticks since boot), or undefined when it has
 * ended: a zombie (Z) or dead (X) process has, only its parent has not collected it yet.
 */
export function processStart(pid: number): string | undefined {
  const fields = statFields(pid);
  return fields === undefined || fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19];
}

/** `pid` ran and has ended (gone, or a zombie); false while it runs or when this cannot be told. */
export function hasEnded(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const state = statFields(pid)?.[0];
  return state === 'Z' || state === 'X';
}
