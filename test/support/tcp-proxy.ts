/**
 * A TCP proxy for fault tests: put it between a client and a server, then `cut()` the line to
 * simulate an outage of the server without losing what the server holds, and `restore()` it.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** What new connections meet while the line is cut. */
export type CutMode =
  /** Nothing listens on the port: connecting fails at once (ECONNREFUSED). */
  | 'refuse'
  /** The connection is accepted and then ignored: the client waits for an answer that never comes. */
  | 'hang';

/** A running proxy. */
export interface TcpProxy {
  /** `127.0.0.1:<port>`, where clients connect. */
  host: string;
  port: number;
  /** Connections accepted so far, forwarded or not. */
  readonly connections: number;
  /** Destroys every live connection; new ones are refused or left hanging until `restore()`. */
  cut(mode?: CutMode): Promise<void>;
  /** Forwards new connections again (hanging ones are dropped, so their clients reconnect). */
  restore(): Promise<void>;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

/** Listens on `port` (0 picks a free one) of 127.0.0.1 and forwards to `target` (host:port). */
export async function startTcpProxy(target: string, port = 0): Promise<TcpProxy> {
  const [targetHost = '127.0.0.1', targetPort] = target.split(':');
  const live = new Set<Socket>();
  const hanging = new Set<Socket>();
  let mode: CutMode | undefined;
  let connections = 0;

  const track = (socket: Socket, into: Set<Socket>) => {
    into.add(socket);
    socket.on('close', () => into.delete(socket));
    // A reset from either side is expected here; the proxy only passes it on.
    socket.on('error', () => socket.destroy());
  };

  const server: Server = createServer((client) => {
    connections += 1;
    if (mode === 'hang') {
      track(client, hanging);
      return;
    }
    const upstream = createConnection({ host: targetHost, port: Number(targetPort) });
    track(client, live);
    track(upstream, live);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        if (typeof address === 'object' && address) port = address.port;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const destroyAll = (sockets: Set<Socket>) => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  await listen();
  return {
    host: `127.0.0.1:${port}`,
    get port() {
      return port;
    },
    get connections() {
      return connections;
    },
    async cut(cutMode = 'refuse') {
      mode = cutMode;
      // server.close() waits for open connections, so destroy them first and do not wait.
      const closed = cutMode === 'refuse' ? stopListening() : Promise.resolve();
      destroyAll(live);
      destroyAll(hanging);
      await closed;
    },
    async restore() {
      mode = undefined;
      destroyAll(hanging);
      if (!server.listening) await listen();
    },
    async close() {
      mode = 'refuse';
      const closed = stopListening();
      destroyAll(live);
      destroyAll(hanging);
      await closed;
    },
  };
}
