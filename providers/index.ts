/**
 * The provider registry: name -> lazily imported settings schema and factory.
 * This is the only file that knows every provider; the core looks providers up here by name.
 */
import type { ProviderEntry } from '../src/provider.js';

export const providers: Record<string, ProviderEntry> = {
  local: {
    summary: 'a real autoscaled service on this machine (replica processes + an HPA-style autoscaler)',
    settings: async () => (await import('./local/settings.js')).localSettingsSchema,
    load: async () => (await import('./local/index.js')).createLocalProvider,
  },
};

export const providerNames = (): string[] => Object.keys(providers).sort();
