
import http from 'node:http';
import { spawn } from 'node:child_process';
const mode = process.argv[2];
if (mode === 'bare') {
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const up = http.request({ host: 'fe80::2%f800ddve90002', port: 80, method: req.method, path: req.url, headers: req.headers, agent }, (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
    up.on('error', () => res.destroy()); req.pipe(up);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port, host: 'x' }) + '\n'));
  process.on('SIGINT', () => process.exit(0));
} else if (mode === 'gw') {
  if (process.env.COUNT) {
    const net = await import('node:net');
    const orig = net.Socket.prototype._writeGeneric;
    const counts = new Map();
    net.Socket.prototype._writeGeneric = function (writev, data, enc, cb) {
      const key = (writev ? 'writev ' + data.length + ' ' + data.map(d => typeof d.chunk).join(',') : 'write ' + typeof data) + ' ' + (this.remotePort === 80 ? 'device' : 'browser');
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return orig.call(this, writev, data, enc, cb);
    };
    process.on('SIGINT', () => { console.error([...counts]); process.exit(0); });
  }
  const { createGateway } = await import('../dist/gateway/index.js');
  const g = await createGateway({ devices: ['http://[fe80::2%25f800ddve90002]/'], host: '127.0.0.1' });
  process.stdout.write(JSON.stringify({ port: g.port, host: new URL(g.devices[0].localOrigin).host }) + '\n');
  process.on('SIGINT', () => process.exit(0));
} else {
  const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/gwdbg/prof', '/work/wt/gateway/bench/prof-tmp.mjs', process.env.MODE], { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = JSON.parse(await new Promise((r) => child.stdout.once('data', (c) => r(c.toString()))));
  const agent = new http.Agent({ keepAlive: true });
  const get = (p) => new Promise((res, rej) => http.get({ host: '127.0.0.1', port: info.port, path: p, agent, headers: { host: info.host }, setHost: false }, (m) => { m.resume(); m.on('end', res); }).on('error', rej));
  let n = 0; const t0 = performance.now();
  await Promise.all(Array.from({ length: 16 }, async () => { while (n < 4000) { n++; await get('/pages/' + (n % 50)); } }));
  console.log('rps', 4000 / ((performance.now() - t0) / 1000));
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
}
