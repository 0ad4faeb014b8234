/**
 * The open model: arrivals follow the plan whatever the service does. The schedule is absolute
 * (arrival k is due at origin + t_k); each wake-up (a ~1 ms timer) sends everything already due,
 * so a late wake-up sends a catch-up batch and nothing is skipped. Each request carries its
 * INTENDED send time and its latency is measured from it, so a stall of the service or of the
 * generator shows up in the latency instead of silently lowering the load (coordinated
 * omission). An arrival that finds `maxInFlight` requests outstanding is dropped and counted,
 * never queued for later. A shard (worker i of N) sends arrivals k ≡ i + 1 (mod N) and keeps the
 * request mix in step with the whole plan, so N shards send exactly what one would.
 */
import { isThrottled } from './outcome.js';
import { MAX_IDLE_SLEEP_MS, pause, type ModelContext, type ModelResult, type StageCounts } from './model-context.js';
import { ArrivalCursor } from './plan.js';

export interface OpenModelOptions {
  /** Outstanding requests (of this shard) beyond which arrivals are dropped. */
  maxInFlight: number;
}

export async function runOpenModel(ctx: ModelContext, options: OpenModelOptions): Promise<ModelResult> {
  const { plan, clock, originMono, stop } = ctx;
  const shard = ctx.shard ?? 0;
  const shards = ctx.shards ?? 1;
  const seqOffset = ctx.seqOffset ?? 0;
  const cursor = new ArrivalCursor(plan, shard + 1, shards);
  const stages: StageCounts[] = plan.stages.map(() => ({ planned: 0, sent: 0, dropped: 0 }));
  const counts = { planned: 0, sent: 0, dropped: 0 };
  // The mix position of arrival k is k - 1: skip the other shards' picks.
  ctx.mix.skip(shard);
  const arrive = (intendedMono: number, k: number, st: StageCounts): void => {
    const req = ctx.mix.next();
    ctx.mix.skip(shards - 1);
    counts.planned++;
    st.planned++;
    ctx.recorder.planned(req, intendedMono);
    if (ctx.sender.inFlight >= options.maxInFlight) {
      counts.dropped++;
      st.dropped++;
      ctx.recorder.dropped(req, intendedMono);
      return;
    }
    counts.sent++;
    st.sent++;
    const sentMono = clock.now();
    ctx.recorder.sent(req, intendedMono, sentMono);
    ctx.sender.send(ctx.requests[req], (o) => ctx.recorder.completed(req, o.cls, isThrottled(o.status), intendedMono, o.endMono, sentMono, o.checkFailed === true), seqOffset + k);
  };

  while (!stop.aborted) {
    const elapsed = clock.now() - originMono;
    let due = cursor.peek();
    while (due !== null && due <= elapsed && !stop.aborted) {
      arrive(originMono + due, cursor.next, stages[cursor.stage]);
      cursor.advance();
      due = cursor.peek();
    }
    ctx.onTick(elapsed);
    if (due === null && elapsed >= plan.durationMs) break;
    const wait = (due ?? plan.durationMs) - (clock.now() - originMono);
    if (!(await pause(clock, Math.min(MAX_IDLE_SLEEP_MS, Math.max(0, wait)), stop))) break;
  }
  const plannedEnd = originMono + plan.durationMs;
  const stoppedEarly = stop.aborted && clock.now() < plannedEnd;
  return { ...counts, endMono: stoppedEarly ? clock.now() : plannedEnd, stoppedEarly, stages };
}
