/**
 * The dead-letter queue (spec/webhooks.md §5): lifecycle events whose every attempt failed.
 * In-memory FIFO of at most 1000 entries; pushing into a full queue evicts the oldest, so
 * memory stays bounded however long the app is down. Nothing is re-sent from here; the API
 * lists it (non-destructive) and drains it (rest-api.md "/v1/webhooks/failures").
 */
import type { EventBody } from "./event-body.ts";

const DLQ_CAPACITY = 1000;

/** One entry, serialized as is by `GET /v1/webhooks/failures`. */
export interface DeadLetterEntry {
  /** The exact body that was being sent. */
  readonly event: EventBody;
  /** The global or per-call URL it was sent to. */
  readonly url: string;
  /** Last failure: `"HTTP <status>"`, `"timeout"`, `"connection refused"`… */
  readonly error: string;
  /** Attempts made (1 + `webhook.retry`; 0 when the send queue was full). */
  readonly attempts: number;
  /** When it was dead-lettered, `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly timestamp: string;
}

export interface DeadLetterQueueOptions {
  readonly capacity?: number;
  /** Told the new length after every change (`xbridge_webhook_dlq_entries`). */
  readonly onLength?: (length: number) => void;
}

export class DeadLetterQueue {
  private entries: DeadLetterEntry[] = [];
  private readonly capacity: number;
  private readonly onLength: (length: number) => void;

  constructor(opts: DeadLetterQueueOptions = {}) {
    this.capacity = Math.max(1, opts.capacity ?? DLQ_CAPACITY);
    this.onLength = opts.onLength ?? (() => {});
  }

  /** Appends `entry`; returns the entry evicted to make room, if any. */
  push(entry: DeadLetterEntry): DeadLetterEntry | undefined {
    const evicted = this.entries.length >= this.capacity ? this.entries.shift() : undefined;
    this.entries.push(entry);
    this.onLength(this.entries.length);
    return evicted;
  }

  /** Oldest first; a copy, so the caller cannot edit the queue. */
  list(): DeadLetterEntry[] {
    return this.entries.slice();
  }

  /** Removes every entry and returns how many there were. */
  drain(): number {
    const n = this.entries.length;
    this.entries = [];
    this.onLength(0);
    return n;
  }

  get length(): number {
    return this.entries.length;
  }
}
