// Addresses Node reports (remoteAddress, localAddress, rinfo.address, server.address()) back
// into Endpoints. Node appends `%<if_indextoname>` to link-local addresses (libuv's uv_if_indextoiid):
// a name on POSIX, the decimal index on Windows, which we turn into the name.
import { Endpoint, ScopedAddress } from '../addr/index.js';
import { parseZoneIndex, type InterfaceRegistry } from '../iface/index.js';

/** `'fe80::2%eth0'` + port -> `[fe80::2%eth0]:port` (zone = interface name); `undefined` if unparsable. */
export function endpointFromNode(address: string | undefined, port: number | undefined, reg: InterfaceRegistry): Endpoint | undefined {
  if (address === undefined || port === undefined) return undefined;
  let parsed = ScopedAddress.tryParse(address);
  if (parsed === undefined) return undefined;
  const zone = parsed.zone;
  if (zone !== undefined && process.platform === 'win32' && parseZoneIndex(zone) !== undefined) {
    const info = reg.get(zone);
    if (info !== undefined) parsed = parsed.withZone(info.name);
  }
  return Endpoint.from(parsed, port);
}
