import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Transform, pipeline, type TransformCallback } from 'node:stream';
import { hasCredentials, isHttpUrl } from '../text/url.js';
import { formatSeconds, redact } from './http.js';
import { formatLogLine, summarizeActivity, type ProxyActivity, type ProxyLogEntry } from './proxy-report.js';

// A loopback reverse proxy to the Wild server for the agent's run. The agent runs shell
// commands steered by untrusted text, so it must never hold the server token: it gets this
// proxy's URL as `server_url`, and the proxy adds `X-Auth-Token` on the way out. The
// prompt's header-less `curl -sf {{server_url}}/...` lines then work against a server with
// auth on. The proxy forwards to the configured server only, and nothing it sends back
// (bodies, headers, redirects, errors) or logs carries the token.

export { describeActivity } from './proxy-report.js';
export type { ProxyActivity, ProxyLogEntry } from './proxy-report.js';

export interface ProxyOptions {
  /** The `server-url` input: http(s), may carry a base path (`https://host/wild`). */
  target: string;
  token?: string;
  /** Default 1 MiB. Larger request bodies get 413 and are never forwarded. */
  maxRequestBodyBytes?: number;
  /** Default 32 MiB. Larger responses get 502, or the connection is cut mid-body. */
  maxResponseBodyBytes?: number;
  /** Per upstream request, from sending it to the last byte of the answer. Default 60 s. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface ServerProxy {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  requests: readonly ProxyLogEntry[];
  activity(): ProxyActivity;
  /** Stops listening and drops every connection, keep-alive ones included. Idempotent. */
  close(): Promise<void>;
}

const MIB = 1024 * 1024;
// Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus `proxy-*`.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
// Set by the proxy itself. `expect` too: the body is already read when the request goes out.
const REQUEST_OWN = new Set(['host', 'x-auth-token', 'content-length', 'expect', 'accept-encoding']);
// `.` and `..` segments (also percent-encoded) could climb out of the target's base path.
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

class ProxyFailure extends Error {
  constructor(
    readonly status: number,
    readonly short: string,
    readonly detail: string,
  ) {
    super(short);
  }
}

function parseTarget(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error('proxy target is not a valid URL');
  }
  if (!isHttpUrl(url)) throw new Error('proxy target must be an http(s) URL');
  if (hasCredentials(url)) throw new Error('proxy target must not embed credentials');
  return url;
}

function dropped(headers: http.IncomingHttpHeaders, own: ReadonlySet<string>): Set<string> {
  const listed = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return new Set([...HOP_BY_HOP, ...own, ...listed]);
}

function copyHeaders(headers: http.IncomingHttpHeaders, own: ReadonlySet<string>, token: string | undefined): http.OutgoingHttpHeaders {
  const drop = dropped(headers, own);
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || drop.has(name) || name.startsWith('proxy-')) continue;
    out[name] = Array.isArray(value) ? value.map((v) => redact(v, token)) : redact(value, token);
  }
  return out;
}

/**
 * A `Location` on the target (under its base path) becomes the same place on the proxy, so
 * `curl -L` stays on the proxy; anything else passes unchanged (the client has no token to
 * take there).
 */
export function rewriteLocation(location: string, upstreamPath: string, target: URL, proxyUrl: string): string {
  let resolved: URL;
  try {
    // A relative Location is relative to the URL the server was asked for.
    resolved = new URL(location, `${target.origin}${upstreamPath}`);
  } catch {
    return location;
  }
  const base = target.pathname.replace(/\/+$/, '');
  const underBase = resolved.pathname === base || resolved.pathname.startsWith(`${base}/`);
  if (resolved.origin !== target.origin || !underBase) return location;
  return `${proxyUrl}${resolved.pathname.slice(base.length) || '/'}${resolved.search}${resolved.hash}`;
}

/**
 * Counts response bytes against the cap and masks the token should the server echo it (a
 * header-echo endpoint, say). Holds back the last `token.length - 1` bytes so a token split
 * across chunks is still found; masking keeps the length, so `Content-Length` stays true.
 */
class ResponseGuard extends Transform {
  private seen = 0;
  private tail = Buffer.alloc(0);
  constructor(
    private readonly cap: number,
    private readonly token: Buffer | null,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.cap) return done(new ProxyFailure(502, `response over ${this.cap} bytes`, ''));
    if (!this.token) return done(null, chunk);
    const data = Buffer.concat([this.tail, chunk]);
    for (let at = data.indexOf(this.token); at !== -1; at = data.indexOf(this.token, at + 1)) data.fill('*', at, at + this.token.length);
    const keep = Math.min(data.length, this.token.length - 1);
    this.tail = Buffer.from(data.subarray(data.length - keep));
    done(null, data.subarray(0, data.length - keep));
  }
  override _flush(done: TransformCallback): void {
    done(null, this.tail);
  }
}

function upstreamFailure(error: unknown, timeoutMs: number): ProxyFailure {
  if (error instanceof ProxyFailure) return error;
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '';
  if (code === 'ETIMEDOUT') return new ProxyFailure(504, 'timeout', `the Wild server did not answer within ${formatSeconds(timeoutMs)}`);
  if (code === 'ECONNREFUSED')
    return new ProxyFailure(502, 'connection refused', 'the Wild server refused the connection — is it running?');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ProxyFailure(502, 'DNS failure', "cannot resolve the Wild server's host name");
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return new ProxyFailure(502, 'connection reset', 'the Wild server closed the connection without a complete answer');
  if (/CERT|TLS|SSL/.test(code)) return new ProxyFailure(502, `TLS error ${code}`, `TLS handshake with the Wild server failed (${code})`);
  return new ProxyFailure(
    502,
    `network error${code ? ` ${code}` : ''}`,
    `network error reaching the Wild server${code ? ` (${code})` : ''}`,
  );
}

function plainText(status: number, message: string): { head: http.OutgoingHttpHeaders; body: string } {
  const body = `wild-plan proxy: ${status} ${http.STATUS_CODES[status] ?? ''} — ${message}\n`;
  return { head: { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) }, body };
}

/** For sockets node hands over raw (CONNECT): no ServerResponse to answer with. */
function refuseRaw(socket: Socket, status: number, message: string): void {
  const { head, body } = plainText(status, message);
  const lines = Object.entries(head)
    .map(([k, v]) => `${k}: ${String(v)}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n${lines}connection: close\r\n\r\n${body}`);
}

export async function startServerProxy(options: ProxyOptions): Promise<ServerProxy> {
  const target = parseTarget(options.target);
  const token = options.token || undefined;
  const maxRequest = options.maxRequestBodyBytes ?? MIB;
  const maxResponse = options.maxResponseBodyBytes ?? 32 * MIB;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const basePath = target.pathname.replace(/\/+$/, '');
  const transport = target.protocol === 'https:' ? https : http;
  // Own agent, so close() can drop the pooled upstream sockets too.
  const agent = new transport.Agent({ keepAlive: true });
  const entries: ProxyLogEntry[] = [];
  const sockets = new Set<Socket>();
  let proxyUrl = '';
  let closing: Promise<void> | undefined;

  function record(entry: ProxyLogEntry): void {
    entries.push(entry);
    options.log?.(redact(formatLogLine(entry), token));
  }

  // Reads the body up to the cap: it is held, not streamed, so a body over the cap is never
  // forwarded in part. Past the cap the rest is read and discarded (up to 8× the cap, then
  // the connection is cut) so the client reads the 413 instead of a reset mid-upload.
  function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxRequest) chunks.push(chunk);
        else if (size > maxRequest * 8) req.destroy(new ProxyFailure(413, 'request body too large', ''));
      });
      req.on('end', () => resolve(size > maxRequest ? null : Buffer.concat(chunks)));
      req.on('error', reject);
      req.on('close', () => reject(new ProxyFailure(0, 'client went away', '')));
    });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const rawTarget = req.url ?? '';
    const path = redact(rawTarget.split('?')[0] ?? '', token);
    let problem: string | undefined;
    res.on('close', () => {
      const complete = res.writableFinished;
      record({
        method,
        path,
        status: res.headersSent ? res.statusCode : null,
        ms: Math.round(performance.now() - started),
        ...(problem !== undefined || !complete ? { error: problem ?? (closing ? 'proxy closed' : 'client went away') } : {}),
      });
    });
    // Answers with a plain-text error, or cuts the connection when the answer has begun.
    const fail = (status: number, short: string, message: string, close = false) => {
      problem ??= closing ? 'proxy closed' : short;
      // A dropped client socket (close(), or the client left) has nobody to answer.
      if (res.writableEnded || res.destroyed || req.socket.destroyed) return;
      if (res.headersSent) return void res.destroy();
      const { head, body } = plainText(status, message);
      res.writeHead(status, close ? { ...head, connection: 'close' } : head).end(body);
    };
    const tooLarge = `request bodies are limited to ${maxRequest} bytes`;

    // Origin-form only: an absolute URI (`GET http://elsewhere/`) or `*` asks for a forward
    // proxy, and this one reaches the configured server only.
    if (!rawTarget.startsWith('/'))
      return fail(400, 'not origin-form', 'only paths on the Wild server can be requested (no absolute URLs)');
    if (DOT_SEGMENT.test(path)) return fail(400, 'dot segment', 'paths with `.` or `..` segments are refused');
    // TRACE would echo the request back, the added X-Auth-Token included.
    if (method === 'TRACE') return fail(405, 'TRACE refused', 'TRACE is not forwarded');
    if (/\bwebsocket\b/i.test(String(req.headers.upgrade ?? '')))
      return fail(501, 'upgrade refused', 'protocol upgrades (websocket) are not supported');
    // Refused unread when the client waits for `100 Continue` or the body is too big to drain;
    // `connection: close` so node does not read the unwanted body for keep-alive.
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxRequest && (req.headers.expect !== undefined || declared > maxRequest * 8)) {
      return fail(413, 'request body too large', tooLarge, true);
    }
    let body: Buffer | null;
    try {
      body = await readBody(req);
    } catch (error) {
      problem ??= error instanceof ProxyFailure ? error.short : 'client went away';
      return void res.destroy();
    }
    if (body === null) return fail(413, 'request body too large', tooLarge);

    const headers = copyHeaders(req.headers, REQUEST_OWN, token);
    headers.host = target.host;
    // Plain bytes come back, so ResponseGuard can see a token echoed in them.
    headers['accept-encoding'] = 'identity';
    if (token) headers['x-auth-token'] = token;
    if (body.length > 0 || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) {
      headers['content-length'] = body.length;
    }
    // String join, never `new URL(path, target)`: `//evil.example/` must stay a path.
    const upstreamPath = `${basePath}${rawTarget}`;
    const upstream = transport.request({
      protocol: target.protocol,
      hostname: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port || undefined,
      method,
      path: upstreamPath,
      headers,
      agent,
    });
    const timer = setTimeout(() => {
      const failure = upstreamFailure(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }), timeoutMs);
      fail(failure.status, failure.short, failure.detail);
      upstream.destroy();
    }, timeoutMs);
    timer.unref();
    res.on('close', () => {
      clearTimeout(timer);
      // A client that leaves early must not leave the upstream exchange running.
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.on('error', (error) => {
      const failure = upstreamFailure(error, timeoutMs);
      fail(failure.status, failure.short, failure.detail);
    });
    upstream.on('response', (answer) => {
      // Already answered (a timeout) or nobody left to answer.
      if (res.headersSent || res.destroyed || req.socket.destroyed) return void answer.destroy();
      const length = method === 'HEAD' ? 0 : Number(answer.headers['content-length'] ?? 0);
      if (length > maxResponse) {
        answer.destroy();
        return fail(502, 'response too large', `the Wild server's answer (${length} bytes) is over the proxy's ${maxResponse}-byte limit`);
      }
      const out = copyHeaders(answer.headers, new Set(), token);
      if (typeof out.location === 'string') out.location = rewriteLocation(out.location, upstreamPath, target, proxyUrl);
      res.writeHead(answer.statusCode ?? 502, out);
      pipeline(answer, new ResponseGuard(maxResponse, token ? Buffer.from(token) : null), res, (error) => {
        if (error) problem ??= upstreamFailure(error, timeoutMs).short;
      });
    });
    upstream.end(body);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  // `Expect: 100-continue` (curl sends it for big bodies): a body over the cap is refused in
  // handle() before the client sends it; others are invited.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (Number(req.headers['content-length'] ?? 0) <= maxRequest) res.writeContinue();
    server.emit('request', req, res);
  });
  server.on('connect', (req: http.IncomingMessage, socket: Socket) => {
    refuseRaw(socket, 405, 'CONNECT is refused: this proxy reaches the Wild server only');
    record({ method: 'CONNECT', path: redact(req.url ?? '', token), status: 405, ms: 0, error: 'CONNECT refused' });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: proxyUrl,
    requests: entries,
    activity: () => summarizeActivity(entries),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      });
      return closing;
    },
  };
}
