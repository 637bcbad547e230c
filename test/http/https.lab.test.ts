// HTTPS to a link-local literal: the certificate is checked against its IP SAN (fe80::2, no zone),
// and no SNI is sent (the server-side TLS socket sees no servername).
import assert from 'node:assert/strict';
import { labTest } from '../../src/testing/index.js';
import { serve } from './serve.js';
import { selfSigned } from './tls-cert.js';

type Outcome = { ok: Record<string, unknown> } | { error: string; message: string };

labTest('http: https to [fe80::2%25iface] checks the IP SAN and sends no SNI', async (lab) => {
  const [good, wrong] = await Promise.all([selfSigned('fe80::2'), selfSigned('fe80::3')]);
  const client = await lab.namespace('client');
  const server = await lab.namespace('server');
  const link = await lab.link(client, server);
  const s1 = await serve(server, { name: 'good', listen: `[fe80::2%${link.b.name}]:8443`, tls: good });
  const s2 = await serve(server, { name: 'wrong', listen: `[fe80::2%${link.b.name}]:8444`, tls: wrong });
  try {
    const r = await client.runNode<Record<string, Outcome | number>>(new URL('./fixtures/https-client.ts', import.meta.url), [
      JSON.stringify({ iface: link.a.name, ca: good.cert, wrongCa: wrong.cert }),
    ]);
    const ok = (key: string) => {
      const o = r[key] as Outcome;
      assert.ok('ok' in o, `${key}: ${JSON.stringify(o)}`);
      return o.ok;
    };
    const failed = (key: string, pattern: RegExp) => {
      const o = r[key] as Outcome;
      assert.ok('error' in o, `${key} should fail: ${JSON.stringify(o)}`);
      assert.match(`${o.error} ${o.message}`, pattern, key);
    };
    const fetched = ok('fetch') as { status: number; echo: Record<string, unknown> };
    assert.equal(fetched.status, 200);
    assert.equal(fetched.echo.servername, null, 'fetch: no SNI for an IP literal');
    assert.equal(fetched.echo.host, '[fe80::2]:8443');
    const viaAgent = ok('agent');
    assert.equal(viaAgent.servername, null, 'https.Agent: no SNI for an IP literal');
    assert.equal(viaAgent.host, '[fe80::2]:8443');
    assert.equal(ok('control').servername, 'control.test', 'control: the server does report SNI when one is sent');
    failed('untrusted', /self-signed certificate/);
    failed('wrongSan', /IP: fe80::2 is not in the cert's list: fe80::3/);
    failed('agentWrongSan', /IP: fe80::2 is not in the cert's list: fe80::3/);
    assert.equal((ok('insecure') as { echo: Record<string, unknown> }).echo.server, 'wrong');
    assert.equal(r.openSocketsAfterClose, 0);
  } finally {
    await Promise.all([s1.stop(), s2.stop()]);
  }
}, { timeout: 60_000, prefix: 'ht' });
