/** 4 for IPv4, 6 for IPv6 (an IPv4-mapped IPv6 address is family 6). */
export type Family = 4 | 6;

/**
 * Scope of an address in the sense of RFC 4007 §4-§5 (and RFC 4291 §2.7 / RFC 7346 for multicast).
 * `reserved` is multicast scope 0, F and the unassigned values (6, 7, 9-D).
 */
export type Scope =
  | 'interface-local'
  | 'link-local'
  | 'realm-local'
  | 'admin-local'
  | 'site-local'
  | 'organization-local'
  | 'global'
  | 'loopback'
  | 'unspecified'
  | 'reserved';
