import { describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../../src/analysis/types.js';
import { analyze } from '../../../src/analysis/index.js';
import { renderJunit } from '../../../src/report/junit.js';
import { readTimeline } from '../../../src/timeline/reader.js';

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** A small, strict XML reader: enough to prove the JUnit file is well-formed and to walk it. */
function parseXml(xml: string): XmlNode {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < body.length && (m = token.exec(body))) {
    pos = token.lastIndex;
    const [, closing, name, attrText, selfClose, text] = m;
    const top = stack[stack.length - 1]!;
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(text)) throw new Error(`bad entity in text: ${text}`);
      top.text += text;
      continue;
    }
    if (closing) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(a[2]!)) throw new Error(`bad entity in attribute: ${a[2]}`);
      attrs[a[1]!] = a[2]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
    }
    const node: XmlNode = { name: name!, attrs, children: [], text: '' };
    top.children.push(node);
    if (!selfClose) stack.push(node);
  }
  if (pos !== body.length) throw new Error(`not well-formed near: ${body.slice(pos, pos + 40)}`);
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  const elements = root.children;
  if (elements.length !== 1) throw new Error('expected one root element');
  return elements[0]!;
}

/** The JUnit shape CI tools read: testsuites > testsuite > testcase > failure|skipped. */
function validateJunit(xml: string): XmlNode {
  const root = parseXml(xml);
  expect(root.name).toBe('testsuites');
  for (const a of ['name', 'tests', 'failures']) expect(root.attrs, `testsuites@${a}`).toHaveProperty(a);
  expect(root.children.length).toBeGreaterThan(0);
  for (const suite of root.children) {
    expect(suite.name).toBe('testsuite');
    for (const a of ['name', 'tests', 'failures', 'errors', 'skipped', 'time']) expect(suite.attrs, `testsuite@${a}`).toHaveProperty(a);
    const cases = suite.children.filter((c) => c.name === 'testcase');
    expect(suite.children.every((c) => ['testcase', 'properties', 'system-out', 'system-err'].includes(c.name))).toBe(true);
    expect(Number(suite.attrs.tests)).toBe(cases.length);
    expect(Number(suite.attrs.failures)).toBe(cases.filter((c) => c.children.some((x) => x.name === 'failure')).length);
    expect(Number(suite.attrs.skipped)).toBe(cases.filter((c) => c.children.some((x) => x.name === 'skipped')).length);
    for (const c of cases) {
      expect(c.attrs.name).toBeTruthy();
      expect(c.attrs.classname).toBeTruthy();
      expect(Number.isFinite(Number(c.attrs.time))).toBe(true);
      for (const f of c.children.filter((x) => x.name === 'failure')) expect(f.attrs.message).toBeTruthy();
    }
  }
  return root;
}

const base: AnalysisResult = analyze(readTimeline('test/fixtures/timelines/step-up.ndjson'));

describe('renderJunit', () => {
  it('writes one testcase per check, failures carrying measured vs target', () => {
    const root = validateJunit(renderJunit(base));
    const suite = root.children[0]!;
    const cases = suite.children.filter((c) => c.name === 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(base.checks.map((c) => c.id));
    const failed = base.checks.filter((c) => c.status === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    for (const check of failed) {
      const tc = cases.find((c) => c.attrs.name === check.id)!;
      const failure = tc.children.find((x) => x.name === 'failure')!;
      expect(failure.attrs.message).toContain(`measured ${check.measured} vs target ${check.target}`);
    }
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    const nasty: AnalysisResult = {
      ...base,
      profileName: 'a<b>&"c\'',
      notes: ['x < y & z', 'bell \u0007 here'],
      checks: [
        { id: 'latency.p95', target: 'p95 <= 300ms', measured: '"412ms" & <more>', status: 'fail', detail: ']]> </failure><x>' },
        { id: 'cpu.max', target: 'cpu <= 80%', measured: 'unknown', status: 'unknown', detail: 'no <samples>' },
        { id: 'ok', target: 'a', measured: 'b', status: 'pass' },
      ],
    };
    const xml = renderJunit(nasty);
    expect(xml).not.toContain('\u0007');
    const root = validateJunit(xml);
    const suite = root.children[0]!;
    expect(suite.attrs.name).toBe('scaleproof.a<b>&"c\'');
    const failure = suite.children[1]!.children[0]!;
    expect(failure.attrs.message).toBe('measured "412ms" & <more> vs target p95 <= 300ms');
    expect(suite.children[2]!.children[0]!.name).toBe('skipped');
    expect(suite.attrs).toMatchObject({ tests: '3', failures: '1', skipped: '1' });
  });
});
