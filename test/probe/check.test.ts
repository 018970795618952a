import type { DomainReport, FindingCode } from '../../src/core/report';
import { checkDomain, checkDomains, type CheckOptions } from '../../src/probe/check';
import { domainToASCII } from 'node:url';
import { MailInternet, type MailHostOptions } from '../support/mail-internet';

/**
 * The checker end to end against the loopback mail internet: real DNS packets, real SMTP servers on
 * 127.x.y.z:25, real TLS with certificates from a test CA, real HTTPS MTA-STS hosts.
 */

let net: MailInternet;
let seq = 0;

beforeAll(async () => {
  net = await MailInternet.start();
});
afterAll(async () => {
  await net.close();
});

/** A fresh domain name per test, so tests never see each other's records. */
function fresh(label: string): string {
  seq += 1;
  return `${label}-${seq}.test`;
}

function check(input: string, extra: CheckOptions = {}): Promise<DomainReport> {
  return checkDomain(input, { ...net.probeOptions, ...extra });
}

function codes(report: DomainReport): FindingCode[] {
  return report.findings.map((finding) => finding.code);
}

const ENFORCE = (...mx: string[]): string =>
  ['version: STSv1', 'mode: enforce', ...mx.map((pattern) => `mx: ${pattern}`), 'max_age: 86400', ''].join(
    '\r\n',
  );

/** One domain with one MX host of the given kind. */
async function domainWith(label: string, host: Omit<MailHostOptions, 'name'>) {
  const domain = fresh(label);
  const mx = await net.mailHost({ name: `mx.${domain}`, ...host });
  net.mx(domain, [[10, mx.name]]);
  return { domain, mx };
}

describe('input', () => {
  it('checks the domain of an address, lowercased, without its trailing dot', async () => {
    const { domain } = await domainWith('addr', {});
    const report = await check(`Alice@${domain.toUpperCase()}.`);
    expect(report.input).toBe(`Alice@${domain.toUpperCase()}.`);
    expect(report.domain).toBe(domain);
    expect(report.status).toBe('opportunistic');
  });

  it('reports invalid input as invalid with the reason, without touching the network', async () => {
    const before = net.dns.queries.length;
    for (const [input, code] of [
      ['', 'DOMAIN_EMPTY'],
      ['bad name.test', 'DOMAIN_BAD_CHARACTERS'],
      [`${'a'.repeat(64)}.test`, 'DOMAIN_LABEL_TOO_LONG'],
      [`${'abcdefghi.'.repeat(26)}test`, 'DOMAIN_TOO_LONG'],
      ['bob@[127.0.0.1]', 'DOMAIN_IP_LITERAL'],
    ] as const) {
      const report = await check(input);
      expect(report.status).toBe('invalid');
      expect(report.findings[0]?.code).toBe(code);
      expect(report.findings[0]?.message).toBeTruthy();
    }
    expect(net.dns.queries.length).toBe(before);
  });

  it('converts IDNs to A-labels before asking DNS', async () => {
    const aLabel = domainToASCII('bücher-idn.test');
    expect(aLabel).toMatch(/^xn--/);
    const report = await check('jan@Bücher-IDN.test');
    expect(report.domain).toBe(aLabel);
    expect(net.dns.queries.some((query) => query.name === aLabel && query.type === 'MX')).toBe(true);
  });
});

describe('DNS', () => {
  it('gives no-mail for a null MX, and a normal MX is not mistaken for one', async () => {
    const domain = fresh('nullmx');
    net.mx(domain, [[0, '.']]);
    const report = await check(domain);
    expect(report.status).toBe('no-mail');
    expect(codes(report)).toContain('NULL_MX');
    expect(report.mx).toEqual([]);

    const normal = await domainWith('notnull', {});
    expect((await check(normal.domain)).status).not.toBe('no-mail');
  });

  it('ignores a null MX that stands beside real MX records, and says so', async () => {
    const { domain, mx } = await domainWith('mixednull', {});
    net.mx(domain, [
      [0, '.'],
      [10, mx.name],
    ]);
    const report = await check(domain);
    expect(report.status).toBe('opportunistic');
    expect(codes(report)).toContain('NULL_MX_WITH_OTHER_MX');
  });

  it('gives no-mail for NXDOMAIN', async () => {
    const report = await check(fresh('nxdomain'));
    expect(report.status).toBe('no-mail');
    expect(codes(report)).toContain('DNS_NXDOMAIN');
  });

  it('uses the domain itself as implicit MX when there is no MX but an A record', async () => {
    const domain = fresh('implicit');
    const host = await net.mailHost({ name: domain });
    const report = await check(domain);
    expect(report.mx).toHaveLength(1);
    expect(report.mx[0]).toMatchObject({
      host: domain,
      implicit: true,
      addresses: [host.ip],
      starttls: true,
    });
    expect(report.status).toBe('opportunistic');
    expect(codes(report)).toContain('IMPLICIT_MX');
  });

  it('gives no-mail when there is neither MX nor an address', async () => {
    const domain = fresh('empty');
    net.txt(domain, 'v=spf1 -all');
    const report = await check(domain);
    expect(report.status).toBe('no-mail');
    expect(codes(report)).toContain('NO_MAIL_HOST');
  });

  it('resolves A records of every MX host, sorted by preference', async () => {
    const domain = fresh('twomx');
    const backup = await net.mailHost({ name: `backup.${domain}` });
    const primary = await net.mailHost({ name: `primary.${domain}` });
    net.mx(domain, [
      [20, backup.name],
      [10, primary.name],
    ]);
    const report = await check(domain);
    expect(report.mx.map((mx) => [mx.host, mx.preference, mx.addresses])).toEqual([
      [primary.name, 10, [primary.ip]],
      [backup.name, 20, [backup.ip]],
    ]);
  });

  it('gives unknown when the MX lookup fails (SERVFAIL), and not for a healthy zone', async () => {
    const { domain } = await domainWith('servfail', {});
    net.dns.setRcode(domain, 'SERVFAIL');
    const report = await check(domain);
    expect(report.status).toBe('unknown');
    expect(codes(report)).toContain('DNS_FAILED');
    net.dns.setRcode(domain, null);
    expect((await check(domain)).status).toBe('opportunistic');
  });

  it('gives unknown within the deadline when the resolver never answers', async () => {
    const domain = fresh('dnssilent');
    net.dns.setSilent(domain, true);
    const started = Date.now();
    const report = await check(domain, { timeoutMs: 1000 });
    expect(report.status).toBe('unknown');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('falls back to TCP when the UDP answer is truncated', async () => {
    const { domain } = await domainWith('truncated', {});
    net.dns.setTruncated(domain, true);
    const report = await check(domain);
    expect(report.status).toBe('opportunistic');
    expect(net.dns.queries.some((query) => query.name === domain && query.transport === 'tcp')).toBe(true);
  });
});

describe('SMTP STARTTLS', () => {
  it('records version, cipher and a trusted certificate that names the host', async () => {
    const { domain, mx } = await domainWith('good', {});
    const report = await check(domain);
    expect(report.status).toBe('opportunistic');
    const host = report.mx[0]!;
    expect(host).toMatchObject({ reachable: true, starttls: true, probedAddress: mx.ip });
    expect(host.tls).toMatchObject({ version: 'TLSv1.3', trusted: true, nameMatches: true, legacy: false });
    expect(host.tls?.cipher).toMatch(/^TLS_/);
    expect(host.tls?.issuer).toContain('TLS Gate Test CA');
    expect(host.tls?.sans).toContain(mx.name);
    expect(Date.parse(host.tls?.notAfter ?? '')).toBeGreaterThan(Date.now());
    // The presented chain: the leaf, then the CA that issued it.
    expect(host.tls?.chain.map((cert) => cert.subject)).toEqual([
      expect.stringContaining(`CN=${mx.name}`),
      expect.stringContaining('CN=TLS Gate Test CA'),
    ]);
    expect(host.tls?.chain[0]?.issuer).toBe(host.tls?.chain[1]?.subject);
    // QUIT is sent as the probe finishes; give it a moment to arrive.
    for (let i = 0; i < 50 && !mx.server.transcripts.at(-1)?.includes('QUIT'); i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(mx.server.transcripts.at(-1)).toEqual([
      'EHLO tlsgate.invalid',
      'STARTTLS',
      'EHLO tlsgate.invalid',
      'QUIT',
    ]);
  });

  it('gives none when the MX offers no STARTTLS', async () => {
    const { domain } = await domainWith('plain', { mode: 'plain' });
    const report = await check(domain);
    expect(report.status).toBe('none');
    expect(report.mx[0]).toMatchObject({ reachable: true, starttls: false, tls: null });
    expect(codes(report)).toContain('SMTP_NO_STARTTLS');
  });

  it('gives none when STARTTLS is refused with 454', async () => {
    const { domain } = await domainWith('refused', { mode: 'refuse-starttls' });
    const report = await check(domain);
    expect(report.status).toBe('none');
    expect(codes(report)).toContain('SMTP_STARTTLS_REFUSED');
  });

  it('gives none when the TLS handshake fails after 220', async () => {
    const { domain } = await domainWith('tlsbreak', { mode: 'tls-break' });
    const report = await check(domain);
    expect(report.status).toBe('none');
    expect(codes(report)).toContain('TLS_HANDSHAKE_FAILED');
  });

  it('lets the weakest MX decide', async () => {
    const domain = fresh('weakest');
    const good = await net.mailHost({ name: `mx1.${domain}` });
    const weak = await net.mailHost({ name: `mx2.${domain}`, mode: 'plain' });
    net.mx(domain, [
      [10, good.name],
      [20, weak.name],
    ]);
    const report = await check(domain);
    expect(report.status).toBe('none');
    expect(report.findings[0]?.message).toContain(weak.name);
  });

  it('does not hold the check past the deadline when a server accepts TCP and stays silent', async () => {
    const { domain } = await domainWith('silent', { mode: 'silent' });
    const started = Date.now();
    const report = await check(domain, { timeoutMs: 800 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(report.status).toBe('unknown');
    expect(report.mx[0]?.reachable).toBe(false);
    expect(codes(report)).toEqual(expect.arrayContaining(['SMTP_TIMEOUT', 'ALL_MX_UNREACHABLE']));
  });

  it('gives unknown when every MX refuses the connection, opportunistic when one of two answers', async () => {
    const domain = fresh('down');
    net.mx(domain, [[10, `gone.${domain}`]]);
    net.a(`gone.${domain}`, '127.0.0.254');
    const report = await check(domain);
    expect(report.status).toBe('unknown');
    expect(codes(report)).toContain('SMTP_UNREACHABLE');

    const good = await net.mailHost({ name: `up.${domain}` });
    net.mx(domain, [
      [10, `gone.${domain}`],
      [20, good.name],
    ]);
    const mixed = await check(domain);
    expect(mixed.status).toBe('opportunistic');
    expect(mixed.mx.map((mx) => mx.reachable)).toEqual([false, true]);
  });

  it('does not count a 554 greeting as an answered MX', async () => {
    const { domain } = await domainWith('greet554', { mode: 'bad-greeting' });
    const report = await check(domain);
    expect(report.status).toBe('unknown');
    expect(codes(report)).toContain('SMTP_BAD_GREETING');
  });

  it.each([
    ['self-signed', 'TLS_CERT_UNTRUSTED', { trusted: false, nameMatches: true }],
    ['expired', 'TLS_CERT_EXPIRED', { trusted: false, trustError: 'CERT_HAS_EXPIRED', nameMatches: true }],
    ['misnamed', 'TLS_CERT_NAME_MISMATCH', { trusted: true, nameMatches: false }],
  ] as const)('reports a %s certificate and stays opportunistic', async (cert, code, tls) => {
    const { domain } = await domainWith(cert, { cert });
    const report = await check(domain);
    expect(report.status).toBe('opportunistic');
    expect(report.mx[0]?.tls).toMatchObject(tls);
    expect(codes(report)).toContain(code);
  });

  it('accepts TLS 1.0 to report it, and flags it as legacy', async () => {
    const { domain } = await domainWith('tls10', { tls10Only: true });
    const report = await check(domain);
    expect(report.status).toBe('opportunistic');
    expect(report.mx[0]?.tls).toMatchObject({ version: 'TLSv1', legacy: true });
    expect(codes(report)).toContain('TLS_LEGACY_VERSION');
  });

  it('notes REQUIRETLS from the EHLO after STARTTLS, and only when offered', async () => {
    const { domain } = await domainWith('requiretls', { requireTls: true });
    const report = await check(domain);
    expect(report.mx[0]?.requireTls).toBe(true);
    expect(codes(report)).toContain('SMTP_REQUIRETLS');
    const other = await domainWith('norequiretls', {});
    expect((await check(other.domain)).mx[0]?.requireTls).toBe(false);
  });
});

describe('MTA-STS', () => {
  it('gives enforced (mta-sts) for enforce mode with matching, verified MX hosts', async () => {
    const { domain, mx } = await domainWith('sts', {});
    await net.mtaSts(domain, { id: 'abc123', policy: ENFORCE(mx.name) });
    const report = await check(domain);
    expect(report.status).toBe('enforced');
    expect(report.enforcement).toEqual(['mta-sts']);
    expect(report.mtaSts).toMatchObject({
      id: 'abc123',
      mode: 'enforce',
      mx: [mx.name],
      max_age: 86400,
      error: null,
    });
    expect(report.mx[0]?.mtaStsMatch).toBe(true);
  });

  it('matches a *. wildcard pattern to exactly one label', async () => {
    const { domain } = await domainWith('stswild', {});
    await net.mtaSts(domain, { policy: ENFORCE(`*.${domain}`) });
    expect((await check(domain)).status).toBe('enforced');

    const deep = fresh('stsdeep');
    const host = await net.mailHost({ name: `a.b.${deep}` });
    net.mx(deep, [[10, host.name]]);
    await net.mtaSts(deep, { policy: ENFORCE(`*.${deep}`) });
    const report = await check(deep);
    expect(report.status).toBe('opportunistic');
    expect(codes(report)).toContain('MTA_STS_MX_MISMATCH');
  });

  it('stays opportunistic in testing and none modes', async () => {
    for (const mode of ['testing', 'none'] as const) {
      const { domain, mx } = await domainWith(`sts${mode}`, {});
      await net.mtaSts(domain, { policy: `version: STSv1\nmode: ${mode}\nmx: ${mx.name}\nmax_age: 600\n` });
      const report = await check(domain);
      expect(report.status).toBe('opportunistic');
      expect(report.mtaSts.mode).toBe(mode);
      expect(codes(report)).toContain(mode === 'testing' ? 'MTA_STS_TESTING' : 'MTA_STS_MODE_NONE');
      // The policy's max_age caps how long the answer may be cached.
      expect(report.cacheTtlSeconds).toBe(600);
    }
  });

  it('is not enforced when an MX is not covered by the patterns', async () => {
    const { domain } = await domainWith('stsmismatch', {});
    await net.mtaSts(domain, { policy: ENFORCE('mx.elsewhere.test') });
    const report = await check(domain);
    expect(report.status).toBe('opportunistic');
    expect(report.mx[0]?.mtaStsMatch).toBe(false);
  });

  it.each(['self-signed', 'expired', 'misnamed'] as const)(
    'is not enforced when the MX certificate is %s',
    async (cert) => {
      const { domain, mx } = await domainWith(`sts${cert}`, { cert });
      await net.mtaSts(domain, { policy: ENFORCE(mx.name) });
      const report = await check(domain);
      expect(report.status).toBe('opportunistic');
      expect(report.mtaSts.mode).toBe('enforce');
    },
  );

  it('is not enforced with legacy TLS on an MX', async () => {
    const { domain, mx } = await domainWith('ststls10', { tls10Only: true });
    await net.mtaSts(domain, { policy: ENFORCE(mx.name) });
    expect((await check(domain)).status).toBe('opportunistic');
  });

  it('has no policy when two v=STSv1 records exist, and ignores unrelated TXT records', async () => {
    const { domain, mx } = await domainWith('ststwo', {});
    await net.mtaSts(domain, { policy: ENFORCE(mx.name) });
    net.txt(`_mta-sts.${domain}`, 'v=STSv1; id=second');
    const two = await check(domain);
    expect(two.status).toBe('opportunistic');
    expect(two.mtaSts.error?.code).toBe('MTA_STS_RECORD_INVALID');

    const other = await domainWith('stsunrelated', {});
    await net.mtaSts(other.domain, { policy: ENFORCE(other.mx.name) });
    net.txt(`_mta-sts.${other.domain}`, 'some-verification=xyz');
    expect((await check(other.domain)).status).toBe('enforced');
  });

  it('concatenates the character-strings of one record', async () => {
    const { domain, mx } = await domainWith('stssplit', {});
    await net.mtaSts(domain, { policy: ENFORCE(mx.name), record: false });
    net.txt(`_mta-sts.${domain}`, 'v=STSv1; ', 'id=split1');
    const report = await check(domain);
    expect(report.mtaSts.id).toBe('split1');
    expect(report.status).toBe('enforced');
  });

  it.each([
    ['a redirect', { status: 301, headers: { location: 'https://elsewhere.test/p' }, body: 'moved' }],
    ['a 404', { status: 404, body: 'not here' }],
    ['a 202', { status: 202, body: 'version: STSv1\nmode: enforce\nmx: x\nmax_age: 1\n' }],
    ['a body over 64 KiB', { bodyBytes: 70 * 1024 }],
  ])('does not accept %s as a policy', async (_label, route) => {
    const { domain } = await domainWith('stsfetch', {});
    await net.mtaSts(domain, { policy: route });
    const report = await check(domain);
    expect(report.status).toBe('opportunistic');
    expect(report.mtaSts.error?.code).toBe('MTA_STS_FETCH_FAILED');
  });

  it('refuses a policy host whose certificate is not valid for mta-sts.D', async () => {
    for (const cert of ['self-signed', 'misnamed', 'expired'] as const) {
      const { domain, mx } = await domainWith(`stscert${cert}`, {});
      await net.mtaSts(domain, { policy: ENFORCE(mx.name), cert });
      const report = await check(domain);
      expect(report.status).toBe('opportunistic');
      expect(report.mtaSts.error?.code).toBe('MTA_STS_FETCH_FAILED');
    }
  });

  it('gives up on a policy host that never answers, within the deadline', async () => {
    const { domain, mx } = await domainWith('stshang', {});
    await net.mtaSts(domain, { policy: { hang: true } });
    const started = Date.now();
    const report = await check(domain, { timeoutMs: 1000 });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(report.mtaSts.error?.code).toBe('MTA_STS_FETCH_FAILED');
    expect(report.mx[0]?.host).toBe(mx.name);
  });

  // Was MTA_STS_POLICY_INVALID for the "#" line; a line outside the §3.2 grammar is now MALFORMED.
  it.each([
    [
      'a comment line',
      (mx: string) => `version: STSv1\nmode: enforce\nmax_age: 86400\n# ${mx}\n`,
      'MALFORMED',
    ],
    ['a bad mx beside a good one', (mx: string) => `${ENFORCE(mx)}mx: b@d!\r\n`, 'MALFORMED'],
    ['an enforce policy without mx', () => 'version: STSv1\nmode: enforce\nmax_age: 86400\n', 'INVALID'],
  ] as const)('reports a policy with %s as no policy and stays opportunistic', async (_label, body, code) => {
    const { domain, mx } = await domainWith('stsbad', {});
    await net.mtaSts(domain, { policy: body(mx.name) });
    const report = await check(domain);
    expect(report.status).toBe('opportunistic');
    expect(report.mtaSts).toMatchObject({ mode: null, error: { code: `MTA_STS_POLICY_${code}` } });
    expect(codes(report)).toContain(`MTA_STS_POLICY_${code}`);
  });

  it('uses the first of repeated fields (RFC 8461 §3.2) and warns about each repeat', async () => {
    const { domain, mx } = await domainWith('stsrepeat', {});
    await net.mtaSts(domain, { policy: `${ENFORCE(mx.name)}mode: none\r\n`, record: false });
    net.txt(`_mta-sts.${domain}`, 'v=STSv1; id=first; id=second');
    const report = await check(domain);
    expect(report.status).toBe('enforced');
    expect(report.mtaSts).toMatchObject({ id: 'first', mode: 'enforce' });
    const repeats = report.findings.filter((finding) => finding.code === 'MTA_STS_DUPLICATE_FIELD');
    expect(repeats.map((finding) => finding.message)).toEqual([
      'The _mta-sts TXT record repeats id (field 3); the first one counts and this one is ignored.',
      'The MTA-STS policy repeats mode on line 5; the first one counts and this one is ignored.',
    ]);
  });
});

describe('DANE', () => {
  it('gives enforced (dane) for DNSSEC-authenticated TLSA that matches every MX', async () => {
    const { domain, mx } = await domainWith('dane', {});
    net.tlsa(mx.name, [net.tlsaFor(mx, 3, 1, 1)]);
    net.dns.setAuthenticated(domain, true);
    const report = await check(domain);
    expect(report.status).toBe('enforced');
    expect(report.enforcement).toEqual(['dane']);
    expect(report.mx[0]?.dane).toMatchObject({ state: 'valid', matched: '3 1 1' });
  });

  it('does not count TLSA records without the AD bit', async () => {
    const { domain, mx } = await domainWith('daneinsecure', {});
    net.tlsa(mx.name, [net.tlsaFor(mx, 3, 1, 1)]);
    const report = await check(domain);
    expect(report.status).toBe('opportunistic');
    expect(report.mx[0]?.dane.state).toBe('unauthenticated');
    expect(codes(report)).toContain('DANE_UNAUTHENTICATED');
  });

  it('is not enforced when the certificate matches no TLSA record', async () => {
    const { domain, mx } = await domainWith('danemismatch', {});
    net.tlsa(mx.name, [{ usage: 3, selector: 1, matchingType: 1, data: Buffer.alloc(32, 7) }]);
    net.dns.setAuthenticated(domain, true);
    const report = await check(domain);
    expect(report.status).toBe('opportunistic');
    expect(report.mx[0]?.dane.state).toBe('mismatch');
  });

  it('ignores usages 0 and 1 on port 25', async () => {
    const { domain, mx } = await domainWith('daneusage', {});
    net.tlsa(mx.name, [
      { ...net.tlsaFor(mx, 3, 1, 1), usage: 1 },
      { ...net.tlsaFor(mx, 2, 1, 1), usage: 0 },
    ]);
    net.dns.setAuthenticated(domain, true);
    const report = await check(domain);
    expect(report.status).toBe('opportunistic');
    expect(report.mx[0]?.dane.state).toBe('unusable');
  });

  it('accepts DANE-TA with the trust anchor and a certificate naming the host', async () => {
    const { domain, mx } = await domainWith('daneta', {});
    net.tlsa(mx.name, [net.tlsaFor(mx, 2, 0, 2)]);
    net.dns.setAuthenticated(domain, true);
    const report = await check(domain);
    expect(report.status).toBe('enforced');
    expect(report.mx[0]?.dane.matched).toBe('2 0 2');
  });

  it('keeps DANE-EE valid with a self-signed certificate (no PKIX needed)', async () => {
    const { domain, mx } = await domainWith('daneself', { cert: 'self-signed' });
    net.tlsa(mx.name, [net.tlsaFor(mx, 3, 0, 1)]);
    net.dns.setAuthenticated(domain, true);
    const report = await check(domain);
    expect(report.status).toBe('enforced');
    expect(report.mx[0]?.tls?.trusted).toBe(false);
  });

  it('needs TLSA for every MX', async () => {
    const domain = fresh('danepartial');
    const first = await net.mailHost({ name: `mx1.${domain}` });
    const second = await net.mailHost({ name: `mx2.${domain}` });
    net.mx(domain, [
      [10, first.name],
      [20, second.name],
    ]);
    net.tlsa(first.name, [net.tlsaFor(first, 3, 1, 1)]);
    net.dns.setAuthenticated(domain, true);
    const partial = await check(domain);
    expect(partial.status).toBe('opportunistic');
    expect(codes(partial)).toContain('DANE_PARTIAL');

    net.tlsa(second.name, [net.tlsaFor(second, 3, 1, 2)]);
    expect((await check(domain)).status).toBe('enforced');
  });

  it('needs the MX answer itself to be authenticated', async () => {
    const { domain, mx } = await domainWith('danemx', {});
    net.tlsa(mx.name, [net.tlsaFor(mx, 3, 1, 1)]);
    net.dns.setAuthenticated(`_25._tcp.${mx.name}`, true);
    const report = await check(domain);
    expect(report.status).toBe('opportunistic');
    expect(codes(report)).toContain('DANE_MX_INSECURE');
  });

  it('lists both mechanisms when both hold', async () => {
    const { domain, mx } = await domainWith('daneandsts', {});
    net.tlsa(mx.name, [net.tlsaFor(mx, 3, 1, 1)]);
    net.dns.setAuthenticated(domain, true);
    await net.mtaSts(domain, { policy: ENFORCE(mx.name) });
    const report = await check(domain);
    expect(report.status).toBe('enforced');
    expect(report.enforcement).toEqual(['mta-sts', 'dane']);
  });
});

describe('TLS-RPT', () => {
  it('reports whether _smtp._tls.D holds a TLSRPTv1 record', async () => {
    const { domain } = await domainWith('rpt', {});
    net.txt(`_smtp._tls.${domain}`, 'v=TLSRPTv1; rua=mailto:tls@example.test');
    const report = await check(domain);
    expect(report.tlsRpt).toEqual({ present: true, record: 'v=TLSRPTv1; rua=mailto:tls@example.test' });
    expect(codes(report)).toContain('TLSRPT_PRESENT');

    const other = await domainWith('norpt', {});
    net.txt(`_smtp._tls.${other.domain}`, 'v=spf1 -all');
    expect((await check(other.domain)).tlsRpt.present).toBe(false);
  });
});

describe('SSRF guard', () => {
  it('does not contact MX hosts on private addresses unless allowed', async () => {
    const { domain, mx } = await domainWith('ssrf', {});
    const before = mx.server.connections;
    const report = await check(domain, { allowPrivateNetworks: false });
    expect(report.status).toBe('unknown');
    expect(codes(report)).toContain('PRIVATE_ADDRESS_REFUSED');
    expect(report.findings.find((finding) => finding.code === 'PRIVATE_ADDRESS_REFUSED')?.message).toContain(
      'loopback',
    );
    expect(mx.server.connections).toBe(before);

    expect((await check(domain, { allowPrivateNetworks: true })).status).toBe('opportunistic');
    expect(mx.server.connections).toBe(before + 1);
  });

  it('does not fetch an MTA-STS policy from a private address unless allowed', async () => {
    const { domain, mx } = await domainWith('ssrfsts', {});
    const host = await net.mtaSts(domain, { policy: ENFORCE(mx.name) });
    const report = await check(domain, { allowPrivateNetworks: false });
    expect(report.mtaSts.error?.code).toBe('MTA_STS_FETCH_FAILED');
    expect(host.requests).toHaveLength(0);
  });
});

describe('cache lifetime and batches', () => {
  it('suggests a lifetime per status', async () => {
    const good = await domainWith('ttlgood', {});
    expect((await check(good.domain)).cacheTtlSeconds).toBe(86400);
    expect((await check(fresh('ttlnx'))).cacheTtlSeconds).toBe(3600);
    const silent = await domainWith('ttlsilent', { mode: 'silent' });
    expect((await check(silent.domain, { timeoutMs: 500 })).cacheTtlSeconds).toBe(300);
  });

  it('checks many domains concurrently and keeps input order', async () => {
    const good = await domainWith('batchgood', {});
    const plain = await domainWith('batchplain', { mode: 'plain' });
    const reports = await checkDomains([plain.domain, 'not a domain', good.domain], net.probeOptions);
    expect(reports.map((report) => report.status)).toEqual(['none', 'invalid', 'opportunistic']);
    for (const report of reports) {
      expect(new Date(report.checkedAt).toString()).not.toBe('Invalid Date');
      expect(report.durationMs).toBeGreaterThanOrEqual(0);
    }
  });
});
