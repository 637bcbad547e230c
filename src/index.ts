// The public API of fe80. Internals stay behind the folder index files on purpose.
export { Fe80Error, Fe80ConnectError, ERROR_CODES, isFe80Error } from './errors.js';
export type { Fe80ErrorCode, Fe80ErrorOptions, Attempt } from './errors.js';
export * from './addr/index.js';
export * from './iface/index.js';
export * from './net/index.js';
export * from './dns/index.js';
export * from './http/index.js';
export * from './gateway/index.js';
