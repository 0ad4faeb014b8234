/** The capacity planner: pure inputs resolution, planning and rendering. */
export type * from './types.js';
export { planCapacity, ceilUp } from './plan.js';
export { resolvePlanInputs, PLAN_DEFAULTS, type PlanFlags, type MeasuredCapacity, type Resolved } from './inputs.js';
export { renderPlanMarkdown, renderPlanText } from './render.js';
export { parsePlanArgs, type PlanArgs } from './args.js';
