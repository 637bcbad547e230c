// `fe80 gateway [TARGET...]`: the gateway in the foreground with its landing page (every device
// listed, each with an "open" link). Also the shared part of `fe80 open`: options, TLS, the
// certificate question, printing, and running until Ctrl-C.
import { readFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline/promises';
import { defineCommand, EXIT, integerArgument, parse, readInput, type Io } from '../command.js';
import type { Values as ParsedValues } from '../args.js';
import { createGateway, discoveredDevices, type Gateway, type GatewayDevice } from '../../gateway/index.js';
import type { DeviceTlsOptions } from '../../gateway/certificate.js';

export const GATEWAY_OPTIONS = {
  port: { type: 'string', value: 'N', description: 'gateway port on loopback (default 0: any free port)' },
  insecure: { type: 'boolean', short: 'k', description: 'accept any certificate of an https device (its SHA-256 fingerprint is shown)' },
  cacert: { type: 'string', value: 'FILE', complete: 'file', description: 'verify https devices against the CA certificate(s) in FILE (PEM)' },
  pin: { type: 'string', value: 'SHA256', description: 'accept exactly the certificate with this SHA-256 fingerprint' },
  interface: { type: 'string', value: 'IFACE', complete: 'interface', description: 'for a .local name: only the device on IFACE (default: every interface it answers on)' },
  'port-per-device': {
    type: 'boolean',
    description: 'also give each device a port of its own (http://localhost:PORT2/), for clients that cannot use *.localhost names (cookies then ignore the port)',
  },
  'no-browser': { type: 'boolean', description: 'do not open the browser' },
} as const;

/** What gateway and open exit with. */
export const GATEWAY_EXIT = [
  ['0', 'stopped with Ctrl-C (SIGINT) or SIGTERM'],
  ['1', 'a device could not be opened'],
  ['2', 'usage error'],
] as const;

type Values = ParsedValues<typeof GATEWAY_OPTIONS>;

export function portOption(value: string | undefined): number {
  return value === undefined ? 0 : integerArgument('--port', value, 0, 65535);
}

export async function tlsOptions(values: Values): Promise<DeviceTlsOptions> {
  const tls: DeviceTlsOptions = {};
  if (values.insecure === true) tls.insecure = true;
  if (values.pin !== undefined) tls.fingerprint = values.pin;
  if (values.cacert !== undefined) {
    const file = values.cacert;
    tls.ca = await readInput(file, () => readFile(file));
  }
  return tls;
}

/** One line per device: its local URL, then what it is. */
export function describe(d: GatewayDevice): string {
  const cert = d.certificate === undefined ? '' : `\n    certificate SHA-256 ${d.certificate.fingerprint256} (${d.trust ?? ''}${d.certificate.error === undefined ? '' : `; not verified: ${d.certificate.error}`})`;
  const port = d.portOrigin === undefined ? '' : ` and ${d.portOrigin}/`;
  return `  ${d.localUrl}${port}  ->  ${d.url}  (Host: ${d.host})${cert}`;
}

/**
 * For https devices whose certificate is not trusted: ask on a terminal (the user compares the
 * fingerprint with the device's display or label), else fail with the fingerprint and how to
 * accept it. Returns false when a device stays untrusted.
 */
export async function settleTrust(gateway: Gateway, devices: readonly GatewayDevice[], io: Io, interactive: boolean): Promise<boolean> {
  for (const d of devices) {
    if (d.trust !== 'untrusted') continue;
    const c = d.certificate;
    if (c === undefined) {
      io.stderr.write(`fe80: ${d.url} did not show a certificate (unreachable?); it opens once it does and is accepted on the gateway page\n`);
      continue;
    }
    io.stderr.write(
      `fe80: ${d.url} presents a certificate that is not trusted (${c.error ?? 'unverified'})\n  subject ${c.subject}, issuer ${c.issuer}, valid to ${c.validTo}\n  SHA-256 ${c.fingerprint256}\n`,
    );
    if (!interactive) {
      io.stderr.write(`  to accept it: --pin ${c.fingerprint256}\n  or -k (any certificate), or --cacert FILE; or accept it on the gateway page\n`);
      return false;
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question('  accept this certificate for this session? [y/N] ');
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) return false;
    gateway.trust(d.id, c.fingerprint256);
  }
  return true;
}

/** Opens `url` in the default browser (xdg-open, open, start); false when there is none. */
export function openBrowser(url: string): Promise<boolean> {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

/** Runs until SIGINT/SIGTERM, then closes the gateway. */
export function runUntilStopped(gateway: Gateway, io: Io): Promise<number> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      io.stderr.write('fe80: stopping the gateway\n');
      void gateway.close().then(() => resolve(EXIT.OK));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    gateway.on('warning', (error: Error) => io.stderr.write(`fe80: ${error.message}\n`));
  });
}

const description = `Runs the fe80 gateway in the foreground until Ctrl-C: a web server on loopback that opens
link-local devices in any browser, each on its own origin (http://fe80-2-eth0.localhost:PORT/,
http://printer-eth0.localhost:PORT/), so cookies and storage of two devices never mix. Its
landing page (http://localhost:PORT/) lists the devices, each with an "open" link and, for
https devices, the certificate's SHA-256 fingerprint and an "accept" button.

TARGET: http://[fe80::1%25eth0]/, [fe80::1%eth0]:8443, fe80::1%eth0, https://..., printer.local.
Devices that 'fe80 discover' finds with a web page (a DNS-SD _http._tcp/_https._tcp service or
an SSDP presentation URL) are listed too, and leave the page when they leave the link
(--no-discover: only the TARGETs).

The gateway answers only for its own names (a page elsewhere cannot reach it through DNS
rebinding) and forwards only to these devices, never to an address named in a request. The
devices see their own address or name in Host, never a zone or a local interface name.`;

const OPTIONS = { ...GATEWAY_OPTIONS, 'no-discover': { type: 'boolean', description: 'list only the TARGETs, not the devices discover finds' } } as const;

const command = defineCommand({
  name: 'gateway',
  summary: 'run the gateway: link-local devices\' web pages in any browser, with a landing page',
  synopsis: ['[TARGET...] [options]'],
  description,
  options: OPTIONS,
  exit: GATEWAY_EXIT,
  examples: ["$ fe80 gateway 'http://[fe80::1%25eth0]/' printer.local", '$ fe80 gateway --no-discover --port 8080 fe80::2%eth1'],
  seeAlso: 'fe80 help open; fe80 help discover; docs/gateway.md',
  async run(args, io) {
    const { values, positionals } = parse(args, OPTIONS);
    const gateway = await createGateway({
      port: portOption(values.port),
      tls: await tlsOptions(values),
      portPerDevice: values['port-per-device'] === true,
    });
    if (values['no-discover'] !== true) gateway.addSource(discoveredDevices(values.interface === undefined ? {} : { interfaces: [values.interface] }));
    try {
      for (const target of positionals) await gateway.add({ target, ...(values.interface === undefined ? {} : { interface: values.interface }) });
      if (!(await settleTrust(gateway, gateway.devices, io, false))) io.stderr.write('fe80: untrusted devices can be accepted on the gateway page\n');
    } catch (error) {
      await gateway.close();
      throw error;
    }
    io.stdout.write(`fe80 gateway on ${gateway.url} (${gateway.addresses.join(', ')})\n`);
    for (const d of gateway.devices) io.stdout.write(`${describe(d)}\n`);
    if (values['no-browser'] !== true && !(await openBrowser(gateway.url))) io.stderr.write(`fe80: open ${gateway.url} in your browser\n`);
    return runUntilStopped(gateway, io);
  },
});

export default command;

