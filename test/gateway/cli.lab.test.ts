// The CLI end to end: `fe80 lab up` builds its own lab (2 devices behind a bridge on one link,
// avahi answering mDNS), `fe80 open` runs in its client namespace and forwards to a device by
// address and by .local name, `fe80 gateway` lists both, an untrusted https device is refused
// with its fingerprint, and `fe80 lab down` removes everything.
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { labTest, startDevice } from '../../src/testing/index.js';
import { selfSigned } from '../http/tls-cert.js';
import { CLI_MAIN, cliArgv } from '../helpers/cli.js';

const GET = fileURLToPath(new URL('./fixtures/get.ts', import.meta.url));

function fe80(ns: string | undefined, args: string[]): ChildProcess {
  const argv = cliArgv(...args);
  return ns === undefined ? spawn(process.execPath, argv, { stdio: 'pipe' }) : spawn('ip', ['netns', 'exec', ns, process.execPath, ...argv], { stdio: 'pipe' });
}

/** Collects stdout until `test` matches it (or the process exits). */
function waitOutput(child: ChildProcess, test: RegExp, ms = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no ${test} within ${ms} ms:\n${out}\n${err}`)), ms);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (test.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ${test}:\n${out}\n${err}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));
}

function get(ns: string, port: number, host: string, path: string): { status: number; location: string | null; body: string } {
  return JSON.parse(execFileSync('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', GET, String(port), host, path], { encoding: 'utf8' }));
}

labTest(
  'cli: fe80 lab up, fe80 open (address and .local name), fe80 gateway, fe80 lab down',
  async () => {
    const up = fe80(undefined, ['lab', 'up', '--peers', '2', '--links', '1']);
    let said = '';
    try {
      const printed = await waitOutput(up, /removes everything/, 90_000);
      const ns = /in namespace (\S+)/.exec(printed)![1]!;
      assert.match(printed, /printer\s+http:\/\/\[fe80::2%25lab0\]\/\s+printer\.local/);
      assert.match(printed, /camera\s+http:\/\/\[fe80::3%25lab0\]\/\s+camera\.local/);
      assert.ok(printed.includes(`ip netns exec ${ns} fe80 open printer.local --no-browser`), printed);

      // one lab at a time: a second `lab up` is refused, naming the running one, and builds nothing
      const second = fe80(undefined, ['lab', 'up', '--peers', '1']);
      let refusal = '';
      second.stderr!.on('data', (c: Buffer) => (refusal += c.toString()));
      assert.equal(await exited(second), 1);
      assert.match(refusal, new RegExp(`a lab is already running \\(pid ${up.pid}, client namespace ${ns}\\).*fe80 lab down.*\\[ERR_LAB\\]`));
      assert.doesNotMatch(refusal, /starting/);

      const open = fe80(ns, ['open', 'http://[fe80::3%25lab0]/', '--no-browser']);
      const opened = await waitOutput(open, /localhost:\d+\/\s+->/);
      const [, label, port] = /http:\/\/([a-z0-9-]+)\.localhost:(\d+)\//.exec(opened)!;
      assert.equal(label, 'fe80-3-lab0');
      const page = get(ns, Number(port), `${label}.localhost:${port}`, '/');
      assert.equal(page.status, 200);
      assert.match(page.body, /<h1 id="name">camera<\/h1>/);
      assert.ok(page.body.includes(`http://${label}.localhost:${port}/abs`));
      assert.equal(get(ns, Number(port), `evil.example:${port}`, '/').status, 421);
      open.kill('SIGINT');
      assert.equal(await exited(open), 0);

      const byName = fe80(ns, ['open', 'printer.local', '--no-browser', '--port', '0']);
      const named = await waitOutput(byName, /localhost:\d+\/\s+->/);
      const [, nlabel, nport] = /http:\/\/([a-z0-9-]+)\.localhost:(\d+)\//.exec(named)!;
      assert.equal(nlabel, 'printer-lab0');
      assert.match(named, /Host: printer\.local/);
      const who = get(ns, Number(nport), `${nlabel}.localhost:${nport}`, '/redirect');
      assert.equal(who.location, `http://${nlabel}.localhost:${nport}/landed`);
      byName.kill('SIGTERM');
      assert.equal(await exited(byName), 0);

      const gw = fe80(ns, ['gateway', 'http://[fe80::2%lab0]/', 'camera.local', '--no-browser']);
      const listed = await waitOutput(gw, /camera-lab0/);
      const gport = /fe80 gateway on http:\/\/localhost:(\d+)\//.exec(listed)![1]!;
      const landing = get(ns, Number(gport), `localhost:${gport}`, '/');
      assert.ok(landing.body.includes(`http://fe80-2-lab0.localhost:${gport}/`), landing.body);
      assert.ok(landing.body.includes(`http://camera-lab0.localhost:${gport}/`), landing.body);
      gw.kill('SIGINT');
      assert.equal(await exited(gw), 0);

      // a name `fe80 discover` prints (the host name without .local): discover finds its web page
      const byDevice = fe80(ns, ['open', 'camera', '--no-browser']);
      const found = await waitOutput(byDevice, /localhost:\d+\/\s+->/);
      assert.match(found, /fe80-3-lab0\.localhost.*fe80::3%25lab0/, "the web page discover listed for camera");
      const [, dlabel, dport] = /http:\/\/([a-z0-9-]+)\.localhost:(\d+)\//.exec(found)!;
      assert.match(get(ns, Number(dport), `${dlabel}.localhost:${dport}`, '/').body, /<h1 id="name">camera<\/h1>/);
      byDevice.kill('SIGINT');
      assert.equal(await exited(byDevice), 0);

      // no TARGET: the landing page fills with what discover finds (DNS-SD _http._tcp of both devices)
      const bare = fe80(ns, ['gateway', '--no-browser']);
      const started = await waitOutput(bare, /fe80 gateway on/);
      const bport = /fe80 gateway on http:\/\/localhost:(\d+)\//.exec(started)![1]!;
      let body = '';
      for (let i = 0; i < 100 && !(body.includes('printer') && body.includes('camera')); i++) {
        await new Promise((r) => setTimeout(r, 100));
        body = get(ns, Number(bport), `localhost:${bport}`, '/').body;
      }
      assert.ok(body.includes('printer') && body.includes('camera'), `discovered devices on the landing page: ${body}`);
      bare.kill('SIGINT');
      assert.equal(await exited(bare), 0);
    } finally {
      const down = fe80(undefined, ['lab', 'down']);
      down.stdout!.on('data', (c: Buffer) => (said += c.toString()));
      assert.equal(await exited(down), 0);
      await exited(up); // ends of the SIGTERM lab down sent, after its lab tore itself down
    }
    assert.match(said, new RegExp(`fe80 lab: removed \\(pid ${up.pid}, client namespace f8up`));
    const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    assert.ok(!/f8up/.test(left), `lab down left ${left}`);
  },
  { timeout: 240_000 },
);

labTest('cli: fe80 open refuses an untrusted https device with its fingerprint; --pin opens it', async (lab) => {
  const client = await lab.namespace('client');
  const peer = await lab.namespace('tls');
  const link = await lab.link(client, peer);
  await startDevice(peer, { name: 'secure', tls: await selfSigned('fe80::2') });
  const target = `https://[fe80::2%25${link.a.name}]/`;
  const refused = await client.execNode(CLI_MAIN, ['open', target, '--no-browser']);
  assert.equal(refused.code, 1, refused.stderr);
  const fp = /SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/.exec(refused.stderr)?.[1];
  assert.ok(fp !== undefined, refused.stderr);
  assert.ok(refused.stderr.includes(`--pin ${fp}`), refused.stderr);
  const pinned = fe80(client.name, ['open', target, '--no-browser', '--pin', fp]);
  const opened = await waitOutput(pinned, /localhost:\d+\/\s+->/);
  assert.match(opened, /\(pinned; not verified: DEPTH_ZERO_SELF_SIGNED_CERT\)/);
  const [, label, port] = /http:\/\/([a-z0-9-]+)\.localhost:(\d+)\//.exec(opened)!;
  const page = get(client.name, Number(port), `${label}.localhost:${port}`, '/');
  assert.match(page.body, /<h1 id="name">secure<\/h1>/);
  pinned.kill('SIGINT');
  assert.equal(await exited(pinned), 0);
});
