import { readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import http from 'node:http';
import https from 'node:https';
import { sanitizeLine } from '../../src/util/sanitize.js';
import type { PrometheusAuth } from './config.js';

/** A Prometheus or Alertmanager server, as one request needs it. */
export interface QueryTarget {
  url: string;
  auth: PrometheusAuth;
  /** The CA bundle's PEM text, read once per refresh. */
  ca?: string;
  timeoutMs: number;
}

/** The Authorization header, with the secret read now from its file or environment variable. */
export function authorization(auth: PrometheusAuth, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const secret = (file: string | undefined, name: string | undefined, what: string): string => {
    if (file) {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch (err) {
        throw new Error(`cannot read the ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    const value = name ? env[name] : undefined;
    if (!value) throw new Error(`the ${what} environment variable ${name} is not set`);
    return value.trim();
  };
  if (auth.kind === 'basic') return 'Basic ' + Buffer.from(`${auth.user}:${secret(auth.passwordFile, auth.passwordEnv, 'password')}`).toString('base64');
  if (auth.kind === 'bearer') return 'Bearer ' + secret(auth.file, auth.env, 'bearer token');
  return undefined;
}

export interface HttpTextRequest {
  /** Path and query, appended to the server's URL. */
  path: string;
  /** A POST with this body when given, else a GET. */
  body?: { type: string; text: string };
  /** An answer longer than this many bytes is refused: the request fails with one line saying so. */
  maxBytes: number;
}

/** What a server answered: its status and body, whatever the status. */
export interface HttpText {
  status: number;
  text: string;
}

/** Where an answer's text goes as it arrives: each piece once, in order, then end() for what it made. Either may throw: the request fails with that error. */
export interface TextSink<T> {
  write(piece: string): void;
  end(): T;
}

/**
 * The pieces joined once at the end, not with `+=`: that makes a string of 40-odd pieces that V8's
 * optimized code reads through a slow path, flattened or not (scanning the answers of 10,000 hosts
 * took 3x as long as on one flat string).
 */
export function joinedText(): TextSink<string> {
  const pieces: string[] = [];
  return { write: (piece) => void pieces.push(piece), end: () => pieces.join('') };
}

/**
 * One request to `target` with its authorization and CA, on a fresh connection (no kept-alive
 * socket: a restarted or stopped server must answer, or refuse, afresh). Fails with one sanitized
 * line for a refused connection, a timeout or an answer over `maxBytes`.
 */
export function httpText(target: QueryTarget, req: HttpTextRequest): Promise<HttpText> {
  return httpRequest(target, req, joinedText).then(({ status, body }) => ({ status, text: body }));
}

/**
 * httpText, with the answer's text handed as it comes to the sink `sinkFor` gives for the answer's
 * status: what the sink makes of it is the body.
 */
export function httpRequest<T>(target: QueryTarget, req: HttpTextRequest, sinkFor: (status: number) => TextSink<T>): Promise<{ status: number; body: T }> {
  const url = new URL(target.url + req.path);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (req.body) {
    headers['content-type'] = req.body.type;
    headers['content-length'] = String(Buffer.byteLength(req.body.text));
  }
  const auth = authorization(target.auth);
  if (auth) headers['authorization'] = auth;
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const options = { method: req.body ? 'POST' : 'GET', headers, agent: false, ...(target.ca ? { ca: target.ca } : {}), timeout: target.timeoutMs };
    const request = mod.request(url, options, (res) => {
      const status = res.statusCode ?? 0;
      // Decoded as it comes, each chunk's bytes freed at once (a character split across chunks is
      // kept by the decoder for the next). Holding the chunks and decoding them once took less CPU,
      // but the bytes live in the worker's malloc arena, which glibc keeps after they are freed:
      // about 30 MB more RSS at 10,000 hosts (README, "Large fleets: Prometheus").
      const decoder = new StringDecoder('utf8');
      const sink = sinkFor(status);
      let bytes = 0;
      let failed = false;
      const fail = (err: Error) => {
        failed = true;
        request.destroy(err);
      };
      res.on('data', (c: Buffer) => {
        if (failed) return;
        bytes += c.length;
        if (bytes > req.maxBytes) return fail(new Error(`answer longer than ${req.maxBytes} bytes`));
        try {
          sink.write(decoder.write(c));
        } catch (err) {
          fail(err as Error);
        }
      });
      res.on('error', reject);
      res.on('end', () => {
        if (failed) return;
        try {
          sink.write(decoder.end());
          resolve({ status, body: sink.end() });
        } catch (err) {
          reject(new Error(sanitizeLine((err as Error).message)));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer in ${Math.round(target.timeoutMs / 1000)} s`)));
    request.on('error', (err) => reject(new Error(sanitizeLine(err.message))));
    request.end(req.body?.text);
  });
}

/** The first line of an error answer, sanitized and cut, for a one-line message. */
export function firstLine(text: string): string {
  return sanitizeLine(text.split('\n')[0] ?? '').slice(0, 200);
}
