// queryAnswer decodes an answer as it comes: a character split across two chunks of
// the answer arrives whole, and an answer longer than the limit (in bytes) is refused with one line, not kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseVector, queryAnswer } from '../../providers/prometheus/http-query.js';

/** A loopback server writing `parts` (bytes) one write each, the next only once the one before was flushed. */
async function serveParts(parts: Buffer[]): Promise<{ url: string; close(): void }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const next = (i: number) => (i < parts.length ? res.write(parts[i], () => next(i + 1)) : res.end());
      next(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const target = (url: string) => ({ url, auth: { kind: 'none' as const }, timeoutMs: 10_000 });

test('a multi-byte character split between two chunks of an answer is read whole', async () => {
  const body = Buffer.from(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { instance: 'h:9100', site: 'Zürich-😀' }, value: [1, '1'] }] } }));
  // Cut inside the 4-byte emoji and inside the ü.
  const cuts = [body.indexOf(Buffer.from('😀')) + 2, body.indexOf(Buffer.from('ü')) + 1].sort((a, b) => a - b);
  const srv = await serveParts([body.subarray(0, cuts[0]), body.subarray(cuts[0], cuts[1]), body.subarray(cuts[1])]);
  try {
    const samples = parseVector(await queryAnswer(target(srv.url), 'up'));
    assert.equal(samples[0]?.metric['site'], 'Zürich-😀');
  } finally {
    srv.close();
  }
});

test('an answer longer than the limit is refused with one line saying so', async () => {
  const srv = await serveParts([Buffer.from('{"status":"success","data":'), Buffer.from('x'.repeat(5000)), Buffer.from('}')]);
  try {
    await assert.rejects(queryAnswer(target(srv.url), 'up', 1000), /answer longer than 1000 bytes/);
    assert.match(await queryAnswer(target(srv.url), 'up', 10_000), /^\{"status":"success","data":x+\}$/, 'under the limit the same answer is read');
  } finally {
    srv.close();
  }
});
