/**
 * Appends timeline records to `timeline.ndjson` as the run goes. Lines are buffered and
 * written at least every `flushMs` (default 250 ms), with synchronous writes so a flush from a
 * signal handler or an exit hook completes: a crash loses at most the last flush interval, and
 * a `process.exit()` (a second Ctrl-C) still writes what is buffered plus the `onExit` record.
 */
import fs from 'node:fs';
import type { TimelineRecord } from './types.js';

export interface TimelineWriterOptions {
  flushMs?: number;
  /** Applied to every serialized line before it is written (secret redaction). */
  scrub?: (line: string) => string;
  /** When the process exits with the writer still open: the last record to write (e.g. the end record). */
  onExit?: () => TimelineRecord | null;
}

export class TimelineWriter {
  readonly path: string;
  #fd: number | null;
  #buffer: string[] = [];
  #timer: NodeJS.Timeout | null;
  #listeners: Array<(r: TimelineRecord) => void> = [];
  readonly #scrub: (line: string) => string;
  readonly #onExit: (() => TimelineRecord | null) | undefined;
  /** A write that failed in the background flush, raised by the next flush() or close(). */
  #error: unknown = null;
  readonly #exitHook = (): void => {
    try {
      const last = this.#onExit?.();
      if (last) this.append(last);
      this.close();
    } catch {
      // exiting: nothing more can be done
    }
  };

  constructor(path: string, options: TimelineWriterOptions = {}) {
    this.path = path;
    this.#scrub = options.scrub ?? ((l) => l);
    this.#onExit = options.onExit;
    this.#fd = fs.openSync(path, 'a');
    this.#timer = setInterval(() => this.#backgroundFlush(), options.flushMs ?? 250);
    this.#timer.unref();
    process.on('exit', this.#exitHook);
  }

  get closed(): boolean {
    return this.#fd === null;
  }

  /** Queue one record; listeners (live progress, the kill switch) see it at once. */
  append(record: TimelineRecord): void {
    if (this.#fd === null) return; // closed: late records from a shutting-down provider are dropped
    this.#buffer.push(this.#scrub(JSON.stringify(record)));
    for (const l of this.#listeners) {
      try {
        l(record);
      } catch {
        // a listener must not break the timeline
      }
    }
  }

  onRecord(listener: (r: TimelineRecord) => void): void {
    this.#listeners.push(listener);
  }

  flush(): void {
    if (this.#error !== null) {
      const err = this.#error;
      this.#error = null;
      throw err;
    }
    if (this.#fd === null || this.#buffer.length === 0) return;
    const chunk = this.#buffer.join('\n') + '\n';
    this.#buffer = [];
    fs.writeSync(this.#fd, chunk);
  }

  #backgroundFlush(): void {
    try {
      this.flush();
    } catch (err) {
      this.#error ??= err;
    }
  }

  close(): void {
    if (this.#fd === null) return;
    process.off('exit', this.#exitHook);
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    try {
      this.flush();
      fs.fsyncSync(this.#fd);
    } finally {
      fs.closeSync(this.#fd);
      this.#fd = null;
    }
  }
}
