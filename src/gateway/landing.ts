// The landing page at http://localhost:PORT/: every device the gateway forwards to, each with an
// "open" link to its own origin, and for HTTPS devices the certificate's SHA-256 fingerprint and,
// while it is not trusted, an "accept" button (a form with a per-gateway token; the POST must
// come from this page's origin).
import type { GatewayDevice } from './types.js';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function certificateCell(d: GatewayDevice, token: string): string {
  if (!d.secure) return '<td class="muted">plain HTTP</td>';
  const c = d.certificate;
  if (c === undefined) {
    return `<td>${d.trust === 'insecure' ? 'any certificate accepted (-k)' : 'certificate not seen yet (device unreachable?)'}</td>`;
  }
  const fp = `<code class="fp">SHA-256 ${esc(c.fingerprint256)}</code><br><span class="muted">${esc(c.subject)}${c.issuer !== c.subject ? ` (issuer ${esc(c.issuer)})` : ' (self-signed)'}, valid to ${esc(c.validTo)}</span>`;
  const state =
    d.trust === 'verified'
      ? '<span class="ok">verified</span>'
      : d.trust === 'pinned'
        ? '<span class="ok">accepted (pinned)</span>'
        : d.trust === 'insecure'
          ? '<span class="warn">not verified (-k)</span>'
          : `<span class="bad">not trusted${c.error === undefined ? '' : `: ${esc(c.error)}`}</span>
<form method="post" action="/trust"><input type="hidden" name="token" value="${esc(token)}"><input type="hidden" name="device" value="${esc(d.id)}"><input type="hidden" name="fingerprint" value="${esc(c.fingerprint256)}"><button type="submit">accept this certificate</button></form>`;
  return `<td>${state}<br>${fp}</td>`;
}

function row(d: GatewayDevice, token: string): string {
  const open = d.trust === 'untrusted' ? '<span class="muted">accept the certificate first</span>' : `<a class="open" href="${esc(d.localUrl)}">open</a>`;
  return `<tr data-device="${esc(d.id)}">
<td><strong>${esc(d.name ?? d.label)}</strong><br><span class="muted">${esc(d.localOrigin)}</span></td>
<td><code>${esc(d.url)}</code><br><span class="muted">on ${esc(d.interface ?? '?')}, ${esc(d.source)}</span></td>
${certificateCell(d, token)}
<td>${open}</td>
</tr>`;
}

/** The landing page HTML. */
export function landingPage(devices: readonly GatewayDevice[], token: string, discovering: boolean): string {
  const rows = devices.map((d) => row(d, token)).join('\n');
  const empty = `<tr><td colspan="4" class="muted">no devices yet${discovering ? ' (still looking)' : ": run 'fe80 open TARGET' or give devices to the gateway"}</td></tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fe80 gateway</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.5em;text-align:left;vertical-align:top}
.muted{color:#777;font-size:90%}.ok{color:#070}.warn{color:#a60}.bad{color:#b00}code.fp{font-size:80%;word-break:break-all}
a.open{font-weight:bold}
</style></head>
<body><h1>fe80 gateway</h1>
<p>Link-local devices, each on its own local origin (cookies and storage stay apart). Only this machine can reach this page.</p>
<table><thead><tr><th>device</th><th>address</th><th>certificate</th><th></th></tr></thead>
<tbody id="devices">
${devices.length === 0 ? empty : rows}
</tbody></table>
</body></html>
`;
}

/** Security headers for the gateway's own pages: no framing (the accept button), nothing loaded from elsewhere. */
export const LANDING_HEADERS: readonly string[] = [
  'Content-Security-Policy',
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'X-Frame-Options',
  'DENY',
  'Referrer-Policy',
  'no-referrer',
  'Cache-Control',
  'no-store',
];

/** A small HTML page for errors the gateway itself answers (421, 502, ...). */
export function errorPage(status: number, title: string, detail: string, landing: string | undefined): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${status} ${esc(title)}</title></head>
<body style="font:15px/1.4 system-ui,sans-serif;margin:2em"><h1>${status} ${esc(title)}</h1><p>${esc(detail)}</p>${landing === undefined ? '' : `<p><a href="${esc(landing)}">fe80 gateway: all devices</a></p>`}</body></html>
`;
}
