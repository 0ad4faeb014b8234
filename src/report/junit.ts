/**
 * JUnit XML for CI test tabs: one testcase per check. A failed check is a <failure> whose
 * message says measured vs target; a check that could not be measured is <skipped> (it did not
 * pass, but nothing proved it failed either). Pure: result -> string, the caller writes it.
 */
import type { AnalysisResult, CheckResult, MeasuredLatency } from '../analysis/types.js';
import { formatDuration } from '../units.js';
import { unservedRateText, unservedRows, unservedText } from './unserved-text.js';

/** Escapes text and attribute values; drops characters XML 1.0 cannot carry at all. */
export function xmlEscape(value: string): string {
  return value
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attr = (name: string, value: string | number) => `${name}="${xmlEscape(String(value))}"`;

export function renderJunit(result: AnalysisResult): string {
  const failures = result.checks.filter((c) => c.status === 'fail').length;
  const skipped = result.checks.filter((c) => c.status === 'unknown').length;
  const tests = result.checks.length;
  const time = (result.durationMs / 1000).toFixed(3);
  const suiteName = `scaleproof.${result.profileName}`;
  const counts = [attr('tests', tests), attr('failures', failures), attr('errors', 0), attr('skipped', skipped), attr('time', time)].join(' ');
  const cases = result.checks.map((c) => testcase(c, suiteName));
  const notes = result.notes.length ? `    <system-out>${xmlEscape(result.notes.join('\n'))}</system-out>\n` : '';
  // Dropped arrivals are not in the error rate: say how many users were not served.
  const unserved = unservedRows(result).find((r) => r.name === null)?.unserved;
  const unservedProps = unserved
    ? `      <property ${attr('name', 'unservedRate')} ${attr('value', unservedRateText(unserved))}/>\n` + `      <property ${attr('name', 'unserved')} ${attr('value', unservedText(unserved))}/>\n`
    : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites ${attr('name', 'scaleproof')} ${counts}>\n` +
    `  <testsuite ${attr('name', suiteName)} ${counts} ${attr('timestamp', new Date(result.startedAtWall).toISOString().replace(/\.\d+Z$/, ''))} ${attr('hostname', result.provider ?? 'none')}>\n` +
    `    <properties>\n` +
    `      <property ${attr('name', 'runId')} ${attr('value', result.runId)}/>\n` +
    `      <property ${attr('name', 'verdict')} ${attr('value', result.verdict)}/>\n` +
    `      <property ${attr('name', 'endStatus')} ${attr('value', result.endStatus)}/>\n` +
    unservedProps +
    scaleDownProps(result) +
    `    </properties>\n` +
    cases.join('') +
    notes +
    `  </testsuite>\n` +
    `</testsuites>\n`
  );
}

/**
 * Both scale-down moments per transition, so a CI tab shows them beside the check (which times one):
 * `scaleDown.1.trafficStopped`, and `scaleDown.1.gone` only when the provider counts running replicas.
 */
function scaleDownProps(result: AnalysisResult): string {
  const prop = (name: string, value: string) => `      <property ${attr('name', name)} ${attr('value', value)}/>\n`;
  const text = (m: MeasuredLatency, outcome: string) => (m.valueMs === null ? `not seen (${outcome})` : `${formatDuration(m.valueMs)} (up to ${formatDuration(m.marginMs)} earlier)`);
  return result.scaleDowns
    .map((s, i) => prop(`scaleDown.${i + 1}.trafficStopped`, text(s.readyAtSettled, s.outcome)) + (s.runningAtSettled ? prop(`scaleDown.${i + 1}.gone`, text(s.runningAtSettled, s.runningOutcome ?? 'unknown')) : ''))
    .join('');
}

function testcase(c: CheckResult, classname: string): string {
  const open = `    <testcase ${attr('name', c.id)} ${attr('classname', classname)} ${attr('time', '0')}`;
  const margin = c.margin ? ` (margin: ${c.margin})` : '';
  const body = [`target: ${c.target}`, `measured: ${c.measured}${margin}`, ...(c.detail ? [c.detail] : [])].join('\n');
  if (c.status === 'fail')
    return `${open}>\n      <failure ${attr('message', `measured ${c.measured} vs target ${c.target}${margin}`)} ${attr('type', 'TargetNotMet')}>${xmlEscape(body)}</failure>\n    </testcase>\n`;
  if (c.status === 'unknown') return `${open}>\n      <skipped ${attr('message', `could not be measured: ${c.detail ?? c.measured}`)}/>\n    </testcase>\n`;
  return `${open}>\n      <system-out>${xmlEscape(body)}</system-out>\n    </testcase>\n`;
}
