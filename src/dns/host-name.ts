// What can be a host name in a target (`printer.local:9100`, `{ host: 'router' }`): DNS label
// rules (RFC 1035 §2.3.4: labels of 1-63 octets, names of at most 253, here as UTF-8 since mDNS
// names are UTF-8, RFC 6762 §16), none of the characters that delimit URLs, endpoints and zones,
// and a last label that is not all digits (RFC 3696 §2), so `300.1.1.1` is a bad address, not a name.

/** Why `name` cannot be a host name, or undefined when it can. A trailing dot is allowed. */
export function hostNameProblem(name: string): string | undefined {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n.length === 0) return 'is empty';
  if (/[\uD800-\uDFFF]/u.test(n)) return 'contains an unpaired surrogate (not Unicode text)';
  let labelStart = 0;
  let labelBytes = 0;
  let total = 0;
  let digitsOnly = true;
  for (let i = 0; i <= n.length; i++) {
    const c = i < n.length ? n.charCodeAt(i) : 0x2e;
    if (c === 0x2e /* . */) {
      if (labelBytes === 0) return i === 0 ? 'starts with "."' : 'has an empty label';
      if (labelBytes > 63) return `has a label longer than 63 bytes (at ${labelStart})`;
      labelStart = i + 1;
      labelBytes = 0;
      if (i < n.length) digitsOnly = true;
      total += 1;
      continue;
    }
    if (c <= 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0xfeff) {
      return `contains a control character or space at ${i}`;
    }
    if ('%/\\[]:@?#,;<>"\'`{}|^'.includes(n[i] as string)) return `contains ${JSON.stringify(n[i])} at ${i}`;
    if (c < 0x30 || c > 0x39) digitsOnly = false;
    const bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : c >= 0xdc00 && c <= 0xdfff ? 0 : 3; // a pair counts 4
    labelBytes += bytes;
    total += bytes;
  }
  if (total - 1 > 253) return 'is longer than 253 bytes';
  if (digitsOnly) return 'ends in an all-numeric label (not a host name; an IP address?)';
  return undefined;
}
