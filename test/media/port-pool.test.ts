import { describe, expect, test } from "bun:test";
import { PortPool } from "../../src/media/port-pool.ts";

/** A fake binder: ports in `busy` fail like EADDRINUSE; port 0 hands out `ephemeral` in turn. */
function binder(busy: Set<number>, ephemeral: number[] = []) {
  const open = new Set<number>();
  const bind = async (port: number) => {
    const p = port === 0 ? ephemeral.shift()! : port;
    if (busy.has(p) || open.has(p)) throw new Error("EADDRINUSE");
    open.add(p);
    return { socket: p, port: p };
  };
  const close = (s: number) => {
    open.delete(s);
  };
  return { bind, close, open };
}

describe("RTP port pool", () => {
  test("hands out even RTP ports with RTCP on RTP + 1, skipping pairs another process holds", async () => {
    const b = binder(new Set([20003]));
    const pool = new PortPool({ min: 20001, max: 20009 }, b.bind, b.close);
    const first = await pool.acquire();
    const second = await pool.acquire();
    expect(first.ok && [first.value.rtpPort, first.value.rtcp]).toEqual([20004, 20005]);
    expect(second.ok && second.value.rtpPort).toBe(20006);
    // 20002 was bound then released when 20003 failed: nothing leaks.
    expect(b.open.has(20002)).toBe(false);
  });

  test("reports exhaustion as a value and reuses a released pair", async () => {
    const b = binder(new Set());
    const pool = new PortPool({ min: 30000, max: 30003 }, b.bind, b.close);
    const x = await pool.acquire();
    const y = await pool.acquire();
    expect(x.ok && y.ok).toBe(true);
    const z = await pool.acquire();
    expect(z.ok).toBe(false);
    if (x.ok) pool.release(x.value);
    const again = await pool.acquire();
    expect(again.ok && again.value.rtpPort).toBe(30000);
    expect(pool.size).toBe(2);
  });

  test("with a 0/0 range it keeps asking the OS until it gets an even port with a free neighbour", async () => {
    // 39999 is odd; 40000's neighbour 40001 is taken; 40006/40007 works.
    const b2 = binder(new Set([40001]), [39999, 40000, 40006]);
    const pool2 = new PortPool({ min: 0, max: 0 }, b2.bind, b2.close);
    const r2 = await pool2.acquire();
    expect(r2.ok && r2.value.rtpPort).toBe(40006);
    expect([...b2.open].sort()).toEqual([40006, 40007]);
  });
});
