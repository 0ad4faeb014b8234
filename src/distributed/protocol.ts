/**
 * What an agent writes on stdout, one JSON object per line, and the coordinator reads back
 * through the pod log (pods/{name}/log?follow=true). Only lines that parse as this protocol
 * count; anything else (a stray warning) is ignored.
 *
 *   {"sp":1,"type":"ready",…}      connections open, waiting for the start instant
 *   {"sp":1,"type":"part",…}       one closed window: counters + HdrHistograms (compressed base64, µs)
 *   {"sp":1,"type":"done",…}       the share ended (planned/sent/dropped per stage)
 *   {"sp":1,"type":"error",…}      the agent failed; the message says why
 */
import type { TlsOptions } from '../load/http-client.js';
import type { StageCounts } from '../load/model-context.js';
import type { WindowPart } from '../load/window-parts.js';
import type { LoadSpec } from '../profile/schema.js';

export const PROTOCOL = 1;

/** Keys of the run ConfigMap. */
export const CONFIG_KEY = 'config.json';
export const START_KEY = 'start-at';
export const STOP_KEY = 'stop';

/** What the coordinator hands every agent (the ConfigMap's config.json). */
export interface AgentConfig {
  protocol: number;
  /** scaleproof version of the coordinator (an agent of another version warns). */
  version: string;
  runId: string;
  agents: number;
  baseUrl: string;
  /** The validated load section (durations already in ms). */
  load: LoadSpec;
  /** TLS settings, the custom CA already read (agents do not have the file). */
  tls?: TlsOptions;
  drainMs: number;
}

export interface AgentResult {
  planned: number;
  sent: number;
  dropped: number;
  stoppedEarly: boolean;
  stages: StageCounts[];
  connects: number;
  /** Epoch ms where the share's load ended (planned end or stop). */
  endWall: number;
}

export type AgentLine =
  | { sp: number; type: 'ready'; index: number; agents: number; version: string }
  | { sp: number; type: 'start'; index: number; startAtWall: number; lateMs: number }
  | { sp: number; type: 'part'; index: number; part: WindowPart }
  | { sp: number; type: 'done'; index: number; result: AgentResult }
  | { sp: number; type: 'error'; index: number; message: string };

export function encodeLine(line: AgentLine): string {
  return `${JSON.stringify(line)}\n`;
}

const TYPES = new Set(['ready', 'start', 'part', 'done', 'error']);

/** A protocol line, or null for anything else. */
export function parseLine(text: string): AgentLine | null {
  const s = text.trim();
  if (!s.startsWith('{"sp":')) return null;
  try {
    const o = JSON.parse(s) as Partial<AgentLine>;
    if (o.sp !== PROTOCOL || typeof o.type !== 'string' || !TYPES.has(o.type) || typeof o.index !== 'number') return null;
    if (o.type === 'part' && !isPart((o as { part?: unknown }).part)) return null;
    return o as AgentLine;
  } catch {
    return null;
  }
}

function isPart(p: unknown): p is WindowPart {
  const w = p as Partial<WindowPart> | null;
  return !!w && typeof w.index === 'number' && !!w.all && Array.isArray(w.keys) && Array.isArray(w.inFlight);
}

/** Splits a byte stream into lines (a chunk may end mid-line). */
export class LineSplitter {
  #rest = '';
  push(chunk: string, onLine: (line: string) => void): void {
    const text = this.#rest + chunk;
    const lines = text.split('\n');
    this.#rest = lines.pop() ?? '';
    for (const l of lines) if (l) onLine(l);
  }
  flush(onLine: (line: string) => void): void {
    if (this.#rest) onLine(this.#rest);
    this.#rest = '';
  }
}
