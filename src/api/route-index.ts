/**
 * Which methods each registered route path answers, built once from the Hono app's route list
 * after every route module has run. Hono itself only knows "no handler matched"; this index
 * tells a known path with the wrong method (405 with `Allow`, rest-api.md §1.4) from an unknown
 * route (404), and lets the HTTP metrics skip unknown routes (rest-api.md "GET /metrics").
 */

import { TrieRouter } from "hono/router/trie-router";
import type { RouterRoute } from "hono/types";

export class RouteIndex {
  private router = new TrieRouter<readonly string[]>();

  /** Indexes `routes`; entries registered for every method (middleware, `app.use`) are skipped. */
  load(routes: readonly RouterRoute[]): void {
    const byPath = new Map<string, Set<string>>();
    for (const r of routes) {
      if (r.method === "ALL") continue;
      const methods = byPath.get(r.path) ?? new Set<string>();
      methods.add(r.method);
      // Hono answers HEAD with the GET handler (body stripped).
      if (r.method === "GET") methods.add("HEAD");
      byPath.set(r.path, methods);
    }
    this.router = new TrieRouter<readonly string[]>();
    for (const [path, methods] of byPath) this.router.add("ALL", path, [...methods]);
  }

  /** Methods registered for `path`, empty for an unknown route. */
  methodsFor(path: string): readonly string[] {
    const found = new Set<string>();
    for (const [methods] of this.router.match("ALL", path)[0]) for (const m of methods) found.add(m);
    return [...found];
  }

  isKnown(path: string): boolean {
    return this.router.match("ALL", path)[0].length > 0;
  }
}
