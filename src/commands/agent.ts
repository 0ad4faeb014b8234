/**
 * `scaleproof agent`: one agent of a distributed run, as the pods of the run's Indexed Job start
 * it (docs/distributed.md). Everything comes from the pod's environment (JOB_COMPLETION_INDEX,
 * SCALEPROOF_AGENTS, SCALEPROOF_CONFIGMAP, SCALEPROOF_NAMESPACE) or the matching flags; the
 * run itself comes from the ConfigMap. Protocol lines go to stdout, messages to stderr.
 * SIGTERM (the Job was deleted) stops the arrivals, drains, reports and exits.
 */
import type { CommandContext } from './context.js';
import { ExitCode, UsageError } from '../errors.js';
import { VERSION } from '../version.js';

export interface AgentCommandOptions {
  index?: string;
  agents?: string;
  configMap?: string;
  namespace?: string;
  kubeconfig?: string;
  context?: string;
}

function wholeNumber(value: string | undefined, what: string, min: number): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(n) || n < min) throw new UsageError(`agent: ${what} must be a whole number ≥ ${min}, got ${value === undefined ? 'nothing' : `"${value}"`}`, 'the Job sets it; see docs/distributed.md');
  return n;
}

export async function agentCommand(opts: AgentCommandOptions, cx: CommandContext): Promise<number> {
  const env = cx.env;
  const index = wholeNumber(opts.index ?? env.JOB_COMPLETION_INDEX, '--index (JOB_COMPLETION_INDEX)', 0);
  const agents = wholeNumber(opts.agents ?? env.SCALEPROOF_AGENTS, '--agents (SCALEPROOF_AGENTS)', 1);
  const configMap = opts.configMap ?? env.SCALEPROOF_CONFIGMAP;
  if (!configMap) throw new UsageError('agent: --config-map (SCALEPROOF_CONFIGMAP) is not set', 'the Job sets it; see docs/distributed.md');
  if (index >= agents) throw new UsageError(`agent: index ${index} is not below the agent count ${agents}`);
  const { KubeJobs } = await import('../distributed/kube.js');
  const { ConfigMapControl } = await import('../distributed/agent-control.js');
  const { runAgent } = await import('../distributed/agent-runner.js');
  const namespace = opts.namespace ?? env.SCALEPROOF_NAMESPACE;
  const kube = new KubeJobs({ ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}), ...(namespace ? { namespace } : {}) }, env);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    cx.log.info(`scaleproof agent ${index} of ${agents}: reading ConfigMap ${configMap} in namespace ${kube.namespace}`);
    const result = await runAgent({ share: { index, shares: agents }, control: new ConfigMapControl(kube, configMap, cx.log), write: (s) => cx.stdout.write(s), env, signal: stop.signal, log: cx.log, version: VERSION });
    cx.log.info(result ? `agent ${index}: sent ${result.sent} of ${result.planned} planned arrivals (${result.dropped} dropped)` : `agent ${index}: stopped before the start`);
    return ExitCode.ok;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
