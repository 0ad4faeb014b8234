import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildProfileJsonSchema, profileJsonSchemaText } from '../../../src/profile/json-schema.js';
import { generateProfileJsonSchema, SCHEMA_FILE } from '../../../src/profile/write-json-schema.js';

type Json = Record<string, any>;

describe('profile JSON Schema', () => {
  it('the committed schema/profile.schema.json is what the generator produces (run `npm run schema` after a schema change)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await generateProfileJsonSchema());
  });

  it('describes the input a user writes: durations and percentages as text with a pattern', () => {
    const s = buildProfileJsonSchema({}) as Json;
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const stage = s.properties.load.properties.stages.items;
    expect(stage.properties.duration).toMatchObject({ type: 'string', pattern: expect.stringContaining('ms|s|m|h') });
    expect(stage.additionalProperties).toBe(false);
    expect(s.properties.load.required).toEqual(['stages']);
    expect(JSON.stringify(s.properties.targets.properties.error_rate)).toContain('%$');
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.provider.allOf).toBeUndefined();
  });

  it('checks provider.settings against the schema of the provider named', () => {
    const dur = z.string().regex(/^\d+s$/);
    const shared = z.object({ a: z.string() }).meta({ id: 'Shared' });
    const s = buildProfileJsonSchema({
      zeta: z.strictObject({ region: z.string(), every: dur.transform((v) => Number(v.slice(0, -1))) }),
      alpha: z.strictObject({ x: shared, y: shared }),
    }) as Json;
    const provider = s.properties.provider;
    expect(provider.properties.name.enum).toEqual(['alpha', 'zeta']);
    expect(provider.allOf.map((b: Json) => b.if.properties.name.const)).toEqual(['alpha', 'zeta']);
    const zeta = provider.allOf[1].then.properties.settings;
    expect(zeta).toMatchObject({ type: 'object', required: ['region', 'every'], additionalProperties: false });
    expect(zeta.properties.every).toMatchObject({ type: 'string' });
    expect(zeta.$schema).toBeUndefined();
    // A provider's own $defs move to the root under its name, and its refs follow.
    expect(JSON.stringify(provider.allOf[0])).toContain('"$ref":"#/$defs/alpha.Shared"');
    expect(s.$defs['alpha.Shared']).toMatchObject({ type: 'object' });
  });

  it('the file text is stable JSON with a final newline', () => {
    const text = profileJsonSchemaText({});
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(buildProfileJsonSchema({}));
  });
});
