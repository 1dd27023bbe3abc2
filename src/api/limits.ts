/** Request bounds of the HTTP API (spec/rest-api.md: "Request bodies larger than 10 MiB → 413"). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
