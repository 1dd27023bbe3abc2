/**
 * SIP over TCP and TLS on `Bun.listen` / `Bun.connect` (RFC 3261 §18.3, §26.2; RFC 5626
 * §3.5.1 keep-alives). Each connection owns a {@link StreamFramer}; connections are reused per
 * remote address (RFC 3261 §18.1.1: a client SHOULD reuse a connection to the same destination)
 * and responses go back on the connection the request came in on (§18.2.2). Bounded: connection
 * count, per-connection write backlog, and idle lifetime.
 */
import type { Socket, TCPSocketListener, TLSOptions } from "bun";
import type { Logger } from "../../lib/logger.ts";
import { nullLogger } from "../../lib/logger.ts";
import { PONG, StreamFramer } from "./stream-framer.ts";
import {
  bareHost,
  type Endpoint,
  endpointKey,
  guardedDelivery,
  type InboundHandler,
  type SipTransport,
} from "./types.ts";

/** How long a TLS client connection may take to complete its handshake before the send fails. */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

export interface StreamTransportOptions {
  protocol: "TCP" | "TLS";
  hostname: string;
  /** 0 asks the OS for a free port. */
  port: number;
  onMessage: InboundHandler;
  /** TLS server certificate and key (PEM); required for protocol TLS. */
  tls?: TLSOptions;
  /** Outgoing TLS: verify the server certificate (default true). */
  verifyPeer?: boolean;
  maxConnections?: number;
  /** Close a connection with no traffic either way for this long (default 10 min). */
  idleTimeoutMs?: number;
  logger?: Logger;
}

interface ConnData {
  id: number;
}

interface Conn {
  id: number;
  socket: Socket<ConnData>;
  remote: Endpoint;
  framer: StreamFramer;
  /** Bytes the kernel did not take yet; flushed on drain. */
  backlog: Uint8Array[];
  backlogBytes: number;
}

const MAX_BACKLOG_BYTES = 1 << 20;
const DEFAULT_MAX_CONNECTIONS = 1024;
const DEFAULT_IDLE_MS = 10 * 60 * 1000;

export async function createStreamTransport(options: StreamTransportOptions): Promise<SipTransport> {
  const logger = options.logger ?? nullLogger;
  const hostname = bareHost(options.hostname);
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const idleSeconds = Math.max(1, Math.round((options.idleTimeoutMs ?? DEFAULT_IDLE_MS) / 1000));
  const conns = new Map<number, Conn>();
  const byRemote = new Map<string, number>();
  let nextId = 1;
  let closed = false;

  /**
   * Bun's `write`/`end` can throw on a socket the peer already reset; every caller runs in a
   * socket callback or a send promise, where a throw would crash or reject, so a throw counts
   * as a failed write (RFC 3261 §18.4: a transport error) and closes the connection.
   */
  const socketWrite = (conn: Conn, data: Uint8Array): number => {
    try {
      return conn.socket.write(data);
    } catch (error) {
      logger.debug("sip stream: write failed", { error, remote: endpointKey(conn.remote) });
      end(conn.socket);
      return -1;
    }
  };

  const end = (socket: Socket<ConnData>): void => {
    try {
      socket.end();
    } catch {
      // Already closed: its close callback has run or will run and forget it.
    }
  };

  const write = (conn: Conn, data: Uint8Array): boolean => {
    if (conn.backlog.length > 0) {
      if (conn.backlogBytes + data.length > MAX_BACKLOG_BYTES) {
        logger.warn("sip stream: write backlog full, closing", { remote: endpointKey(conn.remote) });
        end(conn.socket);
        return false;
      }
      conn.backlog.push(data);
      conn.backlogBytes += data.length;
      return true;
    }
    const n = socketWrite(conn, data);
    if (n < 0) return false;
    if (n < data.length) {
      conn.backlog.push(data.subarray(n));
      conn.backlogBytes += data.length - n;
    }
    return true;
  };

  const flush = (conn: Conn) => {
    while (conn.backlog.length > 0) {
      const head = conn.backlog[0]!;
      const n = socketWrite(conn, head);
      if (n < 0) return;
      conn.backlogBytes -= n;
      if (n < head.length) {
        conn.backlog[0] = head.subarray(n);
        return;
      }
      conn.backlog.shift();
    }
  };

  const register = (socket: Socket<ConnData>, remote: Endpoint): Conn => {
    const id = nextId++;
    socket.data = { id };
    socket.timeout(idleSeconds);
    const conn: Conn = { id, socket, remote, framer: new StreamFramer(), backlog: [], backlogBytes: 0 };
    conns.set(id, conn);
    byRemote.set(endpointKey(remote), id);
    return conn;
  };

  const forget = (socket: Socket<ConnData>) => {
    const id = socket.data?.id;
    if (id === undefined) return;
    const conn = conns.get(id);
    conns.delete(id);
    if (conn !== undefined && byRemote.get(endpointKey(conn.remote)) === id)
      byRemote.delete(endpointKey(conn.remote));
  };

  const deliver = guardedDelivery(options.onMessage, logger);

  const handlers = {
    data(socket: Socket<ConnData>, data: Uint8Array) {
      const conn = conns.get(socket.data?.id ?? -1);
      if (conn === undefined) return;
      for (const out of conn.framer.push(data)) {
        if (out.kind === "ping") write(conn, PONG);
        else if (out.kind === "error") {
          // RFC 3261 §18.3: a stream that cannot be framed cannot be resynchronised; close it.
          logger.debug("sip stream: closing unframeable connection", {
            remote: endpointKey(conn.remote),
            reason: out.reason,
          });
          end(socket);
          return;
        } else {
          deliver({
            protocol: options.protocol,
            data: out.bytes,
            remote: conn.remote,
            local: { address: hostname, port: listener.port },
            connection: conn.id,
          });
        }
      }
    },
    drain(socket: Socket<ConnData>) {
      const conn = conns.get(socket.data?.id ?? -1);
      if (conn !== undefined) flush(conn);
    },
    close(socket: Socket<ConnData>) {
      forget(socket);
    },
    error(socket: Socket<ConnData>, error: Error) {
      logger.debug("sip stream: socket error", { error });
      forget(socket);
    },
    timeout(socket: Socket<ConnData>) {
      end(socket);
    },
  };

  const listener: TCPSocketListener<ConnData> = Bun.listen<ConnData>({
    hostname,
    port: options.port,
    ...(options.protocol === "TLS" ? { tls: options.tls ?? true } : {}),
    socket: {
      ...handlers,
      binaryType: "uint8array",
      open(socket) {
        if (closed || conns.size >= maxConnections) {
          end(socket);
          return;
        }
        register(socket, { address: socket.remoteAddress, port: socket.remotePort });
      },
    },
  });

  /** Connections being opened: they count against the bound too, or a burst of sends to new
   * addresses would open more than `maxConnections` before any of them registered. */
  let connecting = 0;

  const connect = async (remote: Endpoint): Promise<Conn | undefined> => {
    if (conns.size + connecting >= maxConnections) return undefined;
    connecting++;
    try {
      return await open(remote);
    } finally {
      connecting--;
    }
  };

  const open = async (remote: Endpoint): Promise<Conn | undefined> => {
    // Bun reports a TLS verification failure only through `handshake` (connect neither throws
    // nor calls `error`), so a TLS connection is used only once its handshake succeeded; a
    // rejected certificate then fails the send at once (RFC 3261 §17.1.4 transport error)
    // instead of leaving the request to time out.
    let settle: (ok: boolean) => void = () => {};
    const handshook = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    try {
      const socket = await Bun.connect<ConnData>({
        hostname: bareHost(remote.address),
        port: remote.port,
        ...(options.protocol === "TLS" ? { tls: { rejectUnauthorized: options.verifyPeer ?? true } } : {}),
        socket: {
          ...handlers,
          binaryType: "uint8array",
          handshake(s: Socket<ConnData>, success: boolean, authorizationError: Error | null) {
            if (!success) {
              logger.warn("sip tls: handshake failed", {
                remote: endpointKey(remote),
                error: String(authorizationError ?? "unknown"),
              });
              end(s);
            }
            settle(success);
          },
          close(s: Socket<ConnData>) {
            settle(false);
            handlers.close(s);
          },
        },
      });
      if (options.protocol === "TLS") {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timedOut = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), TLS_HANDSHAKE_TIMEOUT_MS);
        });
        const ok = await Promise.race([handshook, timedOut]);
        clearTimeout(timer);
        if (!ok) {
          end(socket);
          return undefined;
        }
      }
      return register(socket, remote);
    } catch (error) {
      logger.debug("sip stream: connect failed", { error, remote: endpointKey(remote) });
      return undefined;
    }
  };

  return {
    protocol: options.protocol,
    reliable: true,
    local: { address: hostname, port: listener.port },
    async send(data, remote, connection) {
      if (closed) return false;
      let conn = connection !== undefined ? conns.get(connection) : undefined;
      if (conn === undefined) {
        const id = byRemote.get(endpointKey({ address: bareHost(remote.address), port: remote.port }));
        conn = id !== undefined ? conns.get(id) : undefined;
      }
      conn ??= await connect({ address: bareHost(remote.address), port: remote.port });
      if (conn === undefined) return false;
      return write(conn, data);
    },
    async close() {
      closed = true;
      for (const conn of conns.values()) end(conn.socket);
      conns.clear();
      byRemote.clear();
      listener.stop(true);
    },
  };
}
