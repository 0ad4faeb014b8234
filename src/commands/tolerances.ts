import fs from 'node:fs';
import { UsageError } from '../errors.js';
import { DEFAULT_TOLERANCES, parseSuite, type Tolerances } from '../audit/suite.js';

/** Tolerances from a suite file when one is given, else the defaults. */
export function loadTolerances(suiteFile: string | undefined): Tolerances {
  if (!suiteFile) return DEFAULT_TOLERANCES;
  let text: string;
  try {
    text = fs.readFileSync(suiteFile, 'utf8');
  } catch {
    throw new UsageError(`cannot read the suite file ${suiteFile}`);
  }
  return parseSuite(text, suiteFile).tolerances;
}
