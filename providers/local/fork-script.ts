/**
 * Finds a child script next to the calling module and the node flags to run it. scaleproof runs
 * from compiled dist/ (`platform.js`) in production and from source under tsx or vitest
 * (`platform.ts`) in tests: the child takes the caller's extension, and a .ts child gets tsx's
 * loader, resolved from this package so it works whatever the current directory is.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

export interface ChildScript {
  /** Absolute path of the script to fork. */
  file: string;
  /** `execArgv` for `fork()`. */
  execArgv: string[];
}

/** `callerUrl` is the caller's `import.meta.url`; `baseName` the script name without extension. */
export function childScript(callerUrl: string, baseName: string): ChildScript {
  const callerFile = fileURLToPath(callerUrl);
  const ext = path.extname(callerFile); // '.js' from dist, '.ts' from source
  const file = path.join(path.dirname(callerFile), `${baseName}${ext}`);
  if (ext !== '.ts') return { file, execArgv: [] };
  const tsxLoader = createRequire(callerUrl).resolve('tsx');
  return { file, execArgv: ['--import', pathToFileURL(tsxLoader).href] };
}
