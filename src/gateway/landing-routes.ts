// Requests to the gateway's own origin (http://localhost:PORT): the landing page, the device list
// as JSON, and the certificate accept form.
import type http from 'node:http';
import type { Gateway } from './gateway.js';
import { LANDING_HEADERS, landingPage } from './landing.js';
import { sendPage } from './proxy.js';
import { isLoopbackName, parseOrigin } from './host.js';

const MAX_FORM = 4096;

function send(res: http.ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, [...LANDING_HEADERS, 'Content-Type', type, 'Content-Length', String(Buffer.byteLength(body))]);
  res.end(head ? undefined : body);
}

function readForm(req: http.IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_FORM) {
        req.destroy();
        resolve(undefined);
      }
    });
    req.once('end', () => resolve(new URLSearchParams(text)));
    req.once('error', () => resolve(undefined));
  });
}

/** The landing origin's routes. */
export function serveLanding(gateway: Gateway, req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  const head = req.method === 'HEAD';
  if ((req.method === 'GET' || head) && path === '/') {
    send(res, 200, 'text/html; charset=utf-8', landingPage(gateway.devices, gateway.token, gateway.discovering), head);
    return;
  }
  if ((req.method === 'GET' || head) && path === '/devices.json') {
    send(res, 200, 'application/json', `${JSON.stringify({ devices: gateway.devices, discovering: gateway.discovering })}\n`, head);
    return;
  }
  if (req.method === 'POST' && path === '/trust') {
    // only this page may accept a certificate: same origin (a foreign page's form POST carries its
    // own Origin) and the page's token
    const origin = req.headers.origin;
    const from = origin === undefined ? undefined : parseOrigin(origin);
    if (from === undefined || !isLoopbackName(from.host) || from.port !== gateway.port) {
      sendPage(res, 403, 'Forbidden', 'A certificate can be accepted only from the gateway page itself.', gateway.url);
      req.resume();
      return;
    }
    void readForm(req).then((form) => {
      if (form === undefined || form.get('token') !== gateway.token) {
        sendPage(res, 403, 'Forbidden', 'The form is stale: reload the gateway page.', gateway.url);
        return;
      }
      try {
        gateway.trust(form.get('device') ?? '', form.get('fingerprint') ?? '');
      } catch (error) {
        sendPage(res, 400, 'Bad Request', (error as Error).message, gateway.url);
        return;
      }
      res.writeHead(303, [...LANDING_HEADERS, 'Location', '/', 'Content-Length', '0']);
      res.end();
    });
    return;
  }
  req.resume();
  sendPage(res, 404, 'Not Found', `The gateway page has no ${req.method ?? ''} ${path ?? ''}.`, gateway.url);
}
