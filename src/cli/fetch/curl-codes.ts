// curl's exit codes (curl(1) "EXIT CODES"), for the failures `fe80 fetch` can have. The same
// command line exits with the same number under curl and fe80 wherever both can run it.
import { Fe80ConnectError, Fe80Error } from '../../errors.js';

export const CURL = {
  OK: 0,
  UNSUPPORTED_PROTOCOL: 1,
  USAGE: 2,
  URL_MALFORMAT: 3,
  COULDNT_RESOLVE_HOST: 6,
  COULDNT_CONNECT: 7,
  PARTIAL_FILE: 18,
  HTTP_RETURNED_ERROR: 22,
  WRITE_ERROR: 23,
  READ_ERROR: 26,
  OPERATION_TIMEDOUT: 28,
  SSL_CONNECT_ERROR: 35,
  TOO_MANY_REDIRECTS: 47,
  GOT_NOTHING: 52,
  SEND_ERROR: 55,
  RECV_ERROR: 56,
  PEER_FAILED_VERIFICATION: 60,
  BAD_CONTENT_ENCODING: 61,
  SSL_CACERT_BADFILE: 77,
} as const;

/** One row per code, for help and docs/cli.md. */
export const CURL_CODES: readonly (readonly [string, string])[] = [
  ['0', 'a response was received (any status, unless -f)'],
  ['1', 'the URL scheme is not http or https'],
  ['2', 'usage error (unknown option, bad value)'],
  ['3', 'the URL is malformed (or its zone is not a valid zone)'],
  ['6', 'the host name was not resolved (mDNS or system resolver)'],
  ['7', 'could not connect: refused, unreachable, no zone for a link-local address, unknown or down interface'],
  ['18', 'the connection closed before the whole body arrived'],
  ['22', 'with -f/--fail-with-body: the status was 400 or more'],
  ['23', 'the body could not be written (-o FILE, stdout)'],
  ['26', 'a file named by an option could not be read (-T, -F)'],
  ['28', 'timeout (-m, --connect-timeout)'],
  ['35', 'the TLS handshake failed'],
  ['47', 'more redirects than --max-redirs'],
  ['52', 'the server closed the connection without a response'],
  ['55', 'the request could not be sent'],
  ['56', 'the connection failed while receiving the response'],
  ['60', "the server's certificate was not trusted (-k skips the check, --cacert adds a CA)"],
  ['61', 'the compressed body could not be decompressed'],
  ['77', 'the --cacert file could not be read'],
  ['130, 143', 'stopped by SIGINT (Ctrl-C) or SIGTERM'],
  ['141', 'stdout was closed by its reader'],
];

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH', 'CERT_SIGNATURE_FAILURE', 'INVALID_CA',
]);

function systemCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('ERR_')) return code;
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return code;
  }
  return undefined;
}

/** The curl exit code for an error of a connection attempt. */
function attemptCode(error: Error): number {
  const code = systemCode(error);
  if (code !== undefined && CERT_CODES.has(code)) return CURL.PEER_FAILED_VERIFICATION;
  if (/TLS handshake|SSL|ssl/.test(error.message) || (code?.startsWith('ERR_SSL') ?? false)) return CURL.SSL_CONNECT_ERROR;
  if (error instanceof Fe80Error && error.code === 'ERR_TIMEOUT') return CURL.OPERATION_TIMEDOUT;
  return CURL.COULDNT_CONNECT;
}

/** The curl exit code for a failure before any response. */
export function curlCode(error: unknown): number {
  if (error instanceof Fe80ConnectError) {
    const codes = error.attempts.map((a) => attemptCode(a.error));
    // every attempt failed the same way, or a TLS verdict: that is the answer
    if (codes.length > 0 && codes.every((c) => c === codes[0])) return codes[0] as number;
    if (codes.includes(CURL.PEER_FAILED_VERIFICATION)) return CURL.PEER_FAILED_VERIFICATION;
    return CURL.COULDNT_CONNECT;
  }
  if (error instanceof Fe80Error) {
    switch (error.code) {
      case 'ERR_INVALID_URL':
      case 'ERR_INVALID_ADDRESS':
      case 'ERR_INVALID_ZONE':
      case 'ERR_INVALID_PORT':
      case 'ERR_INVALID_ENDPOINT':
        return CURL.URL_MALFORMAT;
      case 'ERR_NOT_FOUND':
      case 'ERR_MDNS':
        return CURL.COULDNT_RESOLVE_HOST;
      case 'ERR_TIMEOUT':
        return CURL.OPERATION_TIMEDOUT;
      case 'ERR_HTTP':
        return CURL.RECV_ERROR;
      default:
        // ERR_ZONE_REQUIRED, ERR_UNKNOWN_INTERFACE, ERR_INTERFACE_DOWN, ERR_ZONE_NOT_ALLOWED,
        // ERR_UNSUPPORTED, ERR_SOCKET: curl, given the same URL, fails to connect (7)
        return CURL.COULDNT_CONNECT;
    }
  }
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return CURL.OPERATION_TIMEDOUT;
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
      return CURL.RECV_ERROR;
    case 'EPIPE':
      return CURL.SEND_ERROR;
    default:
      return CURL.COULDNT_CONNECT;
  }
}
