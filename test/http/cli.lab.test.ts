// `fe80 fetch` with curl as the oracle: the same command line, run by curl and by fe80 in the
// client namespace against the same peer (Python's http.server, written by neither), must give
// the same exit status and stdout (and, with -v, both show the request line). Rows that curl
// cannot run (a bare zoned address, --zone, racing) check fe80 alone.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labTest } from '../../src/testing/index.js';
import type { ExecResult, Namespace } from '../../src/testing/index.js';
import { clientServer, readyLine } from '../net/fixtures/util.js';
import { selfSigned } from './tls-cert.js';
import { CLI_MAIN } from '../helpers/cli.js';

const PEER = new URL('./fixtures/curl-peer.py', import.meta.url).pathname;

interface Row {
  name: string;
  /** {U} the base URL, {S} the https one, {OUT} a per-tool file, {ID} a per-tool id, {DIR} a temp dir */
  args: string[];
  /** run curl too and compare (default true) */
  oracle?: boolean;
  code?: number;
  stdout?: RegExp | string;
  stderr?: RegExp;
  /** -v: both show the request line and the response status line */
  verbose?: RegExp;
  /** compare the {OUT} files too */
  file?: boolean;
  stdin?: string;
}

async function runBoth(client: Namespace, row: Row, fill: (tool: 'curl' | 'fe80', s: string) => string): Promise<{ curl?: ExecResult; fe80: ExecResult }> {
  const options = { input: row.stdin ?? '', timeout: 60_000 };
  const [curl, fe80] = await Promise.all([
    row.oracle === false ? undefined : client.exec('curl', row.args.map((a) => fill('curl', a)), options),
    client.execNode(CLI_MAIN, ['fetch', ...row.args.map((a) => fill('fe80', a))], options),
  ]);
  return curl === undefined ? { fe80 } : { curl, fe80 };
}

labTest(
  'fe80 fetch: curl\'s options, outputs and exit codes, with curl as the oracle',
  async (lab, t) => {
    // fe80::99 answers nothing: connects to it hang (for --connect-timeout)
    const { client, server, IF } = await clientServer(lab);
    const dir = await mkdtemp(join(tmpdir(), 'fe80-curl-'));
    try {
      const cert = await selfSigned('fe80::2');
      await writeFile(join(dir, 'cert.pem'), cert.cert);
      await writeFile(join(dir, 'key.pem'), cert.key);
      await writeFile(join(dir, 'lines.txt'), 'l1\r\nl2\n');
      await writeFile(join(dir, 'format.txt'), 'code=%{http_code}\\n');
      await readyLine(server.spawn('python3', [PEER, '8080']), 'http peer', 30_000);
      await readyLine(server.spawn('python3', [PEER, '8443', join(dir, 'cert.pem'), join(dir, 'key.pem')]), 'https peer', 30_000);
      for (let i = 0; i < 100 && (await server.exec('ss', ['-Hltn', 'sport = :8443'])).stdout.trim() === ''; i++) await new Promise((r) => setTimeout(r, 50));

      const U = `http://[fe80::2%25${IF}]:8080`;
      const S = `https://[fe80::2%25${IF}]:8443`;
      const fill = (tool: 'curl' | 'fe80', s: string): string =>
        s.replaceAll('{U}', U).replaceAll('{S}', S).replaceAll('{OUT}', join(dir, `${tool}.out`)).replaceAll('{ID}', tool).replaceAll('{DIR}', dir).replaceAll('{IF}', IF);
      const rows: Row[] = [
        { name: 'GET', args: ['{U}/echo'] },
        { name: '-s on success', args: ['-s', '{U}/echo'] },
        { name: '-s on failure: no message, exit 7', args: ['-s', `http://[fe80::2%25${'{IF}'}]:1/`], code: 7, stderr: /^$/ },
        { name: '-sS on failure: a message, exit 7', args: ['-sS', 'http://[fe80::2%25{IF}]:1/'], code: 7, stderr: /\(7\) .*ECONNREFUSED/ },
        { name: '-v: request and response heads on stderr', args: ['-sv', '{U}/echo'], verbose: /^> GET \/echo HTTP\/1\.1$[^]*^< HTTP\/1\.1 200 OK$/m },
        { name: '-v says which interface and why', args: ['-sv', '{U}/echo'], oracle: false, stderr: new RegExp(`^\\* interface ${IF}: the zone written in the URL$[^]*^\\* Connected to \\[fe80::2%${IF}\\]:8080 via ${IF}$`, 'm') },
        { name: '-I: HEAD, the headers', args: ['-sI', '{U}/echo'], stdout: /^HTTP\/1\.1 200 OK\r\nServer: curl-peer\r\n/ },
        { name: '-i: head then body', args: ['-si', '{U}/status/201'], stdout: /^HTTP\/1\.1 201 Created\r\n[^]*\r\n\r\nstatus 201\n$/ },
        { name: '--json', args: ['-s', '--json', '{"a":1}', '{U}/echo'], stdout: /"content-type": "application\/json"/ },
        { name: '-A', args: ['-s', '-A', 'probe/1.0', '{U}/ua'], stdout: 'probe/1.0\n' },
        { name: "-H 'User-Agent:' removes it", args: ['-s', '-H', 'User-Agent:', '{U}/ua'], stdout: '\n' },
        { name: '-u', args: ['-s', '-u', 'admin:secret', '{U}/echo'], stdout: /"authorization": "Basic YWRtaW46c2VjcmV0"/ },
        { name: 'credentials in the URL', args: ['-s', `http://admin:s%40cret@[fe80::2%25{IF}]:8080/echo`] },
        { name: "-H 'Host: ...' is sent as given", args: ['-s', '-H', 'Host: router.lan', '-H', 'X-Empty;', '{U}/echo'], stdout: /"host": "router\.lan"[^]*"x-empty": ""|"x-empty": ""[^]*"host": "router\.lan"/ },
        { name: '-d joins with &, @FILE drops CR and LF', args: ['-s', '-d', 'a=1', '-d', '@{DIR}/lines.txt', '{U}/echo'], stdout: /"body": "a=1&l1l2"/ },
        { name: '--data-binary keeps them', args: ['-s', '--data-binary', '@{DIR}/lines.txt', '{U}/echo'], stdout: /"body": "l1\\r\\nl2\\n"/ },
        { name: '--data-urlencode: its five forms', args: ['-s', '--data-urlencode', 'a=b c&d', '--data-urlencode', '=x y', '--data-urlencode', 'plain text', '--data-urlencode', 'f@{DIR}/lines.txt', '{U}/echo'] },
        { name: '--data-raw keeps @', args: ['-s', '--data-raw', '@not-a-file', '{U}/echo'], stdout: /"body": "@not-a-file"/ },
        { name: '-d @missing: an empty POST and a warning, exit 0', args: ['-d', '@{DIR}/missing', '{U}/echo'], stdout: /"body": ""/ },
        { name: '-G puts the data in the query', args: ['-s', '-G', '-d', 'a=1', '--data-urlencode', 'b=x y', '{U}/echo'], stdout: /"path": "\/echo\?a=1&b=x\+y"/ },
        { name: '-X PUT -d', args: ['-s', '-X', 'PUT', '-d', 'x', '{U}/echo'], stdout: /"method": "PUT"/ },
        { name: '-F: multipart fields and a file', args: ['-s', '-F', 'a=1', '-F', 'f=@{DIR}/lines.txt;type=text/plain', '-F', 'g=<{DIR}/lines.txt', '{U}/form'] },
        { name: '-T: PUT a file, its name appended to a URL ending in /', args: ['-s', '-H', 'Expect:', '-T', '{DIR}/lines.txt', '{U}/up/'], stdout: /"method": "PUT", "path": "\/up\/lines\.txt"/ },
        { name: '-e and -r', args: ['-s', '-e', 'http://from/', '-r', '0-9', '{U}/echo'] },
        { name: '--compressed', args: ['-s', '--compressed', '{U}/gzip'], stdout: 'compressed body\n'.repeat(20) },
        { name: 'without --compressed no Accept-Encoding', args: ['-s', '{U}/gzip'], stdout: 'compressed body\n'.repeat(20) },
        { name: '-w variables', args: ['-s', '-o', '/dev/null', '-w', '%{http_code} %{response_code} %{url_effective} %{size_download} %{remote_ip} %{remote_port} %{num_redirects} %{content_type} %{method} %{exitcode}\\n%%\\t.', '{U}/echo'] },
        { name: '-w %{time_total} is seconds', args: ['-s', '-o', '/dev/null', '-w', '%{time_total}', '{U}/echo'], oracle: false, stdout: /^\d+\.\d{6}$/ },
        { name: '-w @FILE', args: ['-s', '-o', '/dev/null', '-w', '@{DIR}/format.txt', '{U}/echo'], stdout: 'code=200\n' },
        { name: '-w unknown variable: nothing, a warning', args: ['-s', '-o', '/dev/null', '-w', '[%{nosuch}]', '{U}/echo'], stdout: '[]' },
        { name: '-o FILE', args: ['-s', '-o', '{OUT}', '{U}/echo'], file: true, stdout: '' },
        { name: '-D -', args: ['-s', '-D', '-', '-o', '/dev/null', '{U}/status/200'] },
        { name: 'status >= 400 without -f: exit 0, the body', args: ['-s', '{U}/status/404'], stdout: 'status 404\n' },
        { name: '-f: exit 22, no body', args: ['-sf', '{U}/status/404'], code: 22, stdout: '' },
        { name: '-fS: exit 22 with the message', args: ['-sSf', '{U}/status/500'], code: 22, stderr: /\(22\) The requested URL returned error: 500/ },
        { name: '--fail-with-body', args: ['-s', '--fail-with-body', '{U}/status/404'], code: 22, stdout: 'status 404\n' },
        { name: 'a redirect without -L is printed', args: ['-si', '{U}/redirect?to=/echo'], stdout: /^HTTP\/1\.1 302 Found\r\n[^]*Location: \/echo\r\n/ },
        { name: '-L follows', args: ['-sL', '{U}/redirect?to=/echo'], stdout: /"path": "\/echo"/ },
        { name: '-L -i prints every head', args: ['-sLi', '{U}/redirect?to=/status/200'] },
        { name: '-L: 303 turns POST into GET', args: ['-sL', '-d', 'x', '{U}/redirect?code=303&to=/echo'], stdout: /"method": "GET"/ },
        { name: '-L: 307 keeps POST and body', args: ['-sL', '-d', 'x', '{U}/redirect?code=307&to=/echo'], stdout: /"body": "x"[^]*"method": "POST"/ },
        { name: '-L --max-redirs 0: exit 47', args: ['-sSL', '--max-redirs', '0', '{U}/redirect'], code: 47 },
        { name: '-w %{redirect_url} without -L', args: ['-s', '-o', '/dev/null', '-w', '%{redirect_url}', '{U}/redirect?to=/landed'] },
        { name: '--retry: 503 twice, then 200', args: ['-s', '--retry', '3', '--retry-delay', '0', '{U}/flaky?id={ID}&fail=2'], stdout: 'try again\ntry again\nok after 3\n' },
        { name: '--retry runs out', args: ['-s', '--retry', '1', '--retry-delay', '0', '{U}/flaky?id={ID}x&fail=5'], stdout: 'try again\ntry again\n' },
        { name: '-m: exit 28', args: ['-s', '-m', '1', '{U}/slow'], code: 28 },
        { name: '--connect-timeout on a silent address: exit 28', args: ['-s', '--connect-timeout', '1', 'http://[fe80::99%25{IF}]:8080/'], code: 28 },
        { name: 'refused: exit 7', args: ['-s', 'http://[fe80::2%25{IF}]:1/'], code: 7 },
        { name: 'no zone: exit 7 (curl: EINVAL)', args: ['-s', 'http://[fe80::2]:8080/echo'], code: 7 },
        { name: 'unknown interface: exit 7', args: ['-s', 'http://[fe80::2%25nosuch0]:8080/echo'], code: 7 },
        { name: 'no zone: the advice names a flag and the user\'s URL', args: ['http://[fe80::2]:8080/echo'], oracle: false, code: 7, stderr: new RegExp(`Pick one: 'http://\\[fe80::2%25${IF}\\]:8080/echo' or --zone ${IF}`) },
        { name: 'a name that does not resolve: exit 6', args: ['-s', 'http://nosuch.invalid/'], code: 6 },
        { name: 'unsupported scheme: exit 1', args: ['-s', 'gopher2://x/'], code: 1 },
        { name: 'malformed URL: exit 3', args: ['-s', `http://[fe80::2%25{IF}:8080/`], code: 3 },
        { name: 'unknown option: exit 2', args: ['--bogus', '{U}/'], code: 2 },
        { name: 'no scheme: http:// assumed', args: ['-s', '[fe80::2%25{IF}]:8080/echo'] },
        { name: 'the typed zone form', args: ['-s', 'http://[fe80::2%{IF}]:8080/echo'] },
        { name: 'https --cacert', args: ['-s', '--cacert', '{DIR}/cert.pem', '{S}/echo'] },
        { name: 'https, untrusted: exit 60', args: ['-s', '{S}/echo'], code: 60 },
        { name: 'https -k', args: ['-sk', '{S}/echo'] },
        { name: 'https --cacert missing: exit 77', args: ['-s', '--cacert', '{DIR}/missing.pem', '{S}/echo'], code: 77 },
        // fe80 only: what curl cannot do
        { name: 'a bare address is a host (port 80: refused), not the scheme "fe80:"', args: ['-sS', 'fe80::2%{IF}'], oracle: false, code: 7, stderr: /connect to \[fe80::2\]:80 failed.*ECONNREFUSED/ },
        { name: 'a bare endpoint with a path', args: ['-s', '[fe80::2%{IF}]:8080/echo'], oracle: false, stdout: /"path": "\/echo"/ },
        { name: '--zone for a zone-free URL', args: ['-s', 'http://[fe80::2]:8080/echo', '--zone', '{IF}'], oracle: false, stdout: /"path": "\/echo"/ },
        { name: '--zone auto races, -v says so', args: ['-sv', 'http://[fe80::2]:8080/echo', '--zone', 'auto'], oracle: false, stderr: new RegExp(`^\\* racing ${IF} \\(--zone auto: every interface|^\\* interface ${IF}: --zone auto`, 'm') },
        { name: '--interface as curl: the zone', args: ['-s', 'http://[fe80::2]:8080/echo', '--interface', '{IF}'], oracle: false, stdout: /"path": "\/echo"/ },
        { name: 'a typo\'d interface: did you mean', args: ['-sS', `http://[fe80::2]:8080/`, '--zone', `{IF}x`], oracle: false, code: 7, stderr: new RegExp(`did you mean ${IF}\\?`) },
        { name: '-x is refused with the reason', args: ['-x', 'http://proxy:3128', '{U}/'], oracle: false, code: 2, stderr: /-x is not supported: proxies/ },
        { name: 'an unsupported scheme-less bypass URL', args: ['-s', 'http://[::1%25.example.com]/'], oracle: false, code: 3 },
      ];

      const queue = [...rows];
      const failures: string[] = [];
      const worker = async (): Promise<void> => {
        for (let row = queue.shift(); row !== undefined; row = queue.shift()) {
          const r = await runBoth(client, row, fill);
          const problems: string[] = [];
          const f = r.fe80;
          if (r.curl !== undefined) {
            if (r.curl.code !== f.code) problems.push(`exit: curl ${r.curl.code}, fe80 ${f.code}`);
            if (r.curl.stdout !== f.stdout) problems.push(`stdout differs:\n  curl: ${JSON.stringify(r.curl.stdout)}\n  fe80: ${JSON.stringify(f.stdout)}`);
            if (row.file === true) {
              const [a, b] = await Promise.all([readFile(fill('curl', '{OUT}'), 'utf8'), readFile(fill('fe80', '{OUT}'), 'utf8')]);
              if (a !== b) problems.push(`files differ: ${JSON.stringify(a)} / ${JSON.stringify(b)}`);
            }
            if (row.verbose !== undefined && !row.verbose.test(r.curl.stderr)) problems.push(`curl -v: ${r.curl.stderr}`);
          }
          if (row.code !== undefined && f.code !== row.code) problems.push(`fe80 exit ${f.code}, expected ${row.code}`);
          if (row.oracle !== false && row.code === undefined && f.code !== 0) problems.push(`fe80 exit ${f.code}`);
          if (typeof row.stdout === 'string' && f.stdout !== row.stdout) problems.push(`fe80 stdout ${JSON.stringify(f.stdout)}, expected ${JSON.stringify(row.stdout)}`);
          if (row.stdout instanceof RegExp && !row.stdout.test(f.stdout)) problems.push(`fe80 stdout ${JSON.stringify(f.stdout)} does not match ${String(row.stdout)}`);
          if (row.stderr !== undefined && !row.stderr.test(f.stderr)) problems.push(`fe80 stderr ${JSON.stringify(f.stderr)} does not match ${String(row.stderr)}`);
          if (row.verbose !== undefined && !row.verbose.test(f.stderr)) problems.push(`fe80 -v: ${f.stderr}`);
          if (/internal error|\n\s+at /.test(f.stderr)) problems.push(`a crash: ${f.stderr}`);
          if (problems.length > 0) failures.push(`${row.name} (${row.args.join(' ')}):\n  ${problems.join('\n  ')}\n  fe80 stderr: ${f.stderr.trim()}`);
        }
      };
      await t.test('every row: curl and fe80 agree', async () => {
        await Promise.all([worker(), worker(), worker()]);
        assert.deepEqual(failures, []);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  { timeout: 600_000, prefix: 'hc' },
);

labTest(
  'fe80 fetch -L --zone auto on two links: a same-host redirect stays on the link that answered',
  async (lab) => {
    // fe80::2 on both links; only one serves port 8080 (the other refuses), so the race picks it
    const client = await lab.namespace('client');
    const server = await lab.namespace('server');
    const link = await lab.link(client, server);
    await lab.link(client, await lab.namespace('other'));
    await readyLine(server.spawn('python3', [PEER, '8080']), 'http peer', 30_000);
    const IF = link.a.name;
    const r = await client.execNode(CLI_MAIN, ['fetch', '-sSvL', '--zone', 'auto', 'http://[fe80::2]:8080/redirect?to=/echo'], { timeout: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"path": "\/echo"/);
    assert.match(r.stderr, new RegExp(`^\\* Following the redirect to http://\\[fe80::2%25${IF}\\]:8080/echo$`, 'm'));
    assert.match(r.stderr, new RegExp(`^\\* Following the redirect [^\\n]*\\n\\* interface ${IF}: the zone written in the URL$`, 'm'), 'the next hop is pinned, not raced');
  },
  { timeout: 120_000, prefix: 'hr' },
);
