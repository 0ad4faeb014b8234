/**
 * The published JSON Schema of a profile (schema/profile.schema.json), generated from the zod
 * schema so it cannot drift: editors get completion and checks for the YAML a user writes
 * (`90s`, `1%`), and `provider.settings` is checked against the schema of the provider named.
 */
import { z, type ZodType } from 'zod';
import { profileSchema } from './schema.js';

type JsonObject = Record<string, unknown>;

/** `providerSchemas`: provider name -> zod schema of its `provider.settings`. */
export function buildProfileJsonSchema(providerSchemas: Readonly<Record<string, ZodType>>): JsonObject {
  const root = toJson(profileSchema);
  const names = Object.keys(providerSchemas).sort();
  const defs: JsonObject = { ...((root.$defs as JsonObject | undefined) ?? {}) };
  const provider = (root.properties as Record<string, JsonObject>).provider;
  const props = provider.properties as Record<string, JsonObject>;
  if (names.length) {
    props.name = { ...props.name, enum: names };
    provider.allOf = names.map((name) => ({
      if: { properties: { name: { const: name } }, required: ['name'] },
      then: { properties: { settings: hoistDefs(toJson(providerSchemas[name]), name, defs) } },
    }));
  }
  const out: JsonObject = {
    $schema: root.$schema,
    title: 'scaleproof profile',
    description: 'What load to apply, which platform to watch, and what counts as success. Generated from src/profile/schema.ts by `npm run schema`: do not edit.',
  };
  for (const [k, v] of Object.entries(root)) if (k !== '$schema' && k !== '$defs') out[k] = v;
  if (Object.keys(defs).length) out.$defs = defs;
  return out;
}

/** The file's exact text: stable key order, two-space indent, final newline. */
export function profileJsonSchemaText(providerSchemas: Readonly<Record<string, ZodType>>): string {
  return `${JSON.stringify(buildProfileJsonSchema(providerSchemas), null, 2)}\n`;
}

/** The input side: what a user writes, before durations become ms and percentages fractions. */
function toJson(schema: ZodType): JsonObject {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonObject;
}

/**
 * A provider schema converted on its own may carry `$defs` referenced as `#/$defs/X`; nested
 * in the profile those refs would point at the root, so move them there as `<provider>.X`.
 */
function hoistDefs(schema: JsonObject, provider: string, rootDefs: JsonObject): JsonObject {
  const { $schema: _drop, $defs, ...rest } = schema;
  const local = ($defs as JsonObject | undefined) ?? {};
  const rename = (ref: string) => ref.replace(/^#\/\$defs\//, `#/$defs/${provider}.`);
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === '$ref' && typeof x === 'string' ? rename(x) : rewrite(x)]));
  };
  for (const [k, v] of Object.entries(local)) rootDefs[`${provider}.${k}`] = rewrite(v);
  return rewrite(rest) as JsonObject;
}
