/** What the text reports know besides the analysis: facts from the timeline's header and target. */
import type { TargetDescription } from '../provider.js';
import type { HeaderRecord } from '../timeline/types.js';

export interface ReportContext {
  /** The timeline header (a whole HeaderRecord fits). `profile` gives the load model's unit. */
  header: Pick<HeaderRecord, 'scaleproofVersion' | 'profilePath' | 'pollIntervalMs' | 'windowMs'> & Partial<Pick<HeaderRecord, 'profile'>>;
  /** What the provider described before the run, when it did. */
  target?: TargetDescription | null;
  /** Epoch ms the report was made; left out, the report is byte-for-byte reproducible. */
  generatedAt?: number;
}

/** The unit of a load level: req/s (open model) or virtual users (closed). */
export function levelUnit(ctx: ReportContext): string {
  const model = ctx.header.profile?.load?.model;
  return model === 'closed' ? 'VUs' : model === 'open' ? 'req/s' : '';
}
