// The undici `connect` function: undici hands over the zone-free host of the origin (no
// brackets, port as a string, '' for the scheme default); this dials it with a fixed zone policy.
import type { buildConnector } from 'undici';
import type { HttpDialOptions } from './options.js';
import { createDialer } from './dial.js';

export function createConnector(options: HttpDialOptions): buildConnector.connector {
  const dial = createDialer(options);
  return (opts, callback) => {
    const secure = opts.protocol === 'https:';
    const port = opts.port === '' ? (secure ? 443 : 80) : Number(opts.port);
    dial({ host: opts.hostname, port, secure, servername: opts.servername || undefined }).then(
      (socket) => callback(null, socket),
      (error: Error) => callback(error, null),
    );
  };
}
