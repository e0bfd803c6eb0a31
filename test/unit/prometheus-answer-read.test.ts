// queryAnswer and queryInto decode an answer as it comes: a character split across two chunks of
// the answer arrives whole, and an answer longer than the limit (in bytes) is refused with one line, not kept.
// queryInto hands the pieces to a sink (the worker's VectorStream) as they come.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NOT_JSON, parseVector, queryAnswer, queryInto } from '../../providers/prometheus/http-query.js';
import { compactSource, StringTable } from '../../providers/prometheus/compact-samples.js';
import { samplesOf } from '../../providers/prometheus/series-labels.js';
import { VectorStream } from '../../providers/prometheus/vector-stream.js';

/** A loopback server writing `parts` (bytes) one write each, the next only once the one before was flushed. */
async function serveParts(parts: Buffer[], status = 200): Promise<{ url: string; close(): void }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' });
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

const streamed = (url: string, table = new StringTable()) => queryInto(target(url), 'up', () => new VectorStream(table)).then((c) => samplesOf(compactSource(c)));

test("an answer read as it arrives, cut inside series and characters, gives parseVector's samples", async () => {
  const result = Array.from({ length: 400 }, (_, i) => ({ metric: { instance: `h${i}:9100`, site: i % 3 ? 'Zürich-😀' : 'a"b' }, value: [1, String(i / 4)] }));
  const body = Buffer.from(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  const parts: Buffer[] = [];
  for (let at = 0, step = 1; at < body.length; at += step, step = (step * 7 + 3) % 997) parts.push(body.subarray(at, at + step));
  const srv = await serveParts(parts);
  try {
    assert.deepEqual(await streamed(srv.url), parseVector(body.toString()));
  } finally {
    srv.close();
  }
});

test('an answer that turns out not to be JSON fails the query while it arrives; an HTTP error still gives its reason', async () => {
  const head = '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a"},"value":[1,"1"]}';
  const broken = await serveParts([Buffer.from(head), Buffer.from('<html>'), Buffer.from('x'.repeat(100_000))]);
  const refused = await serveParts([Buffer.from(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }))], 400);
  try {
    await assert.rejects(streamed(broken.url), (e: Error) => e.message === NOT_JSON);
    await assert.rejects(streamed(refused.url), /query failed: bad_data: parse error/);
  } finally {
    broken.close();
    refused.close();
  }
});
