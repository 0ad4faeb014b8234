import { describe, expect, it } from 'vitest';
import { collectSecrets, redactSecrets, redactText, secretScrubber } from '../../../src/redact.js';

describe('redaction', () => {
  it('removes credentials from free text: URL userinfo, secret query values, auth schemes, assignments', () => {
    expect(redactText('GET https://bob:hunter22@api.example.com/x?token=abc123&page=2 failed')).toBe('GET https://[redacted]@api.example.com/x?token=[redacted]&page=2 failed');
    expect(redactText('Authorization: Bearer eyJhbGciOi.x.y')).toBe('Authorization: Bearer [redacted]');
    expect(redactText('sent Basic dXNlcjpwYXNz=')).toBe('sent Basic [redacted]');
    expect(redactText('password=s3cr3t, user=alice')).toBe('password=[redacted], user=alice');
    // Prose stays prose.
    expect(redactText('basic settings are fine; the token bucket refilled')).toBe('basic settings are fine; the token bucket refilled');
  });

  it('redacts structured data by key and every string by pattern', () => {
    const out = redactSecrets({ headers: { 'X-Auth': 'abc', Accept: 'json', 'Set-Cookie': 'a=b' }, url: 'http://u:p@h/?sig=zz', n: { clientSecret: 42 } });
    expect(out).toEqual({ headers: { 'X-Auth': '[redacted]', Accept: 'json', 'Set-Cookie': '[redacted]' }, url: 'http://[redacted]@h/?sig=[redacted]', n: { clientSecret: '[redacted]' } });
  });

  it('collects literal secrets from a profile and the environment, and scrubs them in any form', () => {
    const profile = { load: { url: 'http://svc:Pa55word-x@h', requests: [{ headers: { Authorization: 'Bearer tok-123456', Trace: '{{ env.TRACE_ID }}' } }] } };
    const secrets = collectSecrets(profile, { AWS_SECRET_ACCESS_KEY: 'awsSecret-99', TRACE_ID: 'trace-777777', HOME: '/root' });
    expect(secrets).toEqual(expect.arrayContaining(['Pa55word-x', 'Bearer tok-123456', 'tok-123456', 'awsSecret-99', 'trace-777777']));
    expect(secrets).not.toContain('/root');
    const scrub = secretScrubber(secrets);
    expect(scrub('provider said: invalid key awsSecret-99 for trace-777777 (tok-123456)')).toBe('provider said: invalid key [redacted] for [redacted] ([redacted])');
    expect(scrub(JSON.stringify({ m: 'x "Pa55word-x" y' }))).not.toContain('Pa55word-x');
  });
});
