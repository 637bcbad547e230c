// Public API of src/addr: scoped addresses, endpoints and zoned URLs (pure; no node: imports).
export type { Family, Scope } from './types.js';
export { ScopedAddress } from './scoped-address.js';
export { Endpoint } from './endpoint.js';
export { parseUrl, type ParsedUrl } from './url.js';
export { isValidZoneSyntax } from './zone.js';
