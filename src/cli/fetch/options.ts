// `fe80 fetch`'s options: curl's names and meanings. Parsed into a Plan, the request(s) to make.
import type { OptionSpecs } from '../args.js';

const data = (description: string): OptionSpecs[string] => ({ type: 'string', multiple: true, value: 'DATA', maxLength: 1 << 20, description });

export const FETCH_OPTIONS = {
  request: { type: 'string', short: 'X', value: 'METHOD', description: 'request method (default GET; POST with -d/-F/--json, PUT with -T, HEAD with -I)' },
  header: { type: 'string', short: 'H', multiple: true, value: "'NAME: VALUE'", maxLength: 65_536, description: "add a header; 'NAME:' removes a default one, 'NAME;' sends it empty; 'Host: ...' is sent as given" },
  'user-agent': { type: 'string', short: 'A', value: 'NAME', description: 'User-Agent header (default fe80/VERSION)' },
  user: { type: 'string', short: 'u', value: 'USER:PASSWORD', description: 'HTTP Basic authentication' },
  referer: { type: 'string', short: 'e', value: 'URL', description: 'Referer header' },
  range: { type: 'string', short: 'r', value: 'RANGE', description: "Range header: 'bytes=RANGE' (0-499, 500-, -500)" },
  cookie: { type: 'string', short: 'b', value: "'NAME=VALUE[; ...]'", description: 'Cookie header (a cookie file is not supported)' },
  data: { ...data('request body (POST, form-encoded); @FILE or @- reads a file or stdin, dropping CR and LF; repeatable, joined with &'), short: 'd', aliases: ['data-ascii'] },
  'data-binary': data('as -d, but @FILE is sent exactly as it is'),
  'data-raw': data("as -d, but a leading '@' is just a character"),
  'data-urlencode': data("as -d, URL-encoded: CONTENT, =CONTENT, NAME=CONTENT, @FILE or NAME@FILE (only CONTENT is encoded)"),
  json: data('JSON body: as --data-binary, with Content-Type and Accept application/json; repeatable, concatenated'),
  form: { type: 'string', short: 'F', multiple: true, value: 'NAME=CONTENT', maxLength: 1 << 20, description: "multipart/form-data field: NAME=VALUE, NAME=@FILE (upload), NAME=<FILE (file content as the value); ;type=MIME and ;filename=NAME after it" },
  'upload-file': { type: 'string', short: 'T', value: 'FILE', description: 'PUT FILE (- = stdin); a URL ending in / gets the file name appended' },
  get: { type: 'boolean', short: 'G', description: 'send the -d data in the URL query of a GET instead' },
  head: { type: 'boolean', short: 'I', description: 'HEAD request; print the response headers' },
  include: { type: 'boolean', short: 'i', description: 'print the status line and response headers before the body' },
  'dump-header': { type: 'string', short: 'D', value: 'FILE', description: 'write the response headers to FILE (- = stdout)' },
  output: { type: 'string', short: 'o', value: 'FILE', complete: 'file', description: "write the body to FILE instead of stdout ('-' = stdout)" },
  'remote-name': { type: 'boolean', short: 'O', description: 'write the body to a file named as the last part of the URL path' },
  location: { type: 'boolean', short: 'L', description: 'follow redirects (zoned and .local Locations included)' },
  'location-trusted': { type: 'boolean', description: 'as -L, and send -u credentials and Authorization/Cookie headers to other hosts too' },
  'max-redirs': { type: 'string', value: 'N', description: 'redirects to follow with -L (default 50; -1 = no limit)' },
  fail: { type: 'boolean', short: 'f', description: 'status >= 400: print no body, exit 22' },
  'fail-with-body': { type: 'boolean', description: 'status >= 400: print the body, exit 22' },
  silent: { type: 'boolean', short: 's', description: 'print no error messages (fe80 has no progress meter to hide)' },
  'show-error': { type: 'boolean', short: 'S', description: 'with -s: print error messages after all' },
  verbose: { type: 'boolean', short: 'v', description: 'on stderr: the interface chosen and why, the request and response headers' },
  'write-out': { type: 'string', short: 'w', value: 'FORMAT', maxLength: 65_536, description: 'print FORMAT after the transfer: %{http_code} %{url_effective} %{time_total} ... (@FILE reads it)' },
  compressed: { type: 'boolean', description: 'ask for a compressed response (gzip, deflate, br) and decompress it' },
  'max-time': { type: 'string', short: 'm', value: 'SECS', description: 'give up after SECS seconds for the whole transfer (exit 28)' },
  'connect-timeout': { type: 'string', value: 'SECS', description: 'give up connecting after SECS seconds (default 10; exit 28)' },
  timeout: { type: 'string', value: 'MS', description: 'as -m, in milliseconds' },
  retry: { type: 'string', value: 'N', description: 'retry a transient failure (timeout, HTTP 408/429/500/502/503/504) up to N times' },
  'retry-delay': { type: 'string', value: 'SECS', description: 'wait SECS between retries (default: 1 s, doubling, or Retry-After)' },
  'retry-max-time': { type: 'string', value: 'SECS', description: 'no retry starts after SECS seconds' },
  'retry-connrefused': { type: 'boolean', description: 'with --retry: retry a refused connection too' },
  'retry-all-errors': { type: 'boolean', description: 'with --retry: retry every failure' },
  insecure: { type: 'boolean', short: 'k', description: "do not verify the server's certificate" },
  cacert: { type: 'string', value: 'FILE', complete: 'file', description: 'trust the CA certificate(s) in FILE (PEM)' },
  cert: { type: 'string', short: 'E', value: 'FILE', complete: 'file', description: 'client certificate (PEM; the key too, unless --key)' },
  key: { type: 'string', value: 'FILE', complete: 'file', description: 'private key for --cert (PEM)' },
  zone: { type: 'string', value: 'IFACE|auto|LIST', complete: 'interface', description: "interface for a link-local URL without a zone: a name or index, 'auto' (race every candidate) or a comma-separated list" },
  interface: { type: 'string', value: 'IFACE', complete: 'interface', description: 'as curl --interface for link-local destinations: the same as --zone IFACE' },
  url: { type: 'string', value: 'URL', maxLength: 65_536, description: 'the URL, as an option' },
  'http1.1': { type: 'boolean', description: 'HTTP/1.1 (the only version fe80 speaks; accepted)' },
  'no-buffer': { type: 'boolean', short: 'N', description: 'accepted: output is never buffered' },
  'progress-bar': { type: 'boolean', short: '#', description: 'accepted: fe80 has no progress meter' },
  'no-progress-meter': { type: 'boolean', hidden: true },
  'no-keepalive': { type: 'boolean', hidden: true },
} as const satisfies OptionSpecs;

/**
 * curl options fe80 does not implement, with the reason given when one is used (exit 2): better
 * a clear refusal than a request that silently differs from what curl would send.
 */
export const UNSUPPORTED: Record<string, string> = {
  proxy: 'proxies are not supported', x: 'proxies are not supported', 'proxy-user': 'proxies are not supported', noproxy: 'proxies are not supported',
  http2: 'fe80 speaks HTTP/1.1 only', 'http2-prior-knowledge': 'fe80 speaks HTTP/1.1 only', http3: 'fe80 speaks HTTP/1.1 only', 'http1.0': 'fe80 speaks HTTP/1.1 only', '0': 'fe80 speaks HTTP/1.1 only',
  resolve: 'write the address in the URL instead', 'connect-to': 'write the address in the URL instead',
  'cookie-jar': 'cookie files are not supported', c: 'cookie files are not supported', netrc: '.netrc is not supported', n: '.netrc is not supported',
  config: 'config files are not supported', K: 'config files are not supported', 'limit-rate': 'not supported', 'max-filesize': 'not supported',
  parallel: 'one URL per run', Z: 'one URL per run', 'create-dirs': 'not supported', continue: 'resuming is not supported', 'continue-at': 'resuming is not supported', C: 'resuming is not supported',
  digest: 'only Basic authentication is supported', ntlm: 'only Basic authentication is supported', negotiate: 'only Basic authentication is supported', anyauth: 'only Basic authentication is supported',
  '4': 'the address family follows the URL (mDNS answers carry both)', ipv4: 'the address family follows the URL', '6': 'the address family follows the URL', ipv6: 'the address family follows the URL',
  capath: 'use --cacert FILE', 'cert-type': 'PEM only', 'key-type': 'PEM only', pass: 'encrypted keys are not supported', stderr: 'redirect stderr in the shell instead', trace: 'use -v', 'trace-ascii': 'use -v',
};
