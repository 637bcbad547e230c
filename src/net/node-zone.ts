// Node's TCP layer accepts a zone only from [0-9A-Za-z.:-] (its isIP pattern, standards.md N-2):
// any other host goes to getaddrinfo, whose answer has lost the zone, and a lookup answer with
// such a zone is rejected (ERR_INVALID_IP_ADDRESS). Numeric zones do not work either (libuv
// uses if_nametoindex on POSIX). So TCP over an interface named e.g. `br_lan` cannot be done
// without native code; dgram has no such check and works.
import net from 'node:net';
import { Fe80Error, quote } from '../errors.js';

/** True when Node's TCP layer will take `host` (a zoned literal) as an IP address. */
export function tcpCanUse(host: string): boolean {
  return net.isIP(host) !== 0;
}

export function tcpZoneUnsupported(iface: string): Fe80Error {
  return new Fe80Error(
    'ERR_UNSUPPORTED',
    `Node.js cannot open TCP sockets scoped to interface ${quote(iface)}: it accepts zones made only of A-Z a-z 0-9 . - : ` +
      `(and no numeric zones on this platform); rename the interface (ip link set dev ${iface} name ...) or use UDP`,
    { input: iface },
  );
}
