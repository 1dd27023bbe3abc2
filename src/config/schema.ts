/**
 * The file tree of spec/config.md §2 as one zod schema: types, defaults and unknown-key
 * rejection (every object is strict, so a typo names the key). Value rules that need more
 * than a type (addresses, CIDRs, durations, cross-key rules) are checked in `validate.ts`.
 */
import { z } from "zod";

const port = z.number().int().min(0).max(65535);

const sipFields = {
  username: z.string().optional(),
  password: z.string().optional(),
  host: z.string().optional(),
  transport: z.enum(["udp", "tcp", "tls"]).optional(),
  rtp_port_min: port.optional(),
  rtp_port_max: port.optional(),
  srtp: z.boolean().optional(),
  stun_server: z.string().optional(),
};

export const rawConfigSchema = z.strictObject({
  listen: z.strictObject({ http: z.string().optional() }).optional(),
  sip: z.strictObject(sipFields).optional(),
  trunks: z.array(z.strictObject({ name: z.string(), ...sipFields })).optional(),
  server: z
    .strictObject({
      listen: z.string().optional(),
      rtp_port_min: port.optional(),
      rtp_port_max: port.optional(),
      rtp_address: z.string().optional(),
      peers: z
        .array(
          z.strictObject({
            name: z.string(),
            host: z.string().optional(),
            hosts: z.array(z.string()).optional(),
            port: z.number().int().min(1).max(65535).optional(),
            auth: z
              .strictObject({ username: z.string().optional(), password: z.string().optional() })
              .optional(),
            codecs: z.array(z.string()).optional(),
            rtp_address: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  webhook: z
    .strictObject({
      url: z.string().optional(),
      timeout: z.string().optional(),
      retry: z.number().int().min(0).max(10).optional(),
    })
    .optional(),
  stream: z
    .strictObject({
      encoding: z.enum(["audio/x-mulaw", "audio/x-l16"]).optional(),
      sample_rate: z.number().int().optional(),
    })
    .optional(),
  auth: z.strictObject({ api_key: z.string().optional() }).optional(),
  rate_limit: z.strictObject({ requests_per_second: z.number().int().optional() }).optional(),
  tls: z.strictObject({ cert: z.string().optional(), key: z.string().optional() }).optional(),
});

export type RawConfig = z.infer<typeof rawConfigSchema>;
export type RawSip = NonNullable<RawConfig["sip"]>;
export type RawPeer = NonNullable<NonNullable<RawConfig["server"]>["peers"]>[number];
