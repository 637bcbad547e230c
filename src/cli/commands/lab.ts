// `fe80 lab up|down`: a lab of simulated link-local devices (fe80/testing) to try fe80 on without
// hardware: a client namespace with L links and N devices, each serving a small web application
// and answering mDNS (avahi-daemon). `up` stays in the foreground until Ctrl-C or `lab down`.
import { existsSync } from 'node:fs';
import { defineCommand, EXIT, UsageError, integerArgument, parse } from '../command.js';
import { Fe80Error } from '../../errors.js';
import { Lab, deviceLab, labSupport } from '../../testing/index.js';
import { isRunning, recordLab, runningLabs, type LabRecord } from '../lab-state.js';

/** The lab's name prefix: `lab down` sweeps what a dead `lab up` left with it. */
const PREFIX = 'f8up';
/** How long `lab down` waits for a lab to tear itself down. */
const STOP_MS = 10_000;

const description = `'lab up' (root, Linux) builds virtual links with network namespaces and N simulated devices
spread over L links (the same fe80::2 on every link), each serving a small web application
(links, a redirect, a login form with a cookie, a WebSocket echo) and answering mDNS with its
name and _http._tcp (avahi-daemon). It prints how to reach them from the client namespace, where
your programs run, and stays until Ctrl-C or 'fe80 lab down', which remove everything. One lab
runs at a time: a second 'lab up' is refused while one runs.

'lab down' stops every running 'lab up' and removes whatever a killed one left behind.`;

const describe = (r: LabRecord): string => `pid ${r.pid}${r.client === undefined ? ', still starting' : `, client namespace ${r.client}`}`;

async function stop(record: LabRecord): Promise<boolean> {
  try {
    process.kill(record.pid, 'SIGTERM'); // its lab tears itself down on SIGTERM
  } catch {
    return true; // ended meanwhile
  }
  for (let waited = 0; waited < STOP_MS && isRunning(record); waited += 50) await new Promise((r) => setTimeout(r, 50));
  return !isRunning(record);
}

async function down(io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const support = labSupport();
  if (!support.ok) throw new Fe80Error('ERR_LAB', `cannot remove a lab here: ${support.reason}`);
  const labs = runningLabs();
  const stopped = await Promise.all(labs.map(stop));
  const left = labs.filter((_, i) => !stopped[i]);
  for (const r of left) io.stderr.write(`fe80 lab: the lab of ${describe(r)} did not stop within ${STOP_MS / 1000} s\n`);
  if (left.length > 0) return EXIT.FAIL;
  // whatever a killed `lab up` left: Lab.create sweeps namespaces of dead processes with our prefix
  await (await Lab.create({ prefix: PREFIX })).close();
  runningLabs(); // drops the records of the labs just stopped, should one have left its record
  io.stdout.write(labs.length === 0 ? 'fe80 lab: no lab was running (leftovers, if any, removed)\n' : `fe80 lab: removed (${labs.map(describe).join('; ')})\n`);
  return EXIT.OK;
}

const OPTIONS = {
  peers: { type: 'string', value: 'N', description: 'devices (default 2, at most 64)' },
  links: { type: 'string', value: 'L', description: 'links (default 2, at most N and 16)' },
  'no-mdns': { type: 'boolean', description: 'no avahi-daemon (devices reachable by address only)' },
} as const;

const command = defineCommand({
  name: 'lab',
  summary: 'lab up|down: simulated link-local devices on virtual links to try fe80 on (root, Linux)',
  synopsis: ['up [--peers N] [--links L] [--no-mdns]', 'down'],
  description,
  options: OPTIONS,
  exit: [
    ['0', "ok ('lab up': removed again with Ctrl-C, SIGTERM or 'lab down')"],
    ['1', 'the lab could not be built (not root, no iproute2, no avahi-daemon, ...)'],
    ['2', 'usage error'],
  ],
  examples: ['$ sudo fe80 lab up --peers 4 --links 2', "$ sudo ip netns exec NS fe80 discover   # NS: the client namespace 'lab up' printed", '$ sudo fe80 lab down'],
  seeAlso: 'ip-netns(8); fe80 help discover; fe80 help open',
  async run(args, io) {
    const { values, positionals } = parse(args, OPTIONS);
    const [action, ...rest] = positionals;
    if (rest.length > 0 || (action !== 'up' && action !== 'down')) throw new UsageError("expected 'up' or 'down'");
    if (action === 'down') return down(io);
    const peers = values.peers === undefined ? 2 : integerArgument('--peers', values.peers, 1, 64);
    // at most 16 links, and no more links than devices
    const links = values.links === undefined ? Math.min(2, peers) : integerArgument('--links', values.links, 1, Math.min(16, peers));
    const support = labSupport();
    if (!support.ok) throw new Fe80Error('ERR_LAB', `cannot build a lab here: ${support.reason}`);
    const mdns = values['no-mdns'] !== true;
    if (mdns && !existsSync('/usr/sbin/avahi-daemon')) throw new Fe80Error('ERR_LAB', 'avahi-daemon is not installed (apt-get install --no-install-recommends avahi-daemon), or use --no-mdns');
    const running = runningLabs();
    if (running.length > 0) {
      throw new Fe80Error('ERR_LAB', `a lab is already running (${running.map(describe).join('; ')}): use it, or stop it with 'fe80 lab down'`);
    }
    const unrecord = recordLab(undefined); // from now on `lab down` finds this lab, even while it is built
    const lab = await Lab.create({ prefix: PREFIX });
    try {
      const net = await deviceLab(lab, { peers, links, mdns, progress: (m) => io.stderr.write(`fe80 lab: ${m}\n`) });
      recordLab(net.client.name);
      const ns = net.client.name;
      const width = Math.max(...net.devices.map((d) => d.name.length));
      const lines = [
        `fe80 lab: ${net.devices.length} device${net.devices.length === 1 ? '' : 's'} on ${net.links.length} link${net.links.length === 1 ? '' : 's'} (${net.links.join(', ')}) in namespace ${ns}`,
        ...net.devices.map((d) => `  ${d.name.padEnd(width)}  ${d.url.padEnd(28)}${mdns ? `  ${d.host}` : ''}`),
        '',
        'Your programs run in the client namespace, e.g.:',
        `  ip netns exec ${ns} fe80 interfaces`,
        `  ip netns exec ${ns} fe80 fetch '${net.devices[0]!.url}'`,
        ...(mdns ? [`  ip netns exec ${ns} fe80 resolve ${net.devices[0]!.host}`, `  ip netns exec ${ns} fe80 open ${net.devices[0]!.host} --no-browser`] : []),
        `  ip netns exec ${ns} fe80 open '${net.devices[0]!.url}' --no-browser`,
        `  ip netns exec ${ns} curl -g 'http://[${net.devices[0]!.address}%${net.devices[0]!.zone}]/'`,
        `  ip netns exec ${ns} fe80 gateway ${net.devices.map((d) => `'${d.url}'`).join(' ')} --no-browser`,
        "(a browser must run in that namespace too: the gateway listens on the namespace's loopback)",
        '',
        "Ctrl-C or 'fe80 lab down' removes everything.",
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
    } catch (error) {
      await lab.close();
      unrecord();
      throw error;
    }
    // the lab tears itself down on SIGINT/SIGTERM/SIGHUP (fe80/testing) and the process then
    // ends of that signal; until then nothing but this timer keeps it running
    const keep = setInterval(() => undefined, 1 << 30);
    await new Promise<void>((resolve) => {
      process.once('exit', () => {
        clearInterval(keep);
        resolve();
      });
    });
    return EXIT.OK;
  },
});

export default command;
