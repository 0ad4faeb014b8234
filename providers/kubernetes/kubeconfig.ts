/**
 * Find and load the kubeconfig the way kubectl does: `settings.kubeconfig`, else every file in
 * $KUBECONFIG merged (the first file to set a value wins), else ~/.kube/config, else the
 * in-cluster service account. Then pick the context (settings.context or the current one).
 * Every failure is a `config` ProviderError that names what was tried.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig, type User } from '@kubernetes/client-node';
import { ProviderError } from '../../src/errors.js';
import { PROVIDER, type CredentialChain } from './errors.js';

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface LoadedKubeConfig {
  kc: KubeConfig;
  chain: CredentialChain;
  /** Namespace of the context, when it sets one. */
  contextNamespace?: string;
}

function describeAuth(user: User | null, inCluster: boolean): string {
  if (inCluster) return 'service account token';
  if (!user) return 'no user';
  if (user.exec) {
    const cmd = String((user.exec as { command?: string }).command ?? 'exec');
    const args = ((user.exec as { args?: string[] }).args ?? []).filter((a) => !a.startsWith('-')).slice(0, 3).join(' ');
    return `exec plugin ${path.basename(cmd)}${args ? ` ${args}` : ''}`;
  }
  if (user.authProvider) return `auth-provider ${String((user.authProvider as { name?: string }).name ?? '')}`.trim();
  if (user.token) return 'bearer token';
  if (user.certData || user.certFile) return 'client certificate';
  if (user.username) return 'basic auth';
  return 'no credentials';
}

function loadFile(kc: KubeConfig, file: string, what: string): void {
  try {
    kc.loadFromFile(file);
  } catch (err) {
    const msg = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ProviderError(PROVIDER, 'config', `cannot read the kubeconfig ${file} (${what}): ${msg}`, { hint: 'check the path, or unset it to use ~/.kube/config', cause: err });
  }
}

/** Merge like kubectl: entries already defined by an earlier file are kept. */
function mergeInto(kc: KubeConfig, extra: KubeConfig): void {
  if (!kc.currentContext && extra.currentContext) kc.setCurrentContext(extra.currentContext);
  for (const c of extra.clusters) if (!kc.clusters.some((x) => x.name === c.name)) kc.addCluster(c);
  for (const u of extra.users) if (!kc.users.some((x) => x.name === u.name)) kc.addUser(u);
  for (const c of extra.contexts) if (!kc.contexts.some((x) => x.name === c.name)) kc.addContext(c);
}

export function loadKubeConfig(settings: { kubeconfig?: string; context?: string }, env: Readonly<Record<string, string | undefined>>): LoadedKubeConfig {
  const kc = new KubeConfig();
  let source: string;
  let inCluster = false;
  if (settings.kubeconfig) {
    const file = path.resolve(settings.kubeconfig.replace(/^~(?=$|\/)/, env.HOME ?? os.homedir()));
    loadFile(kc, file, 'settings.kubeconfig');
    source = `kubeconfig ${file} (settings.kubeconfig)`;
  } else if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(path.delimiter).filter(Boolean);
    const present = files.filter((f) => fs.existsSync(f));
    if (present.length === 0) throw new ProviderError(PROVIDER, 'config', `none of the files in $KUBECONFIG exist (${files.join(path.delimiter)})`, { hint: 'fix $KUBECONFIG or set provider.settings.kubeconfig' });
    loadFile(kc, present[0]!, '$KUBECONFIG');
    for (const f of present.slice(1)) {
      const extra = new KubeConfig();
      loadFile(extra, f, '$KUBECONFIG');
      mergeInto(kc, extra);
    }
    source = `$KUBECONFIG (${present.join(path.delimiter)})`;
  } else {
    const home = env.HOME ?? os.homedir();
    const file = path.join(home, '.kube', 'config');
    if (fs.existsSync(file)) {
      loadFile(kc, file, 'default location');
      source = `kubeconfig ${file}`;
    } else if (fs.existsSync(SA_TOKEN) && env.KUBERNETES_SERVICE_HOST) {
      kc.loadFromCluster();
      source = 'the in-cluster service account';
      inCluster = true;
    } else {
      throw new ProviderError(PROVIDER, 'config', `no kubeconfig found: provider.settings.kubeconfig is not set, $KUBECONFIG is empty, ${file} does not exist, and this is not a pod with a service account`, {
        hint: 'set provider.settings.kubeconfig, or get credentials for the cluster (e.g. `gcloud container clusters get-credentials`, `aws eks update-kubeconfig`, `az aks get-credentials`)',
      });
    }
  }
  if (settings.context) {
    if (!kc.getContextObject(settings.context)) {
      const have = kc.getContexts().map((c) => c.name);
      throw new ProviderError(PROVIDER, 'config', `context "${settings.context}" is not in ${source} (contexts: ${have.join(', ') || 'none'})`, { hint: 'list them with `kubectl config get-contexts`' });
    }
    kc.setCurrentContext(settings.context);
  }
  const context = kc.getCurrentContext();
  const ctxObj = context ? kc.getContextObject(context) : null;
  if (!ctxObj) {
    throw new ProviderError(PROVIDER, 'config', `${source} has no current context`, { hint: 'set provider.settings.context, or `kubectl config use-context <name>`' });
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ProviderError(PROVIDER, 'config', `context "${context}" in ${source} names cluster "${ctxObj.cluster}", which is not defined there`);
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    throw new ProviderError(PROVIDER, 'config', `cluster "${cluster.name}" uses plain HTTP (${cluster.server}), which the Kubernetes client refuses unless insecure-skip-tls-verify is set`, {
      hint: 'set `insecure-skip-tls-verify: true` on that cluster entry (only for a local proxy or fake), or use the https endpoint',
    });
  }
  const user = kc.getCurrentUser();
  const chain: CredentialChain = { source, context, user: user?.name ?? ctxObj.user ?? '(none)', auth: describeAuth(user, inCluster), server: cluster.server };
  return { kc, chain, ...(ctxObj.namespace ? { contextNamespace: ctxObj.namespace } : {}) };
}
