// Runs Debian's nginx in a lab namespace with its own config, pid and logs in a temp dir. The
// access log records the Host header each request carried (`$http_host`).
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Namespace } from '../../src/testing/index.js';

export interface Nginx {
  dir: string;
  /** access log lines as [request_uri, http_host] */
  accessLog(): Promise<[string, string][]>;
  stop(): Promise<void>;
}

export function nginxConfig(dir: string, ports: readonly number[]): string {
  const listen = ports.map((p) => `    listen [::]:${p};`).join('\n');
  return `user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format hosts '$request_uri\\t$http_host';
  access_log ${dir}/access.log hosts;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000;
  server {
${listen}
    location / {
      default_type text/plain;
      return 200 "host=$http_host\\n";
    }
  }
}
`;
}

/** Starts nginx listening on `[::]:PORT` for each port, and resolves once it accepts. */
export async function startNginx(ns: Namespace, ports: readonly number[], options: { accessLog?: boolean } = {}): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'fe80-nginx-'));
  let config = nginxConfig(dir, ports);
  if (options.accessLog === false) config = config.replace(/access_log [^;]*;/, 'access_log off;');
  await writeFile(join(dir, 'nginx.conf'), config);
  const child: ChildProcess = ns.spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;']);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${stderr}`);
    const r = await ns.exec('ss', ['-H', '-ltn']);
    if (ports.every((p) => r.stdout.includes(`]:${p} `))) break;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${ports.join(', ')}: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    dir,
    async accessLog() {
      const text = await readFile(join(dir, 'access.log'), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t') as [string, string]);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
