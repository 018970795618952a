import {
  certificateNames,
  deliveryVerdict,
  tlsDomainMatches,
  type DeliveryProblemCode,
  type DeliveryVerdict,
} from '../../src/core/delivery';
import { deliveryProblem, deliveryReasons, deliverySentence } from '../../src/core/delivery-messages';
import { FORCED_TLS_LEVELS, type ForcedTlsEntry, type ForcedTlsLevel } from '../../src/core/policy';
import type { MxReport, TlsInfo } from '../../src/core/report';
import { backupWithoutTlsReport, CHECKED_AT, mx, report, tls } from '../support/reports';

/** The delivery verdict from hand-made reports: each MX judged as a TLS-required connector would. */

const NOW = Date.parse(CHECKED_AT);
const DAY = 24 * 3600_000;
const DOMAIN = 'partner.example';
const HOST = `mx.${DOMAIN}`;
const iso = (ms: number): string => new Date(ms).toISOString();

const entry = (level: ForcedTlsLevel, tlsDomain = HOST): ForcedTlsEntry =>
  level === 'domain-validation' ? { domain: DOMAIN, level, tlsDomain } : { domain: DOMAIN, level };

const verdictOf = (hosts: MxReport[], level: ForcedTlsLevel, now = NOW): DeliveryVerdict =>
  deliveryVerdict(report(DOMAIN, 'opportunistic', { mx: hosts }), entry(level), now);

/** One MX host named HOST whose certificate is the default (trusted, names HOST, 42 days left) plus these. */
const host = (name: string, overrides: Partial<MxReport> = {}, cert: Partial<TlsInfo> = {}): MxReport =>
  mx(name, 10, { tls: tls({ subject: `CN=${name}`, sans: [name], ...cert }), ...overrides });

describe('tlsDomainMatches', () => {
  it('accepts the exact name only', () => {
    expect(tlsDomainMatches(HOST, HOST)).toBe(true);
    expect(tlsDomainMatches(HOST, 'mx2.partner.example')).toBe(false);
    expect(tlsDomainMatches(HOST, DOMAIN)).toBe(false);
  });

  it('reads a `*.x` TlsDomain as any name under x, not x itself', () => {
    expect(tlsDomainMatches('*.partner.example', HOST)).toBe(true);
    expect(tlsDomainMatches('*.partner.example', 'a.mx.partner.example')).toBe(true);
    expect(tlsDomainMatches('*.partner.example', '*.partner.example')).toBe(true);
    expect(tlsDomainMatches('*.partner.example', DOMAIN)).toBe(false);
    expect(tlsDomainMatches('*.partner.example', 'evilpartner.example')).toBe(false);
    expect(tlsDomainMatches('*.partner.example', 'mx.partner.example.evil.test')).toBe(false);
    // A wildcard certificate one level deeper does not prove a name under partner.example.
    expect(tlsDomainMatches('*.partner.example', '*.mx.partner.example')).toBe(false);
  });

  it('lets a wildcard certificate cover exactly one label', () => {
    expect(tlsDomainMatches(HOST, '*.partner.example')).toBe(true);
    expect(tlsDomainMatches('a.mx.partner.example', '*.partner.example')).toBe(false);
    expect(tlsDomainMatches(DOMAIN, '*.partner.example')).toBe(false);
    expect(tlsDomainMatches('mx.otherpartner.example', '*.partner.example')).toBe(false);
  });

  it('matches no embedded wildcard and no name inside another', () => {
    expect(tlsDomainMatches('mx1.partner.example', 'mx*.partner.example')).toBe(false);
    expect(tlsDomainMatches('mx1.partner.example', '*x1.partner.example')).toBe(false);
    expect(tlsDomainMatches('mx.*.example', 'mx.partner.example')).toBe(false);
    expect(tlsDomainMatches(HOST, 'mx.partner.example.evil.test')).toBe(false);
    expect(tlsDomainMatches(HOST, 'evil-mx.partner.example')).toBe(false);
    expect(tlsDomainMatches('', HOST)).toBe(false);
  });

  it('ignores case and a trailing dot on either side', () => {
    expect(tlsDomainMatches('MX.Partner.Example.', HOST)).toBe(true);
    expect(tlsDomainMatches(HOST, 'MX.PARTNER.EXAMPLE.')).toBe(true);
    expect(tlsDomainMatches('mx.partner.example.', '*.Partner.Example')).toBe(true);
    expect(tlsDomainMatches('*.PARTNER.example', 'Mx.Partner.Example.')).toBe(true);
  });
});

describe('certificateNames', () => {
  it('takes the DNS SANs, lowercased, and then ignores the CN', () => {
    expect(
      certificateNames(tls({ subject: 'CN=other.example', sans: ['MX.Partner.Example', '*.b.example'] })),
    ).toEqual([HOST, '*.b.example']);
  });

  it('falls back to the subject CN without SANs', () => {
    expect(certificateNames(tls({ subject: 'C=NL, O=Partner, CN=MX.Partner.Example', sans: [] }))).toEqual([
      HOST,
    ]);
    expect(certificateNames(tls({ subject: `CN=${HOST}`, sans: [] }))).toEqual([HOST]);
    expect(certificateNames(tls({ subject: 'C=NL, O=Partner', sans: [] }))).toEqual([]);
  });
});

/** Each kind of host, and the problems it has at encryption-only, certificate-validation, domain-validation. */
const KINDS: Array<[string, Partial<MxReport>, Partial<TlsInfo>, DeliveryProblemCode[][]]> = [
  [
    'unreachable',
    { reachable: false, starttls: false, tls: null },
    {},
    [['MX_UNREACHABLE'], ['MX_UNREACHABLE'], ['MX_UNREACHABLE']],
  ],
  [
    'without STARTTLS',
    { starttls: false, tls: null },
    {},
    [['NO_STARTTLS'], ['NO_STARTTLS'], ['NO_STARTTLS']],
  ],
  ['with a failed handshake', { tls: null }, {}, [['TLS_FAILED'], ['TLS_FAILED'], ['TLS_FAILED']]],
  [
    'with an untrusted certificate',
    {},
    { trusted: false, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    [[], ['CERT_UNTRUSTED'], ['CERT_UNTRUSTED']],
  ],
  [
    'with an expired certificate',
    {},
    { trusted: false, trustError: 'CERT_HAS_EXPIRED', notAfter: iso(NOW - DAY) },
    [[], ['CERT_EXPIRED'], ['CERT_EXPIRED']],
  ],
  [
    'with a certificate for another name',
    {},
    { sans: ['wrong.invalid'], nameMatches: false },
    [[], [], ['NAME_MISMATCH']],
  ],
  [
    'whose certificate ends in 5 days',
    {},
    { notAfter: iso(NOW + 5 * DAY) },
    [[], ['CERT_EXPIRES_SOON'], ['CERT_EXPIRES_SOON']],
  ],
  [
    'with only TLS 1.0',
    {},
    { version: 'TLSv1', legacy: true },
    [['LEGACY_TLS_ONLY'], ['LEGACY_TLS_ONLY'], ['LEGACY_TLS_ONLY']],
  ],
  ['that is fine', {}, {}, [[], [], []]],
];

const RISKS: readonly DeliveryProblemCode[] = ['CERT_EXPIRES_SOON', 'LEGACY_TLS_ONLY'];

describe('deliveryVerdict at each level', () => {
  describe.each(KINDS)('the only MX %s', (_kind, overrides, cert, perLevel) => {
    it.each(FORCED_TLS_LEVELS.map((level, index) => [level, perLevel[index] ?? []] as const))(
      'at %s has problems %j',
      (level, problems) => {
        const verdict = verdictOf([host(HOST, overrides, cert)], level);
        const refused = problems.some((code) => !RISKS.includes(code));
        expect(verdict.mx[0]).toMatchObject({ host: HOST, accepted: !refused, problems });
        expect(verdict.state).toBe(refused ? 'failing' : problems.length > 0 ? 'at-risk' : 'ok');
        expect(verdict.reasons).toEqual(problems.map((code) => ({ code, host: HOST })));
        expect(verdict.level).toBe(level);
        expect(verdict.tlsDomain).toBe(level === 'domain-validation' ? HOST : null);
      },
    );
  });

  it("tells a failed handshake from no STARTTLS by the probe's finding for that host", () => {
    // The probe sets `starttls` only when TLS came up, so both look alike in the MX report.
    const broken = host(HOST, { starttls: false, tls: null });
    const finding = (code: 'TLS_HANDSHAKE_FAILED' | 'SMTP_NO_STARTTLS', about: string) => ({
      code,
      severity: 'error' as const,
      host: about,
      message: `about ${about}`,
    });
    const judged = (findings: ReturnType<typeof finding>[]) =>
      deliveryVerdict(report(DOMAIN, 'none', { mx: [broken], findings }), entry('encryption-only'), NOW)
        .reasons;
    expect(judged([finding('TLS_HANDSHAKE_FAILED', HOST)])).toEqual([{ code: 'TLS_FAILED', host: HOST }]);
    expect(judged([finding('SMTP_NO_STARTTLS', HOST)])).toEqual([{ code: 'NO_STARTTLS', host: HOST }]);
    expect(judged([finding('TLS_HANDSHAKE_FAILED', 'mx2.partner.example')])).toEqual([
      { code: 'NO_STARTTLS', host: HOST },
    ]);
  });

  it('judges expiry against now, though the cached report said the chain was trusted', () => {
    const cached = host(HOST, {}, { trusted: true, trustError: null, notAfter: iso(NOW - 3600_000) });
    expect(verdictOf([cached], 'certificate-validation')).toMatchObject({
      state: 'failing',
      reasons: [{ code: 'CERT_EXPIRED', host: HOST }],
    });
    expect(verdictOf([cached], 'domain-validation').state).toBe('failing');
    // The same report a day earlier: still delivered, but at risk.
    expect(verdictOf([cached], 'certificate-validation', NOW - DAY).reasons).toEqual([
      { code: 'CERT_EXPIRES_SOON', host: HOST },
    ]);
    expect(verdictOf([cached], 'encryption-only').state).toBe('ok');
  });

  it('counts a certificate without an end date as expired (fail closed)', () => {
    expect(verdictOf([host(HOST, {}, { notAfter: '' })], 'certificate-validation').mx[0]).toMatchObject({
      accepted: false,
      problems: ['CERT_EXPIRED'],
      notAfter: null,
    });
  });

  it('fails when every MX is unreachable', () => {
    const down = { reachable: false, starttls: false, tls: null };
    const verdict = verdictOf(
      [host('mx1.partner.example', down), host('mx2.partner.example', down)],
      'encryption-only',
    );
    expect(verdict).toMatchObject({
      state: 'failing',
      soonestExpiry: null,
      reasons: [
        { code: 'MX_UNREACHABLE', host: 'mx1.partner.example' },
        { code: 'MX_UNREACHABLE', host: 'mx2.partner.example' },
      ],
    });
  });

  it('fails without any MX', () => {
    for (const level of FORCED_TLS_LEVELS)
      expect(verdictOf([], level)).toMatchObject({
        state: 'failing',
        mx: [],
        soonestExpiry: null,
        reasons: [{ code: 'NO_MAIL_HOST' }],
      });
  });

  it('says the MX lookup failed, not "no mail server", when DNS discovery failed', () => {
    const verdict = deliveryVerdict({ mx: [], status: 'unknown' }, entry('encryption-only'), NOW);
    expect(verdict).toMatchObject({ state: 'failing', reasons: [{ code: 'MX_LOOKUP_FAILED' }] });
    expect(deliverySentence(DOMAIN, verdict, 'en')).toContain('could not be looked up in DNS');
    expect(deliverySentence(DOMAIN, verdict, 'nl')).toContain('konden niet in DNS worden opgezocht');
    const noMail = deliveryVerdict({ mx: [], status: 'no-mail' }, entry('encryption-only'), NOW);
    expect(noMail.reasons).toEqual([{ code: 'NO_MAIL_HOST' }]);
  });

  it('puts delivery at risk when a backup MX is refused while the primary accepts', () => {
    const verdict = deliveryVerdict(backupWithoutTlsReport(DOMAIN), entry('encryption-only'), NOW);
    expect(verdict.state).toBe('at-risk');
    expect(verdict.mx.map((one) => [one.host, one.accepted])).toEqual([
      ['mx1.partner.example', true],
      ['mx2.partner.example', false],
    ]);
    expect(verdict.reasons).toEqual([{ code: 'NO_STARTTLS', host: 'mx2.partner.example' }]);
  });

  it('puts delivery at risk when an MX offers only legacy TLS, at every level', () => {
    const hosts = [
      host('mx1.partner.example'),
      host('mx2.partner.example', {}, { version: 'TLSv1.1', legacy: true }),
    ];
    for (const level of ['encryption-only', 'certificate-validation'] as const)
      expect(verdictOf(hosts, level)).toMatchObject({
        state: 'at-risk',
        reasons: [{ code: 'LEGACY_TLS_ONLY', host: 'mx2.partner.example' }],
      });
  });

  it('warns of a certificate ending within 14 days, not 15, and only where the level checks certificates', () => {
    const in13 = host(HOST, {}, { notAfter: iso(NOW + 13 * DAY) });
    const in15 = host(HOST, {}, { notAfter: iso(NOW + 15 * DAY) });
    expect(verdictOf([in13], 'certificate-validation').state).toBe('at-risk');
    expect(verdictOf([in13], 'domain-validation').reasons).toEqual([
      { code: 'CERT_EXPIRES_SOON', host: HOST },
    ]);
    expect(verdictOf([in15], 'certificate-validation').state).toBe('ok');
    expect(verdictOf([in15], 'domain-validation').state).toBe('ok');
    expect(verdictOf([in13], 'encryption-only').state).toBe('ok');
  });

  it('names the soonest expiry among the hosts and lists refusals before risks', () => {
    const soon = host('mx1.partner.example', {}, { notAfter: iso(NOW + 3 * DAY) });
    const plain = host('mx2.partner.example', { starttls: false, tls: null });
    const later = host('mx3.partner.example', { preference: 30 }, { notAfter: iso(NOW + 40 * DAY) });
    const verdict = verdictOf([later, soon, plain], 'certificate-validation');
    expect(verdict.soonestExpiry).toBe(iso(NOW + 3 * DAY));
    expect(verdict.state).toBe('at-risk');
    expect(verdict.reasons).toEqual([
      { code: 'NO_STARTTLS', host: 'mx2.partner.example' },
      { code: 'CERT_EXPIRES_SOON', host: 'mx1.partner.example' },
    ]);
  });

  it('refuses every name at domain-validation when the entry lacks its TlsDomain (fail closed)', () => {
    const verdict = deliveryVerdict(
      report(DOMAIN, 'opportunistic', { mx: [host(HOST)] }),
      { level: 'domain-validation' },
      NOW,
    );
    expect(verdict).toMatchObject({
      state: 'failing',
      tlsDomain: null,
      reasons: [{ code: 'NAME_MISMATCH' }],
    });
  });

  it('accepts a wildcard TlsDomain and a wildcard certificate at domain-validation', () => {
    const wild = host('mx1.partner.example', {}, { sans: ['*.partner.example'] });
    const named = host('mx2.partner.example');
    const verdict = deliveryVerdict(
      report(DOMAIN, 'opportunistic', { mx: [wild, named] }),
      entry('domain-validation', '*.partner.example'),
      NOW,
    );
    expect(verdict.state).toBe('ok');
    expect(verdict.mx.map((one) => one.certNames)).toEqual([['*.partner.example'], ['mx2.partner.example']]);
  });
});

describe('deliverySentence', () => {
  const noStarttls = verdictOf([host(HOST, { starttls: false, tls: null })], 'encryption-only');
  const expiring = verdictOf([host(HOST, {}, { notAfter: '2026-11-25T12:00:00.000Z' })], 'domain-validation');
  const fine = verdictOf([host(HOST)], 'domain-validation');

  it('says a failing domain will not be delivered, in English and Dutch', () => {
    expect(deliverySentence(DOMAIN, noStarttls, 'en')).toBe(
      'Your organisation requires TLS for partner.example, but mx.partner.example offers no STARTTLS: ' +
        'mail to it will wait in the queue and then return undelivered.',
    );
    expect(deliverySentence(DOMAIN, noStarttls, 'nl')).toBe(
      'Uw organisatie vereist TLS voor partner.example, maar mx.partner.example biedt geen STARTTLS: ' +
        'mail ernaartoe blijft in de wachtrij staan en komt daarna onbestelbaar terug.',
    );
  });

  it('says an at-risk domain is still delivered, and why not for long', () => {
    expect(deliverySentence(DOMAIN, expiring, 'en')).toBe(
      'Mail to partner.example is still delivered, but the certificate of mx.partner.example expires on 2026-11-25.',
    );
    expect(deliverySentence(DOMAIN, expiring, 'nl')).toBe(
      'Mail naar partner.example wordt nu nog bezorgd, maar het certificaat van mx.partner.example verloopt op ' +
        '2026-11-25.',
    );
  });

  it('says a healthy domain meets the level', () => {
    expect(deliverySentence(DOMAIN, fine, 'en')).toBe(
      "Every mail server of partner.example meets the connector's requirement (domain validation).",
    );
    expect(deliverySentence(DOMAIN, fine, 'nl')).toBe(
      'Elke mailserver van partner.example voldoet aan de eis van de connector (domeinvalidatie).',
    );
  });

  it('names at most three reasons, then "and N more"', () => {
    const down = [1, 2, 3, 4, 5].map((n) =>
      host(`mx${n}.partner.example`, { reachable: false, starttls: false, tls: null }),
    );
    const verdict = verdictOf(down, 'encryption-only');
    expect(deliverySentence(DOMAIN, verdict, 'en')).toBe(
      'Your organisation requires TLS for partner.example, but mx1.partner.example does not answer, ' +
        'mx2.partner.example does not answer, mx3.partner.example does not answer and 2 more: ' +
        'mail to it will wait in the queue and then return undelivered.',
    );
    expect(deliveryReasons(verdict, 'nl')).toBe(
      'mx1.partner.example antwoordt niet, mx2.partner.example antwoordt niet, mx3.partner.example antwoordt niet ' +
        'en nog 2',
    );
    expect(deliveryReasons(verdictOf(down.slice(0, 2), 'encryption-only'), 'en')).toBe(
      'mx1.partner.example does not answer and mx2.partner.example does not answer',
    );
  });

  it('names the TlsDomain a certificate fails, and a domain without mail servers', () => {
    const misnamed = verdictOf([host(HOST, {}, { sans: ['wrong.invalid'] })], 'domain-validation');
    expect(deliveryReasons(misnamed, 'en')).toBe(
      'the certificate of mx.partner.example does not name mx.partner.example',
    );
    expect(deliveryReasons(misnamed, 'nl')).toBe(
      'het certificaat van mx.partner.example noemt mx.partner.example niet',
    );
    // Beside the host's own name (the console's host list), the same words without it.
    const detail = { tlsDomain: HOST, expiry: '' };
    expect(deliveryProblem('NAME_MISMATCH', detail, 'en')).toBe(
      'the certificate does not name mx.partner.example',
    );
    expect(deliveryProblem('NAME_MISMATCH', detail, 'nl')).toBe(
      'het certificaat noemt mx.partner.example niet',
    );
    expect(deliveryProblem('NO_STARTTLS', detail, 'en')).toBe('offers no STARTTLS');
    expect(deliveryProblem('TLS_FAILED', { ...detail, host: HOST }, 'nl')).toBe(
      'de TLS-handshake met mx.partner.example mislukt',
    );
    expect(deliverySentence(DOMAIN, verdictOf([], 'encryption-only'), 'en')).toBe(
      'Your organisation requires TLS for partner.example, but no mail server could be found for it: ' +
        'mail to it will wait in the queue and then return undelivered.',
    );
  });

  it('has words for every problem in both languages', () => {
    const codes = new Set<DeliveryProblemCode>();
    for (const [, overrides, cert, perLevel] of KINDS)
      FORCED_TLS_LEVELS.forEach((level, index) => {
        if ((perLevel[index] ?? []).length === 0) return;
        const verdict = verdictOf([host(HOST, overrides, cert)], level);
        for (const reason of verdict.reasons) codes.add(reason.code);
        for (const language of ['en', 'nl'] as const) {
          const text = deliverySentence(DOMAIN, verdict, language);
          expect(text).toContain(HOST);
          expect(text).not.toMatch(/undefined|null|\(\)/);
        }
      });
    codes.add('NO_MAIL_HOST');
    codes.add('MX_LOOKUP_FAILED');
    expect(codes.size).toBe(10);
  });
});
