/**
 * A small stand-in for Firebase Hosting, for benchmarks: serves a built site folder the way
 * firebase.json tells Hosting to (clean URLs, no trailing slash, the header rules, gzip or
 * brotli), and `/api/**` from the real stats handler on whatever store it is given. It starts in
 * milliseconds and needs none of the machine-wide emulator ports, so `npm run bench` can run it
 * next to other work. What `npm start`, deploy and the browser tests use is the real firebase
 * CLI; this is for measuring.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { HttpHandler, HttpRequest, HttpResponse } from '../../functions/src/http/types.ts';

const FIREBASE_JSON = new URL('../../firebase.json', import.meta.url);

interface HeaderRule {
  source: string;
  headers: { key: string; value: string }[];
}

interface HostingConfig {
  headers: HeaderRule[];
  /** Path prefixes (from `rewrites` to the stats function) answered by the stats handler. */
  apiPrefixes: string[];
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.sh': 'text/x-shellscript; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** A Hosting glob as a regular expression: `**` any path, `*` one segment. */
function globToRegExp(glob: string): RegExp {
  const pattern = glob
    .split(/(\*\*|\*)/)
    .map((part) =>
      part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${pattern}$`);
}

function hostingConfig(): HostingConfig {
  const json = JSON.parse(readFileSync(FIREBASE_JSON, 'utf8')) as {
    hosting: {
      headers?: HeaderRule[];
      rewrites?: { source: string; function?: { functionId: string } }[];
    };
  };
  const apiPrefixes = (json.hosting.rewrites ?? [])
    .filter((r) => r.function?.functionId === 'stats')
    .map((r) => r.source.replace(/\*\*$/, ''));
  return { headers: json.hosting.headers ?? [], apiPrefixes };
}

interface StaticFile {
  type: string;
  body: Buffer;
  gzip: Buffer;
  br: Buffer;
}

function compressible(type: string): boolean {
  return /^(text\/|application\/json|image\/svg)/.test(type);
}

function encoded(body: Buffer, type: string): { gzip: Buffer; br: Buffer } {
  if (!compressible(type)) return { gzip: body, br: body };
  return {
    gzip: gzipSync(body),
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }),
  };
}

async function loadFiles(root: string): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue;
    const full = join(entry.parentPath, entry.name);
    const path = `/${relative(root, full).split('\\').join('/')}`;
    if (path.split('/').some((segment) => segment.startsWith('.'))) continue;
    const body = await readFile(full);
    const type = TYPES[extname(entry.name)] ?? 'application/octet-stream';
    files.set(path, { type, body, ...encoded(body, type) });
  }
  return files;
}

/** The file a clean URL names: `/versions` → `/versions.html` or `/versions/index.html`. */
function resolveClean(files: Map<string, StaticFile>, path: string): string | undefined {
  if (path === '/') return files.has('/index.html') ? '/index.html' : undefined;
  for (const candidate of [path, `${path}.html`, `${path}/index.html`]) {
    if (files.has(candidate) && !candidate.endsWith('/')) return candidate;
  }
  return undefined;
}

/** Brotli for browsers that accept it (as Hosting answers them), unless `brotli` is false. */
function pickEncoding(req: IncomingMessage, brotli: boolean): 'br' | 'gzip' | undefined {
  const accept = String(req.headers['accept-encoding'] ?? '');
  if (brotli && /\bbr\b/.test(accept)) return 'br';
  if (/\bgzip\b/.test(accept)) return 'gzip';
  return undefined;
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer,
  brotli: boolean,
): void {
  const type = headers['Content-Type'] ?? headers['content-type'] ?? '';
  const encoding = compressible(type) && body.length > 256 ? pickEncoding(req, brotli) : undefined;
  const out =
    encoding === 'br'
      ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
      : encoding === 'gzip'
        ? gzipSync(body)
        : body;
  res.writeHead(status, {
    ...headers,
    ...(encoding ? { 'Content-Encoding': encoding, Vary: 'Accept-Encoding' } : {}),
    'Content-Length': String(out.length),
  });
  res.end(req.method === 'HEAD' ? undefined : out);
}

/** The Express-like request and response the stats handler expects, over node:http. */
async function callHandler(
  handler: HttpHandler,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  extraHeaders: Record<string, string>,
  brotli: boolean,
): Promise<void> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const previous = query[name];
    query[name] =
      previous === undefined
        ? value
        : Array.isArray(previous)
          ? [...previous, value]
          : [previous, value];
  }
  const request: HttpRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    headers: req.headers,
    query,
  };
  let status = 200;
  const headers: Record<string, string> = { ...extraHeaders };
  let finished = false;
  const finish = (body: Buffer) => {
    if (finished) return;
    finished = true;
    send(req, res, status, headers, body, brotli);
  };
  const response: HttpResponse = {
    status(code: number) {
      status = code;
      return this;
    },
    set(field: string, value: string) {
      headers[field] = value;
      return this;
    },
    json(body: unknown) {
      headers['Content-Type'] ??= 'application/json; charset=utf-8';
      finish(Buffer.from(JSON.stringify(body)));
    },
    send(body?: unknown) {
      finish(Buffer.isBuffer(body) ? body : Buffer.from(body === undefined ? '' : String(body)));
    },
    end() {
      finish(Buffer.alloc(0));
    },
  };
  await handler(request, response);
  finish(Buffer.alloc(0));
}

/** A running stand-in for Hosting. */
export interface Hosting {
  url: string;
  /** Requests answered so far, by path (with query), for tests and reports. */
  requests: string[];
  close: () => Promise<void>;
}

/**
 * Serves `root` (a built site) on 127.0.0.1 at a free port, `/api/**` from `stats`; `gzipOnly`
 * compresses with gzip even for browsers that accept brotli (to measure gzip page weights).
 */
export async function startHosting(
  root: string,
  stats: HttpHandler,
  options: { gzipOnly?: boolean } = {},
): Promise<Hosting> {
  const brotli = !options.gzipOnly;
  const config = hostingConfig();
  const rules = config.headers.map((rule) => ({ match: globToRegExp(rule.source), rule }));
  const files = await loadFiles(root);
  const requests: string[] = [];
  const headersFor = (path: string): Record<string, string> => {
    const headers: Record<string, string> = {};
    for (const { match, rule } of rules) {
      if (!match.test(path)) continue;
      for (const { key, value } of rule.headers) headers[key] = value;
    }
    return headers;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hosting.local');
    const path = decodeURIComponent(url.pathname);
    requests.push(`${url.pathname}${url.search}`);
    if (config.apiPrefixes.some((prefix) => path.startsWith(prefix))) {
      callHandler(stats, req, res, url, headersFor(path), brotli).catch((error: unknown) => {
        console.error(error);
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    // cleanUrls and trailingSlash: false, as Hosting answers them.
    if (path.length > 1 && path.endsWith('/')) {
      res.writeHead(301, { Location: `${path.slice(0, -1)}${url.search}` }).end();
      return;
    }
    if (path.endsWith('.html')) {
      const clean = path.replace(/(\/index)?\.html$/, '') || '/';
      res.writeHead(301, { Location: `${clean}${url.search}` }).end();
      return;
    }
    const found = resolveClean(files, path);
    const file = found ? files.get(found) : files.get('/404.html');
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    const headers = { ...headersFor(path), 'Content-Type': file.type };
    const encoding = compressible(file.type) ? pickEncoding(req, brotli) : undefined;
    const body = encoding === 'br' ? file.br : encoding === 'gzip' ? file.gzip : file.body;
    res.writeHead(found ? 200 : 404, {
      ...headers,
      ...(encoding ? { 'Content-Encoding': encoding, Vary: 'Accept-Encoding' } : {}),
      'Content-Length': String(body.length),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
