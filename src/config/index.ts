/**
 * Configuration (spec/config.md): `loadConfig` reads a TOML/YAML file plus `XBRIDGE_*`
 * overrides and returns a validated, normalised `Config` or one-line errors.
 */
export { type LoadOptions, loadConfig } from "./load.ts";
export type {
  Addr,
  CodecName,
  Config,
  ConfigResult,
  PeerConfig,
  RtpPortRange,
  ServerConfig,
  SipTransport,
  StreamEncoding,
  TlsConfig,
  TrunkConfig,
} from "./types.ts";
