import fc from 'fast-check';
import { normalizeDomainInput } from '../../src/core/domain';

function domainOf(input: string): string {
  const result = normalizeDomainInput(input);
  if (!result.ok) throw new Error(`expected ${input} to be valid, got ${result.code}`);
  return result.domain;
}

function codeOf(input: string): string {
  const result = normalizeDomainInput(input);
  if (result.ok) throw new Error(`expected ${input} to be invalid, got ${result.domain}`);
  return result.code;
}

describe('normalizeDomainInput', () => {
  it('takes the part after the last @ of an address', () => {
    expect(domainOf('alice@example.org')).toBe('example.org');
    expect(domainOf('"odd@local"@example.org')).toBe('example.org');
    expect(domainOf('example.org')).toBe('example.org');
  });

  it('lowercases and drops one trailing dot', () => {
    expect(domainOf('Bob@EXAMPLE.Org.')).toBe('example.org');
    expect(codeOf('example.org..')).toBe('DOMAIN_BAD_CHARACTERS');
  });

  it('turns Unicode IDNs into A-labels (UTS-46, non-transitional)', () => {
    expect(domainOf('jan@bücher.example')).toBe('xn--bcher-kva.example');
    expect(domainOf('faß.de')).toBe('xn--fa-hia.de');
    expect(domainOf('例え.テスト')).toBe('xn--r8jz45g.xn--zckzah');
    expect(domainOf('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
  });

  it('refuses empty input', () => {
    expect(codeOf('')).toBe('DOMAIN_EMPTY');
    expect(codeOf('alice@')).toBe('DOMAIN_EMPTY');
    expect(codeOf('   ')).toBe('DOMAIN_EMPTY');
  });

  it('refuses bad characters', () => {
    for (const bad of [
      'exa mple.org',
      'under_score.org',
      '-lead.org',
      'trail-.org',
      'a..b.org',
      'xn--zz.org',
      'ex!.org',
    ])
      expect(codeOf(bad)).toBe('DOMAIN_BAD_CHARACTERS');
    expect(domainOf('my-host.example.org')).toBe('my-host.example.org');
  });

  it('refuses a label over 63 characters but takes one of 63', () => {
    expect(codeOf(`${'a'.repeat(64)}.org`)).toBe('DOMAIN_LABEL_TOO_LONG');
    expect(domainOf(`${'a'.repeat(63)}.org`)).toBe(`${'a'.repeat(63)}.org`);
  });

  it('refuses a name over 253 characters but takes one of 253', () => {
    const label = 'a'.repeat(61);
    const padded = `b.${[label, label, label, label].join('.')}.org`;
    expect(padded.length).toBe(253);
    expect(domainOf(padded)).toBe(padded);
    expect(codeOf(`c${padded}`)).toBe('DOMAIN_TOO_LONG');
    expect(codeOf('a'.repeat(5000))).toBe('DOMAIN_TOO_LONG');
  });

  it('refuses IP literals', () => {
    expect(codeOf('1.2.3.4')).toBe('DOMAIN_IP_LITERAL');
    expect(codeOf('user@[192.0.2.1]')).toBe('DOMAIN_IP_LITERAL');
    expect(codeOf('user@[IPv6:2001:db8::1]')).toBe('DOMAIN_IP_LITERAL');
    expect(codeOf('2001:db8::1')).toBe('DOMAIN_IP_LITERAL');
    expect(domainOf('1.2.3.example')).toBe('1.2.3.example');
  });

  it('refuses names that cannot be public mail domains', () => {
    expect(codeOf('localhost')).toBe('DOMAIN_NOT_FQDN');
    expect(codeOf('example.123')).toBe('DOMAIN_BAD_CHARACTERS');
  });

  it('keeps error messages to one bounded line', () => {
    const result = normalizeDomainInput(`bad\u0000\n${'x'.repeat(200)} name.org`);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).not.toContain('\n');
      expect(result.message).not.toContain('\u0000');
      expect(result.message.length).toBeLessThan(160);
    }
  });
});

describe('the plain-ASCII fast path', () => {
  it('refuses "--" in positions 3-4 of a label, as UTS-46 CheckHyphens does', () => {
    expect(codeOf('ab--cd.org')).toBe('DOMAIN_BAD_CHARACTERS');
    expect(domainOf('a--bc.org')).toBe('a--bc.org');
  });

  it('agrees with full UTS-46 processing on every ASCII name', () => {
    const label = fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 2, maxLength: 4 }), (labels) => {
        const name = labels.join('.');
        const fast = normalizeDomainInput(name);
        // Force the full path: a U-label that maps to nothing changes the route but not the result.
        const full = normalizeDomainInput(`${name}\u00ad`);
        expect(fast.ok).toBe(full.ok);
        if (fast.ok && full.ok) expect(fast.domain).toBe(full.domain);
      }),
      { numRuns: 2000 },
    );
  });
});
