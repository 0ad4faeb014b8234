/**
 * `scaleproof audit <suite.yaml>`: run each profile of the suite in order into the history
 * folder, compare each run with its baseline, write an audit report next to the runs.
 * Exit 0 all passed with no regression, 1 a target failed or a metric regressed, 2 bad input,
 * 3 a run could not complete.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CommandContext } from './context.js';
import { ExitCode, UsageError } from '../errors.js';
import { compareMetrics, type Comparison } from '../audit/compare.js';
import { readHistory, readRun, type HistoryRun } from '../audit/history.js';
import { renderComparisonMarkdown, renderComparisonText } from '../audit/render.js';
import { parseSuite } from '../audit/suite.js';
import { pickBaseline } from '../audit/trend.js';
import { runCommand } from './run.js';

interface AuditEntry {
  profile: string;
  exitCode: number;
  run: HistoryRun | null;
  comparison: Comparison | null;
}

export async function auditCommand(suiteFile: string, opts: { progress: boolean }, cx: CommandContext): Promise<number> {
  let text: string;
  try {
    text = fs.readFileSync(suiteFile, 'utf8');
  } catch {
    throw new UsageError(`cannot read the suite file ${suiteFile}`);
  }
  const suite = parseSuite(text, suiteFile);
  const profiles = suite.profiles.map((p) => resolveNear(p, suiteFile));
  const historyDir = path.resolve(suite.history);
  fs.mkdirSync(historyDir, { recursive: true });

  const entries: AuditEntry[] = [];
  for (const profile of profiles) {
    cx.stderr.write(`\naudit: ${profile}\n`);
    const before = new Set(fs.readdirSync(historyDir));
    const exitCode = await runCommand(profile, { out: historyDir, progress: opts.progress }, cx);
    const created = fs.readdirSync(historyDir).filter((d) => !before.has(d));
    const run = created.length ? readRun(path.join(historyDir, created[0]!)) : null;
    let comparison: Comparison | null = null;
    if (run) {
      const earlier = readHistory(historyDir).runs.filter((r) => r.dir !== run.dir);
      const base = pickBaseline(earlier, run, suite.baseline);
      if (base) comparison = compareMetrics(base, run, suite.tolerances);
      if (comparison) cx.stdout.write(renderComparisonText(comparison));
    }
    entries.push({ profile, exitCode, run, comparison });
    if (exitCode === ExitCode.interrupted || exitCode === ExitCode.terminated) break;
  }

  const reportFile = path.join(historyDir, `audit-${stamp(cx.clock.wallNow())}.md`);
  fs.writeFileSync(reportFile, renderAuditMarkdown(suite.name ?? path.basename(suiteFile), entries));
  cx.stdout.write(`\naudit report: ${reportFile}\n`);
  return auditExitCode(entries);
}

function auditExitCode(entries: readonly AuditEntry[]): number {
  const codes = entries.map((e) => e.exitCode);
  for (const c of [ExitCode.interrupted, ExitCode.terminated, ExitCode.runFailed, ExitCode.badInput]) if (codes.includes(c)) return c;
  if (codes.includes(ExitCode.targetFailed) || entries.some((e) => e.comparison?.regression)) return ExitCode.targetFailed;
  return ExitCode.ok;
}

function renderAuditMarkdown(name: string, entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) => {
    const verdict = e.run ? e.run.verdict : 'no run';
    const regression = e.comparison ? (e.comparison.regression ? '**regression**' : 'no regression') : 'no baseline';
    return `| ${e.profile} | ${e.run ? e.run.runId : '-'} | ${verdict} | ${regression} | ${e.exitCode} |`;
  });
  const details = entries.filter((e) => e.comparison).map((e) => renderComparisonMarkdown(e.comparison!));
  return [`# scaleproof audit: ${name}`, '| profile | run | verdict | vs baseline | exit |\n|---|---|---|---|---|\n' + rows.join('\n'), ...details].join('\n\n') + '\n';
}

/** A path as given (relative to the working directory), or else relative to the suite file. */
function resolveNear(file: string, suiteFile: string): string {
  if (fs.existsSync(file)) return file;
  const near = path.join(path.dirname(suiteFile), file);
  return fs.existsSync(near) ? near : file;
}

function stamp(wallMs: number): string {
  return new Date(wallMs).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}
