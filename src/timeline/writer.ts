/**
 * Appends timeline records to `timeline.ndjson` as the run goes. Lines are buffered and
 * written at least every `flushMs` (default 250 ms), with synchronous writes so a flush from a
 * signal handler or an exit hook completes: a crash loses at most the last flush interval.
 */
import fs from 'node:fs';
import type { TimelineRecord } from './types.js';

export class TimelineWriter {
  readonly path: string;
  #fd: number | null;
  #buffer: string[] = [];
  #timer: NodeJS.Timeout | null;
  #listeners: Array<(r: TimelineRecord) => void> = [];

  constructor(path: string, options: { flushMs?: number } = {}) {
    this.path = path;
    this.#fd = fs.openSync(path, 'a');
    this.#timer = setInterval(() => this.flush(), options.flushMs ?? 250);
    this.#timer.unref();
  }

  /** Queue one record; listeners (live progress) see it at once. */
  append(record: TimelineRecord): void {
    if (this.#fd === null) return; // closed: late records from a shutting-down provider are dropped
    this.#buffer.push(JSON.stringify(record));
    for (const l of this.#listeners) l(record);
  }

  onRecord(listener: (r: TimelineRecord) => void): void {
    this.#listeners.push(listener);
  }

  flush(): void {
    if (this.#fd === null || this.#buffer.length === 0) return;
    const chunk = this.#buffer.join('\n') + '\n';
    this.#buffer = [];
    fs.writeSync(this.#fd, chunk);
  }

  close(): void {
    if (this.#fd === null) return;
    this.flush();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    fs.fsyncSync(this.#fd);
    fs.closeSync(this.#fd);
    this.#fd = null;
  }
}
