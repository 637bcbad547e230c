// fe80 HTTP: fetch for zoned and `.local` URLs, an undici Dispatcher, and http(s) Agents. The
// zone selects the socket and the pool, never the wire: Host and SNI carry no zone.
export { fetch, type Fe80FetchInit } from './fetch.js';
export { Fe80Dispatcher, createDispatcher, type Fe80DispatcherOptions } from './dispatcher.js';
export {
  Fe80HttpAgent,
  Fe80HttpsAgent,
  createAgent,
  type Fe80AgentOptions,
  type Fe80HttpAgentOptions,
  type Fe80HttpsAgentOptions,
} from './agent.js';
export type { HttpZoneOptions, HttpDialOptions } from './options.js';
