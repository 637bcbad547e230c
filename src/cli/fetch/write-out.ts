// curl's -w/--write-out: %{variable}, %{header{name}}, %% and the escapes \n \r \t; an unknown
// variable prints nothing and a warning, as curl does.

export interface Transfer {
  httpCode: number;
  urlEffective: string;
  /** where a redirect pointed when it was not followed */
  redirectUrl: string | undefined;
  numRedirects: number;
  /** seconds from the start: connected, first response byte, done */
  timeConnect: number;
  timeStartTransfer: number;
  timeTotal: number;
  sizeDownload: number;
  sizeHeader: number;
  sizeUpload: number;
  remoteIp: string | undefined;
  remotePort: number | undefined;
  localIp: string | undefined;
  localPort: number | undefined;
  /** fe80's own: the interface the connection used */
  interface: string | undefined;
  contentType: string | undefined;
  method: string;
  scheme: string;
  exitCode: number;
  errorMessage: string;
  headers: readonly [string, string][];
}

const seconds = (s: number): string => s.toFixed(6);

function variables(t: Transfer): Record<string, string> {
  const headerJson: Record<string, string[]> = {};
  for (const [name, value] of t.headers) (headerJson[name.toLowerCase()] ??= []).push(value);
  const values: Record<string, string> = {
    http_code: String(t.httpCode).padStart(3, '0'),
    response_code: String(t.httpCode).padStart(3, '0'),
    url_effective: t.urlEffective,
    url: t.urlEffective,
    redirect_url: t.redirectUrl ?? '',
    num_redirects: String(t.numRedirects),
    num_connects: '1',
    time_connect: seconds(t.timeConnect),
    time_appconnect: t.scheme === 'https' ? seconds(t.timeConnect) : seconds(0),
    time_pretransfer: seconds(t.timeConnect),
    time_starttransfer: seconds(t.timeStartTransfer),
    time_total: seconds(t.timeTotal),
    time_namelookup: seconds(0),
    time_redirect: seconds(0),
    size_download: String(t.sizeDownload),
    size_header: String(t.sizeHeader),
    size_upload: String(t.sizeUpload),
    size_request: String(0),
    speed_download: String(t.timeTotal > 0 ? Math.round(t.sizeDownload / t.timeTotal) : 0),
    speed_upload: String(t.timeTotal > 0 ? Math.round(t.sizeUpload / t.timeTotal) : 0),
    remote_ip: t.remoteIp ?? '',
    remote_port: t.remotePort === undefined ? '' : String(t.remotePort),
    local_ip: t.localIp ?? '',
    local_port: t.localPort === undefined ? '' : String(t.localPort),
    interface: t.interface ?? '',
    content_type: t.contentType ?? '',
    method: t.method,
    scheme: t.scheme.toUpperCase(),
    http_version: '1.1',
    exitcode: String(t.exitCode),
    errormsg: t.errorMessage,
    header_json: JSON.stringify(headerJson),
  };
  return values;
}

/** Every variable -w knows (for help and docs). */
export const WRITE_OUT_VARIABLES: readonly string[] = Object.keys(
  variables({
    httpCode: 0, urlEffective: '', redirectUrl: undefined, numRedirects: 0, timeConnect: 0, timeStartTransfer: 0, timeTotal: 0,
    sizeDownload: 0, sizeHeader: 0, sizeUpload: 0, remoteIp: undefined, remotePort: undefined, localIp: undefined, localPort: undefined,
    interface: undefined, contentType: undefined, method: '', scheme: '', exitCode: 0, errorMessage: '', headers: [],
  }),
);

/** Expands `format`; `warn` gets curl's warning for each unknown variable. */
export function writeOut(format: string, t: Transfer, warn: (message: string) => void): string {
  const values = variables(t);
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string;
    if (c === '%' && format[i + 1] === '%') {
      out += '%';
      i++;
    } else if (c === '%' && format[i + 1] === '{') {
      const end = format.indexOf('}', i + 2);
      if (end < 0) {
        out += format.slice(i);
        break;
      }
      const name = format.slice(i + 2, end);
      if (name.startsWith('header{')) {
        const close = format.indexOf('}', end + 1);
        const header = name.slice(7).toLowerCase();
        out += t.headers.filter(([n]) => n.toLowerCase() === header).map(([, v]) => v).join(', ');
        i = close < 0 ? end : close;
        continue;
      }
      const value = values[name];
      if (value === undefined) warn(`unknown --write-out variable: '${name.slice(0, 40)}'`);
      else out += value;
      i = end;
    } else if (c === '\\' && i + 1 < format.length) {
      const e = format[i + 1];
      if (e === 'n') out += '\n';
      else if (e === 'r') out += '\r';
      else if (e === 't') out += '\t';
      else out += `\\${e}`;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}
