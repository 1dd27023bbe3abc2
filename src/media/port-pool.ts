/**
 * RTP/RTCP port pairs (spec/sip.md §10 "Ports"): an even RTP port from the configured range
 * with RTCP on RTP + 1 (RFC 3550 §11), or OS-assigned ports when the range is 0/0.
 * Exhaustion is a value, not an exception, so the call layer can answer 503.
 */
import { err, ok, type Result } from "../lib/result.ts";

export interface PortRange {
  /** First port (rounded up to even); 0 with max 0 means "let the OS choose". */
  min: number;
  max: number;
}

/** Binds one UDP socket on `port` (0 = OS-assigned); resolves to its port or rejects. */
export type BindUdp<S> = (port: number) => Promise<{ socket: S; port: number }>;

export interface PortPair<S> {
  rtpPort: number;
  rtp: S;
  rtcp: S;
}

/** OS-assigned mode: attempts to find a free odd neighbour for an ephemeral even port. */
const EPHEMERAL_ATTEMPTS = 32;

export class PortPool<S> {
  private readonly inUse = new Set<number>();
  private cursor: number;
  private readonly first: number;
  private readonly last: number;

  constructor(
    range: PortRange,
    private readonly bind: BindUdp<S>,
    private readonly close: (s: S) => void,
  ) {
    this.first = range.min === 0 && range.max === 0 ? 0 : range.min + (range.min % 2);
    // The last usable RTP port must leave room for its RTCP port inside the range.
    this.last = range.max % 2 === 1 ? range.max - 1 : range.max - 2;
    this.cursor = this.first;
  }

  /** Number of pairs held. */
  get size(): number {
    return this.inUse.size;
  }

  /** Binds the next free pair, trying every even port of the range once. */
  async acquire(): Promise<Result<PortPair<S>, string>> {
    if (this.first === 0) return this.acquireEphemeral();
    const slots = this.last >= this.first ? (this.last - this.first) / 2 + 1 : 0;
    for (let n = 0; n < slots; n++) {
      const port = this.cursor;
      this.cursor = port + 2 > this.last ? this.first : port + 2;
      if (this.inUse.has(port)) continue;
      const pair = await this.tryPair(port);
      if (pair !== undefined) return ok(pair);
    }
    return err(`no free RTP port pair in ${this.first}-${this.last + 1}`);
  }

  release(pair: PortPair<S>): void {
    if (!this.inUse.delete(pair.rtpPort)) return;
    this.close(pair.rtp);
    this.close(pair.rtcp);
  }

  private async acquireEphemeral(): Promise<Result<PortPair<S>, string>> {
    for (let n = 0; n < EPHEMERAL_ATTEMPTS; n++) {
      let probe: { socket: S; port: number };
      try {
        probe = await this.bind(0);
      } catch (e) {
        return err(`cannot bind an RTP socket: ${String(e)}`);
      }
      if (probe.port % 2 === 0) {
        const rtcp = await this.tryBind(probe.port + 1);
        if (rtcp !== undefined) {
          this.inUse.add(probe.port);
          return ok({ rtpPort: probe.port, rtp: probe.socket, rtcp });
        }
      }
      this.close(probe.socket);
    }
    return err("no even/odd ephemeral port pair found");
  }

  private async tryPair(port: number): Promise<PortPair<S> | undefined> {
    const rtp = await this.tryBind(port);
    if (rtp === undefined) return undefined;
    const rtcp = await this.tryBind(port + 1);
    if (rtcp === undefined) {
      this.close(rtp);
      return undefined;
    }
    this.inUse.add(port);
    return { rtpPort: port, rtp, rtcp };
  }

  private async tryBind(port: number): Promise<S | undefined> {
    try {
      return (await this.bind(port)).socket;
    } catch {
      return undefined;
    }
  }
}
