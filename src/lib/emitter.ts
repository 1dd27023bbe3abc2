/**
 * A minimal typed event emitter: `Emitter<{ ended: EndedEvent }>`. Listeners run synchronously
 * in subscription order; a throwing listener is isolated so the others still run.
 */
export type Listener<T> = (payload: T) => void;

export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners: { [K in keyof Events]?: Listener<Events[K]>[] } = {};

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): () => void {
    let list = this.listeners[event];
    if (list === undefined) {
      list = [];
      this.listeners[event] = list;
    }
    list.push(fn);
    return () => this.off(event, fn);
  }

  off<K extends keyof Events>(event: K, fn: Listener<Events[K]>): void {
    const list = this.listeners[event];
    if (list === undefined) return;
    const i = list.indexOf(fn);
    if (i >= 0) list.splice(i, 1);
  }

  /** Calls every listener; returns the errors thrown by listeners (normally none). */
  emit<K extends keyof Events>(event: K, payload: Events[K]): unknown[] {
    const list = this.listeners[event];
    if (list === undefined || list.length === 0) return [];
    const errors: unknown[] = [];
    for (const fn of list.slice()) {
      try {
        fn(payload);
      } catch (e) {
        errors.push(e);
      }
    }
    return errors;
  }
}
