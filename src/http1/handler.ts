/**
 * The contract between the HTTP/1.1 engine and the server core: what the engine hands over (requests,
 * upgrade candidates, body errors) and the settings it runs with.
 */
import type { Socket } from 'node:net';
import type { BodyError } from './body-decoder.js';
import type { ConnectionSlots } from './connection-slots.js';
import type { ConnectionPreface } from './preface.js';
import type { HttpRequest } from './request.js';
import type { HttpResponse } from './response.js';

/** Settings of one listener's engine (seconds for the timeouts, lighttpd's global values). */
export interface Http1Options {
  /** `server.max-request-field-size`: bytes of the whole request head. */
  readonly maxHeadSize: number;
  /** `server.http-parseopts` header-strict. */
  readonly headerStrict: boolean;
  /** `server.max-read-idle`: a request head or body stalls this long → close. */
  readonly readIdle: number;
  /** `server.max-keep-alive-idle`: waiting for the next request (0 = no keep-alive). */
  readonly keepAliveIdle: number;
  /** `server.max-write-idle`: a started response makes no progress this long → close. */
  readonly writeIdle: number;
  /** `server.max-connections`, counted with the other listeners: beyond it new connections wait unread (lighttpd stops accepting). */
  readonly connections: ConnectionSlots;
  /** How many connections may wait for a slot (`server.listen-backlog`); more are closed. */
  readonly waitQueue: number;
  /** One error-log line. */
  readonly log: (source: string, message: string) => void;
  /** A TLS listener: turns each accepted socket into the socket that is served (its TLSSocket). */
  readonly secure?: (socket: Socket) => Socket;
  /** Accept connections as raw handles (raw-accept.ts; default true where node allows it); false: net.Sockets. */
  readonly rawAccept?: boolean;
  /** A step before HTTP (and before TLS) on each connection (preface.ts): set only where some module wants one. */
  readonly preface?: ConnectionPreface;
}

/** Decide what happens to an upgrade candidate: exactly one call. */
export interface UpgradeControl {
  /** A module owns the socket now; the engine forgets the connection. */
  taken(): void;
  /** Nobody took it: the engine reads the socket again and the request is answered through `res`. */
  resume(): void;
}

/** What the core does with what the engine parsed. Calls must not throw (they are guarded anyway). */
export interface Http1Handler {
  /** A request, possibly with a parse status (`req.head.status` ≠ 0) for the core to answer. */
  request(req: HttpRequest, res: HttpResponse): void;
  /**
   * `CONNECT`, or HTTP/1.1 with `Upgrade` and `Connection: upgrade`: the socket is detached (no reading),
   * `head` holds the bytes already read after the request head.
   */
  upgrade(req: HttpRequest, res: HttpResponse, head: Buffer, control: UpgradeControl): void;
  /** The body could not be read (bad chunked framing, or `server.max-request-size` passed: 413). */
  bodyError(req: HttpRequest, res: HttpResponse, error: BodyError): void;
}
