// Node's TCP layer accepts a zone only from [0-9A-Za-z.:-] (its isIP pattern):
// any other host goes to getaddrinfo, whose answer has lost the zone, and a lookup answer with
// such a zone is rejected (ERR_INVALID_IP_ADDRESS). Numeric zones do not work either (libuv
// uses if_nametoindex on POSIX). So TCP over an interface named e.g. `br_lan` cannot be done
// without native code; dgram has no such check and works.
import { Fe80Error, quote } from '../errors.js';

/**
 * True when Node's TCP layer will take `host` (fe80's canonical address text, optionally
 * `%zone`) as an IP address: the address part always matches Node's pattern, so only the zone's
 * characters decide. A character scan, not `net.isIP`: its regex costs ~0.3 us per connect.
 */
export function tcpCanUse(host: string): boolean {
  const percent = host.indexOf('%');
  if (percent < 0) return true;
  if (percent === host.length - 1) return false;
  for (let i = percent + 1; i < host.length; i++) {
    const c = host.charCodeAt(i);
    // [0-9A-Za-z.:-]
    if (!((c >= 48 && c <= 58) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46)) return false;
  }
  return true;
}

export function tcpZoneUnsupported(iface: string): Fe80Error {
  return new Fe80Error(
    'ERR_UNSUPPORTED',
    `Node.js cannot open TCP sockets scoped to interface ${quote(iface)}: it accepts zones made only of A-Z a-z 0-9 . - : ` +
      `(and no numeric zones on this platform); rename the interface (ip link set dev ${iface} name ...) or use UDP`,
    { input: iface },
  );
}
