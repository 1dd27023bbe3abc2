/**
 * Bun 1.4.5 calls a UDP socket's `error` handler with the Error as its only argument, although
 * its type declarations say `(socket, error)`. This picks the error out of either shape so log
 * lines name it.
 */
export function socketErrorText(...args: unknown[]): string {
  const e = args.find((a) => a instanceof Error) ?? args[args.length - 1];
  return e instanceof Error ? e.message : String(e);
}
