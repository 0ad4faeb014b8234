/**
 * Reads a profile file and validates it, reporting EVERY problem at once, each at its
 * file:line:column: YAML syntax, the profile schema, and the provider's own settings schema.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isAlias, visit, type Document } from 'yaml';
import type { ZodType } from 'zod';
import { ProfileError, UsageError, type ProfileIssue } from '../errors.js';
import { closest, issueTexts, type IssueText, type ZodIssueLike } from './issue-messages.js';
import { formatPath, locate } from './locate.js';
import { profileSchema, type Profile } from './schema.js';

export interface LoadProfileOptions {
  /** Every provider the registry knows, for "unknown provider" messages. */
  providerNames: readonly string[];
  /** The zod schema of `provider.settings` for that provider; undefined skips the check. */
  providerSettings(name: string): Promise<ZodType | undefined>;
}

/** Reads and validates a profile. Missing file: UsageError. Invalid profile: ProfileError. */
export async function loadProfile(file: string, opts: LoadProfileOptions): Promise<Profile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`profile not found: ${file}`, 'check the path, or start from one in profiles/');
    if (code === 'EISDIR') throw new UsageError(`${file} is a folder, not a profile file`);
    throw new UsageError(`cannot read profile ${file}: ${(err as Error).message}`);
  }
  return parseProfile(text, file, opts);
}

/** Validates profile text; `file` only names it in messages. */
export async function parseProfile(text: string, file: string, opts: LoadProfileOptions): Promise<Profile> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    throw new ProfileError(
      file,
      doc.errors.map((e) => ({ path: '', ...position(lines, e.pos[0]), message: `YAML syntax: ${e.message}` })),
    );
  }
  const data = toData(doc, lines, file);
  if (data === null || data === undefined) {
    throw new ProfileError(file, [{ path: '', line: 1, column: 1, message: 'the file is empty: a profile needs a load, a provider, or both' }]);
  }

  const texts: IssueText[] = [];
  const parsed = profileSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) for (const issue of parsed.error.issues) texts.push(...issueTexts(issue as ZodIssueLike, profileSchema));
  texts.push(...(await providerIssues(data, opts)));

  if (texts.length || !parsed.success) throw new ProfileError(file, toProfileIssues(texts, doc, lines));
  return parsed.data;
}

/** Checks provider.name against the registry and provider.settings against that provider's schema. */
async function providerIssues(data: unknown, opts: LoadProfileOptions): Promise<IssueText[]> {
  const provider = asRecord(asRecord(data)?.provider);
  const name = provider?.name;
  if (typeof name !== 'string') return [];
  if (!opts.providerNames.includes(name)) {
    const guess = closest(name, opts.providerNames);
    const message = `unknown provider "${name}"${guess ? `; did you mean "${guess}"?` : ''} (available: ${opts.providerNames.join(', ') || 'none'})`;
    return [{ path: ['provider', 'name'], message, atKey: false, authored: true }];
  }
  const schema = await opts.providerSettings(name);
  const settings = provider?.settings ?? {};
  if (!schema || !asRecord(settings)) return []; // a non-mapping is reported by the profile schema
  const result = schema.safeParse(settings, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.flatMap((issue) =>
    issueTexts(issue as ZodIssueLike, schema).map((t) => ({ ...t, path: ['provider', 'settings', ...t.path] })),
  );
}

/** Positions each message in the file; drops a reworded default where the schema also spoke. */
function toProfileIssues(texts: readonly IssueText[], doc: Document, lines: LineCounter): ProfileIssue[] {
  const authoredAt = new Set(texts.filter((t) => t.authored).map((t) => formatPath(t.path)));
  const seen = new Set<string>();
  const issues: ProfileIssue[] = [];
  for (const t of texts) {
    const path = formatPath(t.path);
    const key = `${path}\n${t.message}`;
    if ((!t.authored && authoredAt.has(path)) || seen.has(key)) continue;
    seen.add(key);
    const { line, column } = locate(doc, lines, t.path, t.atKey);
    issues.push({ path, line, column, message: t.message });
  }
  return issues.sort((a, b) => a.line! - b.line! || a.column! - b.column!);
}

/** The document as plain data; an alias to an anchor that does not exist is a profile error. */
function toData(doc: Document, lines: LineCounter, file: string): unknown {
  const broken: ProfileIssue[] = [];
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && !node.resolve(doc)) {
        broken.push({ path: '', ...position(lines, node.range?.[0] ?? 0), message: `YAML: alias *${node.source} refers to no anchor &${node.source} above it` });
      }
    },
  });
  if (broken.length) throw new ProfileError(file, broken);
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ProfileError(file, [{ path: '', line: 1, column: 1, message: `YAML: ${(err as Error).message}` }]);
  }
}

function position(lines: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
