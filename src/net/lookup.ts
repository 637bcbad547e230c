// A dgram `lookup` that keeps a zoned literal intact. Node treats `fe80::1%eth_0` (a zone with
// characters outside its isIP pattern `[0-9A-Za-z.:-]`) as a host name and sends it to
// getaddrinfo, whose answer loses the zone; this hands the literal straight back (dgram, unlike
// net, does not re-check the answer, and libuv resolves the name with if_nametoindex).
import dns from 'node:dns';
import net from 'node:net';

type Callback = (...args: unknown[]) => void;

/** For dgram: zoned or plain IP literals are answered as they are, anything else goes to dns.lookup. */
export const scopedLookup = ((name: string, options: dns.LookupOptions | number, callback: Callback) => {
  if (name.includes('%') || net.isIP(name) !== 0) {
    if (typeof options === 'object' && options?.all) callback(null, [{ address: name, family: net.isIPv4(name) ? 4 : 6 }]);
    else callback(null, name, net.isIPv4(name) ? 4 : 6);
    return;
  }
  dns.lookup(name, options as dns.LookupOptions, callback as never);
}) as unknown as net.LookupFunction;
