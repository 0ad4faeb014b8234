/**
 * The closed model: virtual users, each looping request -> response -> think time. The number
 * of users follows the plan (user i runs while the planned level is at least i); users removed
 * by a ramp down finish their current request first. Latency is measured from the actual send,
 * which is what a closed loop can measure: it backs off when the service slows, so use the open
 * model to see what real arrivals would experience.
 */
import { isThrottled, type Outcome } from './outcome.js';
import { pause, type ModelContext, type ModelResult } from './model-context.js';
import { vusAt } from './plan.js';

export interface ClosedModelOptions {
  /** Pause between a response and the user's next request. */
  thinkTimeMs: number;
}

/** How often the user count is compared with the plan. */
const CONTROL_TICK_MS = 5;

interface User {
  stopped: boolean;
}

export async function runClosedModel(ctx: ModelContext, options: ClosedModelOptions): Promise<ModelResult> {
  const { plan, clock, originMono, stop } = ctx;
  const counts = { planned: 0, sent: 0, dropped: 0 };
  const users: User[] = [];

  const iterate = async (user: User): Promise<void> => {
    while (!user.stopped && !stop.aborted) {
      const req = ctx.mix.next();
      const sentAt = clock.now();
      counts.planned++;
      counts.sent++;
      ctx.recorder.sent(req, sentAt, sentAt);
      const o = await new Promise<Outcome>((resolve) => ctx.sender.send(ctx.requests[req], resolve));
      ctx.recorder.completed(req, o.cls, isThrottled(o.status), sentAt, o.endMono);
      if (options.thinkTimeMs > 0) await pause(clock, options.thinkTimeMs, stop);
      // A failure can complete synchronously; yield so a user never starves timers and I/O.
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };

  while (!stop.aborted) {
    const elapsed = clock.now() - originMono;
    const target = elapsed >= plan.durationMs ? 0 : vusAt(plan, elapsed);
    while (users.length < target) {
      const user: User = { stopped: false };
      void iterate(user);
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
  return { ...counts, endMono: stoppedEarly ? clock.now() : plannedEnd, stoppedEarly };
}
