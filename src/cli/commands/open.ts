// `fe80 open TARGET`: a gateway for one device in the foreground, its local URL printed and
// opened in the default browser.
import { defineCommand, EXIT, UsageError, parse, type Io } from '../command.js';
import { isLocalName } from '../../dns/index.js';
import { Fe80Error } from '../../errors.js';
import { createGateway, findDevice, parseDeviceTarget } from '../../gateway/index.js';
import { GATEWAY_EXIT, GATEWAY_OPTIONS, describe, openBrowser, portOption, runUntilStopped, settleTrust, tlsOptions } from './gateway.js';

const description = `Opens a link-local device's web page in your browser: runs the fe80 gateway for it in the
foreground (until Ctrl-C), prints the local URL (http://fe80-1-eth0.localhost:PORT/, or
http://printer-eth0.localhost:PORT/ for a name) and opens it in the default browser
(xdg-open, open or start). The device sees its own address or name in Host, never a zone.

TARGET:
  http://[fe80::1%25eth0]/   https://[fe80::1%eth0]:8443/x   a URL with a zone (either form)
  [fe80::1%eth0]:8443        an endpoint (ports 443, 8443 and 4443 mean https)
  fe80::1%eth0               an address (http, port 80)
  printer.local[:PORT]       a .local name (mDNS); a device per interface it answers on
  printer, 'Lab Web'         a name 'fe80 discover' printed (host name, service instance or
                             device id): discover runs for up to 3 s and opens its web page

An https device whose certificate does not verify is opened only with -k, --cacert, --pin or
after you accept its SHA-256 fingerprint (asked on a terminal, or on the gateway page).`;

/**
 * TARGET as the gateway takes it: a URL, endpoint, address or .local name as given; anything
 * else is a device name that discover printed, looked up on the links (the web page it lists).
 */
async function deviceTarget(text: string, iface: string | undefined, io: Io): Promise<string> {
  try {
    parseDeviceTarget(text);
    return text;
  } catch (error) {
    if (!(error instanceof Fe80Error) || text.includes('://') || text.includes('%') || text.startsWith('[') || isLocalName(text)) throw error;
  }
  io.stderr.write(`fe80: looking for ${JSON.stringify(text)} on the links (discover, up to 3 s)\n`);
  const { url } = await findDevice(text, iface === undefined ? {} : { interfaces: [iface] });
  return url;
}

const command = defineCommand({
  name: 'open',
  summary: "open a link-local device's web page in the browser through a local gateway",
  synopsis: ['TARGET [options]'],
  description,
  options: GATEWAY_OPTIONS,
  exit: GATEWAY_EXIT,
  examples: ["$ fe80 open 'http://[fe80::1%25eth0]/'", '$ fe80 open printer.local --no-browser', "$ fe80 open '[fe80::1%eth0]:8443' -k"],
  seeAlso: 'xdg-open(1); fe80 help gateway; docs/gateway.md',
  async run(args, io) {
    const { values, positionals } = parse(args, GATEWAY_OPTIONS);
    if (positionals.length !== 1) throw new UsageError('expected exactly one TARGET');
    const gateway = await createGateway({ port: portOption(values.port), tls: await tlsOptions(values), portPerDevice: values['port-per-device'] === true });
    let devices;
    try {
      const target = await deviceTarget(positionals[0] as string, values.interface, io);
      devices = await gateway.add({ target, ...(values.interface === undefined ? {} : { interface: values.interface }) });
      if (!(await settleTrust(gateway, devices, io, process.stdin.isTTY === true && process.stderr.isTTY === true))) {
        await gateway.close();
        return EXIT.FAIL;
      }
    } catch (error) {
      await gateway.close();
      throw error;
    }
    const opened = devices.map((d) => gateway.device(d.id)!);
    io.stdout.write(`fe80 gateway on ${gateway.url}\n`);
    for (const d of opened) io.stdout.write(`${describe(d)}\n`);
    if (values['no-browser'] !== true) {
      const url = opened.length === 1 ? opened[0]!.localUrl : gateway.url;
      if (!(await openBrowser(url))) io.stderr.write(`fe80: no browser to start; open ${url}\n`);
    }
    io.stderr.write('fe80: Ctrl-C stops the gateway\n');
    return runUntilStopped(gateway, io);
  },
});

export default command;
