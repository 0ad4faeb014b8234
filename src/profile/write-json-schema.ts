/**
 * Build tool: writes schema/profile.schema.json from the zod schemas of the profile and of every
 * provider in the registry. Run with `npm run schema` (`tsx src/profile/write-json-schema.ts`);
 * a unit test fails when the committed file differs from what this produces.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ZodType } from 'zod';
import { providers } from '../../providers/index.js';
import { profileJsonSchemaText } from './json-schema.js';

export const SCHEMA_FILE = fileURLToPath(new URL('../../schema/profile.schema.json', import.meta.url));

/** The text schema/profile.schema.json must hold for the providers registered now. */
export async function generateProfileJsonSchema(): Promise<string> {
  const entries = await Promise.all(Object.entries(providers).map(async ([name, entry]) => [name, await entry.settings()] as const));
  return profileJsonSchemaText(Object.fromEntries(entries) as Record<string, ZodType>);
}

async function main(): Promise<void> {
  await writeFile(SCHEMA_FILE, await generateProfileJsonSchema());
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
