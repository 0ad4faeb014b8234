/**
 * The closed model: virtual users, each looping request -> response -> think time. The number
 * of users follows the plan (user i runs while the planned level is at least i); users removed
 * by a ramp down finish their current request first. Latency is measured from the actual send,
 * which is what a closed loop can measure: it backs off when the service slows, so use the open
 * model to see what real arrivals would experience. A shard (worker i of N) runs users
 * j ≡ i (mod N).
 */
import { isThrottled, type Outcome } from './outcome.js';
import type { PreparedRequest } from './request-options.js';
import type { Vars } from './scenario/user-setup.js';
import { pause, type ModelContext, type ModelResult, type StageCounts } from './model-context.js';
import { shardVus, vusAt } from './plan.js';

export interface ClosedModelOptions {
  /** Pause between a response and the user's next request. */
  thinkTimeMs: number;
}

/** How often the user count is compared with the plan. */
const CONTROL_TICK_MS = 5;

interface User {
  stopped: boolean;
  /** The requests as this user sends them (its own captured values with `setup.per: user`). */
  requests: readonly PreparedRequest[];
}

export async function runClosedModel(ctx: ModelContext, options: ClosedModelOptions): Promise<ModelResult> {
  const { plan, clock, originMono, stop } = ctx;
  const shard = ctx.shard ?? 0;
  const shards = ctx.shards ?? 1;
  const counts = { planned: 0, sent: 0, dropped: 0 };
  const stages: StageCounts[] = plan.stages.map(() => ({ planned: 0, sent: 0, dropped: 0 }));
  const users: User[] = [];
  let seq = (ctx.seqOffset ?? 0) + shard;

  const stageAt = (elapsed: number): StageCounts | undefined => {
    let i = plan.stages.length - 1;
    while (i > 0 && plan.stages[i].startMs > elapsed) i--;
    return stages[i];
  };
  // Callbacks, not async/await: no promise per request. A response that completes synchronously
  // (a failure) continues on the next turn, so a user never starves timers and I/O.
  /** Counts and records one request of a user; returns its send time. */
  const start = (key: number): number => {
    const sentAt = clock.now();
    counts.planned++;
    counts.sent++;
    const st = stageAt(sentAt - originMono);
    if (st) (st.planned++, st.sent++);
    ctx.recorder.sent(key, sentAt, sentAt);
    seq += shards;
    return sentAt;
  };
  const iterate = (user: User): void => {
    if (user.stopped || stop.aborted) return;
    const req = ctx.mix.next();
    const sentAt = start(req);
    let sync = true;
    ctx.sender.send(
      user.requests[req],
      (o: Outcome) => {
        ctx.recorder.completed(req, o.cls, isThrottled(o.status), sentAt, o.endMono, sentAt, o.checkFailed === true);
        if (options.thinkTimeMs > 0) void pause(clock, options.thinkTimeMs, stop).then(() => iterate(user));
        else if (sync) setImmediate(iterate, user);
        else iterate(user);
      },
      seq,
    );
    sync = false;
  };

  // Setup per user: step k with the values captured so far; a failure starts over after a pause.
  const setup = (user: User, k: number, vars: Vars): void => {
    const us = ctx.userSetup;
    if (!us || user.stopped || stop.aborted) return;
    const step = us.step(k, vars);
    const key = us.firstKey + k;
    const sentAt = start(key);
    ctx.sender.send(
      step.request,
      (o: Outcome) => {
        ctx.recorder.completed(key, o.cls, isThrottled(o.status), sentAt, o.endMono, sentAt, o.checkFailed === true);
        if (o.cls !== 'ok' || o.checkFailed) return void pause(clock, us.retryMs, stop).then(() => setup(user, 0, {}));
        const next = { ...vars, ...step.captured() };
        if (k + 1 < us.steps) setImmediate(setup, user, k + 1, next);
        else {
          user.requests = us.requestsFor(next);
          setImmediate(iterate, user);
        }
      },
      seq,
    );
  };
  const begin = (user: User): void => (ctx.userSetup ? setup(user, 0, {}) : iterate(user));

  while (!stop.aborted) {
    const elapsed = clock.now() - originMono;
    const target = elapsed >= plan.durationMs ? 0 : shardVus(vusAt(plan, elapsed), shard, shards);
    while (users.length < target) {
      const user: User = { stopped: false, requests: ctx.requests };
      begin(user);
      users.push(user);
    }
    while (users.length > target) (users.pop() as User).stopped = true;
    ctx.onTick(elapsed);
    if (elapsed >= plan.durationMs) break;
    if (!(await pause(clock, Math.min(CONTROL_TICK_MS, plan.durationMs - elapsed), stop))) break;
  }
  for (const u of users) u.stopped = true;
  const plannedEnd = originMono + plan.durationMs;
  const stoppedEarly = stop.aborted && clock.now() < plannedEnd;
  return { ...counts, endMono: stoppedEarly ? clock.now() : plannedEnd, stoppedEarly, stages };
}
