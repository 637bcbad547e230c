// One network namespace of a lab: run commands, Node scripts and long-lived helpers inside it.
import { spawn as spawnChild, type ChildProcess, type StdioOptions } from 'node:child_process';
import { childEnv, nodeCommand } from './node.js';
import { ip, labError, run, showCommand, type ExecResult } from './run.js';

export type { ExecResult };

/** Options of {@link Namespace.exec}. */
export interface ExecOptions {
  /** Written to the command's stdin (which is then closed). */
  input?: string;
  /** Milliseconds before the command gets SIGKILL and the call rejects with ERR_LAB. Default 60000; 0 = none. */
  timeout?: number;
  /** Extra environment variables (added to this process's environment). */
  env?: Record<string, string>;
}

/** Options of {@link Namespace.spawn} and {@link Namespace.spawnNode}. */
export interface SpawnOptions {
  /** Extra environment variables (added to this process's environment). */
  env?: Record<string, string>;
  /** As for `child_process.spawn`; default `'pipe'` for all three. */
  stdio?: StdioOptions;
}

/**
 * A network namespace made by a {@link Lab}. It starts with only `lo` (up); add links with
 * {@link Lab.link} and {@link Lab.addInterface}. Everything it runs is killed by `lab.close()`.
 */
export interface Namespace {
  /** The namespace name as `ip netns` knows it (unique, generated). */
  readonly name: string;
  /** The label given to {@link Lab.namespace}, for messages; defaults to the name. */
  readonly label: string;
  /**
   * Runs `cmd args` inside the namespace (`ip netns exec NAME cmd ...args`) and resolves with its
   * stdout, stderr and exit code. A non-zero exit code does not reject; failing to start, or the
   * timeout, rejects with `Fe80Error` `ERR_LAB`.
   */
  exec(cmd: string, args?: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Starts `cmd args` inside the namespace and returns the child; it is SIGKILLed on `lab.close()`. */
  spawn(cmd: string, args?: string[], options?: SpawnOptions): ChildProcess;
  /**
   * Runs a Node.js script inside the namespace with the same `node` binary as the caller
   * (`process.execPath`; `--import tsx` is added for `.ts` files), and parses its stdout as JSON.
   * Rejects with `ERR_LAB` (carrying stderr) on a non-zero exit or output that is not JSON.
   *
   * @param file a path (relative to the current directory) or a `file:` URL, e.g. `new URL('./fixtures/peer.ts', import.meta.url)`
   */
  runNode<T = unknown>(file: string | URL, args?: string[], options?: ExecOptions): Promise<T>;
  /**
   * Runs a Node.js script inside the namespace as {@link runNode} does, but resolves with its raw
   * stdout, stderr and exit code (for scripts that do not print JSON, such as a CLI).
   */
  execNode(file: string | URL, args?: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Starts a Node.js script inside the namespace (e.g. a server) as {@link runNode} would; killed on `lab.close()`. */
  spawnNode(file: string | URL, args?: string[], options?: SpawnOptions): ChildProcess;
  /** Runs `ip -n NAME ...args` and resolves with its stdout; rejects with `ERR_LAB` (with stderr) on failure. */
  ip(args: string[]): Promise<string>;
}

/** What a namespace needs from its lab. */
export interface NamespaceOwner {
  assertOpen(what: string): void;
  track(child: ChildProcess): void;
}

const DEFAULT_TIMEOUT = 60_000;

export class LabNamespace implements Namespace {
  readonly name: string;
  readonly label: string;
  readonly #owner: NamespaceOwner;

  constructor(owner: NamespaceOwner, name: string, label: string | undefined) {
    this.#owner = owner;
    this.name = name;
    this.label = label ?? name;
  }

  async exec(cmd: string, args: string[] = [], options: ExecOptions = {}): Promise<ExecResult> {
    this.#owner.assertOpen(`exec ${cmd} in ${this.label}`);
    return run('ip', ['netns', 'exec', this.name, cmd, ...args], {
      input: options.input,
      timeout: options.timeout ?? DEFAULT_TIMEOUT,
      env: childEnv(options.env),
      track: (child) => this.#owner.track(child),
    });
  }

  spawn(cmd: string, args: string[] = [], options: SpawnOptions = {}): ChildProcess {
    this.#owner.assertOpen(`spawn ${cmd} in ${this.label}`);
    const child = spawnChild('ip', ['netns', 'exec', this.name, cmd, ...args], {
      stdio: options.stdio ?? 'pipe',
      env: childEnv(options.env),
    });
    this.#owner.track(child);
    return child;
  }

  async execNode(file: string | URL, args: string[] = [], options: ExecOptions = {}): Promise<ExecResult> {
    const [node, argv] = nodeCommand(file, args);
    return this.exec(node, argv, options);
  }

  async runNode<T = unknown>(file: string | URL, args: string[] = [], options: ExecOptions = {}): Promise<T> {
    const [node, argv] = nodeCommand(file, args);
    const result = await this.exec(node, argv, options);
    const shown = `ip netns exec ${this.name} ${showCommand(node, argv)}`;
    if (result.code !== 0) {
      throw labError(`${shown} failed (exit ${result.code}) in ${this.label}: ${result.stderr.trim() || 'no stderr'}`, shown);
    }
    try {
      return JSON.parse(result.stdout) as T;
    } catch (error) {
      const head = result.stdout.length > 500 ? `${result.stdout.slice(0, 500)}...` : result.stdout;
      throw labError(`${shown} printed no JSON: ${JSON.stringify(head)}${result.stderr ? `; stderr: ${result.stderr.trim()}` : ''}`, shown, error);
    }
  }

  spawnNode(file: string | URL, args: string[] = [], options: SpawnOptions = {}): ChildProcess {
    const [node, argv] = nodeCommand(file, args);
    return this.spawn(node, argv, options);
  }

  async ip(args: string[]): Promise<string> {
    this.#owner.assertOpen(`ip ${args.join(' ')} in ${this.label}`);
    return ip(this.name, args);
  }
}
