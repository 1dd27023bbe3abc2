/**
 * Splits a SIP byte stream (TCP, TLS) into messages (RFC 3261 §18.3: framing by Content-Length,
 * which is mandatory on stream transports, §20.14) and recognises the RFC 5626 §3.5.1
 * keep-alive: a double CRLF "ping" that the receiver answers with a single CRLF "pong".
 * Bounded: a message (headers + body) larger than {@link MAX_STREAM_MESSAGE} or a stream that
 * is not SIP yields an error, and the owner closes the connection. Pure: no IO.
 */
import { MAX_MESSAGE_SIZE } from "../message/types.ts";

export const MAX_STREAM_MESSAGE = MAX_MESSAGE_SIZE;
/** The start line is short in any real message; a longer first line means garbage. */
const MAX_START_LINE = 8192;

export type FramerOutput =
  | { kind: "message"; bytes: Uint8Array }
  /** RFC 5626 §3.5.1 ping: answer with CRLF (see {@link PONG}). */
  | { kind: "ping" }
  | { kind: "error"; reason: string };

/** The single CRLF answering a ping (RFC 5626 §3.5.1). */
export const PONG: Uint8Array = new Uint8Array([13, 10]);

const CR = 13;
const LF = 10;
const START_LINE = /^(?:SIP\/2\.0 \d{3}(?: .*)?|[A-Za-z0-9!%*_+`'~.-]+ [^ ]+ SIP\/2\.0)$/;
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*(\d{1,10})[ \t]*$/i;
const latin1 = new TextDecoder("latin1");

export class StreamFramer {
  private buf = new Uint8Array(0);
  private failed = false;

  /** Bytes waiting for the rest of a message. */
  get buffered(): number {
    return this.buf.length;
  }

  /** Feeds received bytes; returns complete messages, pings, and at most one error (after which the stream is dead). */
  push(chunk: Uint8Array): FramerOutput[] {
    if (this.failed) return [];
    if (this.buf.length + chunk.length > MAX_STREAM_MESSAGE * 2) return this.fail("stream buffer overflow");
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf, 0);
    joined.set(chunk, this.buf.length);
    this.buf = joined;
    const out: FramerOutput[] = [];
    for (;;) {
      const step = this.next();
      if (step === undefined) break;
      out.push(step);
      if (step.kind === "error") break;
    }
    return out;
  }

  private fail(reason: string): FramerOutput[] {
    this.failed = true;
    this.buf = new Uint8Array(0);
    return [{ kind: "error", reason }];
  }

  private next(): FramerOutput | undefined {
    const b = this.buf;
    // Leading CRLFs: a ping (CRLFCRLF) or a lone CRLF (a pong, or whitespace that RFC 3261 §7.5
    // says to ignore before a start line). Decide only once enough bytes are here to tell.
    if (b.length >= 2 && b[0] === CR && b[1] === LF) {
      if (b.length >= 4 && b[2] === CR && b[3] === LF) {
        this.buf = b.subarray(4);
        return { kind: "ping" };
      }
      if (b.length >= 3 && b[2] !== CR) {
        this.buf = b.subarray(2);
        return this.next();
      }
      return undefined;
    }
    const lineEnd = indexOfCrlf(b, 0);
    if (lineEnd < 0) {
      if (b.length > MAX_START_LINE) return this.fail("no start line")[0];
      return undefined;
    }
    if (!START_LINE.test(latin1.decode(b.subarray(0, lineEnd)))) return this.fail("not a SIP start line")[0];
    const headerEnd = indexOfDoubleCrlf(b, lineEnd);
    if (headerEnd < 0) {
      if (b.length > MAX_STREAM_MESSAGE) return this.fail("header section too large")[0];
      return undefined;
    }
    const length = contentLength(latin1.decode(b.subarray(lineEnd + 2, headerEnd)));
    if (length === undefined) return this.fail("missing or invalid Content-Length")[0];
    const total = headerEnd + 4 + length;
    if (total > MAX_STREAM_MESSAGE) return this.fail("message too large")[0];
    if (b.length < total) return undefined;
    const bytes = b.slice(0, total);
    this.buf = b.subarray(total);
    return { kind: "message", bytes };
  }
}

function indexOfCrlf(b: Uint8Array, from: number): number {
  for (let i = from; i + 1 < b.length; i++) if (b[i] === CR && b[i + 1] === LF) return i;
  return -1;
}

function indexOfDoubleCrlf(b: Uint8Array, from: number): number {
  for (let i = from; i + 3 < b.length; i++) {
    if (b[i] === CR && b[i + 1] === LF && b[i + 2] === CR && b[i + 3] === LF) return i;
  }
  return -1;
}

/** The Content-Length header (or compact `l`); undefined when absent, repeated with different values, or not a number. */
function contentLength(headerBlock: string): number | undefined {
  let found: number | undefined;
  for (const line of headerBlock.split("\r\n")) {
    const m = CONTENT_LENGTH.exec(line);
    if (m === null) {
      if (/^(?:content-length|l)[ \t]*:/i.test(line)) return undefined;
      continue;
    }
    const n = Number(m[1]);
    if (found !== undefined && found !== n) return undefined;
    found = n;
  }
  return found;
}
