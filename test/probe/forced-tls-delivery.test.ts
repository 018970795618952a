import { deliveryVerdict, type DeliveryState, type DeliveryVerdict } from '../../src/core/delivery';
import { deliverySentence } from '../../src/core/delivery-messages';
import { FORCED_TLS_LEVELS, type ForcedTlsLevel } from '../../src/core/policy';
import type { DomainReport } from '../../src/core/report';
import { checkDomain } from '../../src/probe/check';
import { MailInternet, type MailHostOptions } from '../support/mail-internet';

/**
 * The delivery verdict from real probes of partners on the loopback mail internet: each judged at the three
 * levels of a TLS-required connector, as Exchange Online would judge them.
 */

let net: MailInternet;
const reports = new Map<string, DomainReport>();

type Host = Omit<MailHostOptions, 'name'>;
/** Each partner's MX hosts, primary first (preference 10, 20, ...). */
const PARTNERS: Record<string, Host[]> = {
  'drops-starttls.test': [{ mode: 'plain' }],
  'refuses-starttls.test': [{ mode: 'refuse-starttls' }],
  'breaks-tls.test': [{ mode: 'tls-break' }],
  'expiring.test': [{ cert: 'expiring' }],
  'misnamed.test': [{ cert: 'misnamed' }],
  'plain-backup.test': [{}, { mode: 'plain' }],
  'silent-backup.test': [{}, { mode: 'silent' }],
  'healthy.test': [{}],
  'two-names.test': [{}, {}],
  'tls10.test': [{ tls10Only: true }],
};

beforeAll(async () => {
  net = await MailInternet.start();
  for (const [domain, hosts] of Object.entries(PARTNERS)) {
    const started = await Promise.all(
      hosts.map((host, index) => net.mailHost({ name: `mx${index + 1}.${domain}`, ...host })),
    );
    net.mx(
      domain,
      started.map((host, index) => [10 * (index + 1), host.name]),
    );
  }
  await Promise.all(
    Object.keys(PARTNERS).map(async (domain) => {
      reports.set(domain, await checkDomain(domain, net.probeOptions));
    }),
  );
}, 20_000);
afterAll(async () => {
  await net.close();
});

/** The verdict for `domain` at `level`; domain-validation asks for the primary MX's name unless told. */
function verdict(domain: string, level: ForcedTlsLevel, tlsDomain = `mx1.${domain}`): DeliveryVerdict {
  const report = reports.get(domain);
  if (!report) throw new Error(`${domain} was not probed`);
  return deliveryVerdict(report, { level, tlsDomain }, Date.now());
}

type Expected = [state: DeliveryState, reasons: Array<[code: string, host: string]>];
const ok: Expected = ['ok', []];

/** What each partner gets at encryption-only, certificate-validation and domain-validation. */
const EXPECTED: Record<string, [Expected, Expected, Expected]> = {
  'drops-starttls.test': [
    ['failing', [['NO_STARTTLS', 'mx1.drops-starttls.test']]],
    ['failing', [['NO_STARTTLS', 'mx1.drops-starttls.test']]],
    ['failing', [['NO_STARTTLS', 'mx1.drops-starttls.test']]],
  ],
  // A 454 answer to STARTTLS is no STARTTLS to a connector; a broken handshake is a TLS failure.
  'refuses-starttls.test': [
    ['failing', [['NO_STARTTLS', 'mx1.refuses-starttls.test']]],
    ['failing', [['NO_STARTTLS', 'mx1.refuses-starttls.test']]],
    ['failing', [['NO_STARTTLS', 'mx1.refuses-starttls.test']]],
  ],
  'breaks-tls.test': [
    ['failing', [['TLS_FAILED', 'mx1.breaks-tls.test']]],
    ['failing', [['TLS_FAILED', 'mx1.breaks-tls.test']]],
    ['failing', [['TLS_FAILED', 'mx1.breaks-tls.test']]],
  ],
  'expiring.test': [
    ok,
    ['at-risk', [['CERT_EXPIRES_SOON', 'mx1.expiring.test']]],
    ['at-risk', [['CERT_EXPIRES_SOON', 'mx1.expiring.test']]],
  ],
  'misnamed.test': [ok, ok, ['failing', [['NAME_MISMATCH', 'mx1.misnamed.test']]]],
  'plain-backup.test': [
    ['at-risk', [['NO_STARTTLS', 'mx2.plain-backup.test']]],
    ['at-risk', [['NO_STARTTLS', 'mx2.plain-backup.test']]],
    ['at-risk', [['NO_STARTTLS', 'mx2.plain-backup.test']]],
  ],
  'silent-backup.test': [
    ['at-risk', [['MX_UNREACHABLE', 'mx2.silent-backup.test']]],
    ['at-risk', [['MX_UNREACHABLE', 'mx2.silent-backup.test']]],
    ['at-risk', [['MX_UNREACHABLE', 'mx2.silent-backup.test']]],
  ],
  'healthy.test': [ok, ok, ok],
  'tls10.test': [
    ['at-risk', [['LEGACY_TLS_ONLY', 'mx1.tls10.test']]],
    ['at-risk', [['LEGACY_TLS_ONLY', 'mx1.tls10.test']]],
    ['at-risk', [['LEGACY_TLS_ONLY', 'mx1.tls10.test']]],
  ],
};

const CASES = Object.entries(EXPECTED).flatMap(([domain, perLevel]) =>
  FORCED_TLS_LEVELS.map((level, index) => [domain, level, perLevel[index] ?? ok] as const),
);

describe('the delivery verdict of probed partners', () => {
  it.each(CASES)('%s at %s', (domain, level, [state, reasons]) => {
    const judged = verdict(domain, level);
    expect({
      state: judged.state,
      reasons: judged.reasons.map((reason) => [reason.code, reason.host]),
    }).toEqual({
      state,
      reasons,
    });
    expect(judged.mx.map((host) => host.host)).toEqual(
      PARTNERS[domain]?.map((_, index) => `mx${index + 1}.${domain}`),
    );
  });

  it('refuses the MX that dropped STARTTLS and says the mail will return undelivered', () => {
    const judged = verdict('drops-starttls.test', 'encryption-only');
    expect(judged.mx[0]).toMatchObject({ accepted: false, certNames: [], notAfter: null });
    expect(deliverySentence('drops-starttls.test', judged, 'en')).toBe(
      'Your organisation requires TLS for drops-starttls.test, but mx1.drops-starttls.test offers no STARTTLS: ' +
        'mail to it will wait in the queue and then return undelivered.',
    );
  });

  it('sees the certificate that ends in 5 days and names its date', () => {
    const judged = verdict('expiring.test', 'certificate-validation');
    const left = Date.parse(judged.soonestExpiry ?? '') - Date.now();
    expect(left).toBeGreaterThan(4 * 24 * 3600_000);
    expect(left).toBeLessThanOrEqual(5 * 24 * 3600_000);
    expect(judged.mx[0]).toMatchObject({ accepted: true, certNames: ['mx1.expiring.test'] });
    expect(deliverySentence('expiring.test', judged, 'en')).toContain(
      `the certificate of mx1.expiring.test expires on ${judged.soonestExpiry?.slice(0, 10) ?? '?'}`,
    );
  });

  it('fails the misnamed certificate only on the name it must carry', () => {
    const judged = verdict('misnamed.test', 'domain-validation');
    expect(judged).toMatchObject({ tlsDomain: 'mx1.misnamed.test' });
    expect(judged.mx[0]).toMatchObject({ accepted: false, certNames: ['wrong.invalid'] });
    // The chain is trusted: a connector that asks for the name the certificate does carry accepts it.
    expect(verdict('misnamed.test', 'domain-validation', 'wrong.invalid').state).toBe('ok');
  });

  it('accepts the primary while the backup is refused', () => {
    for (const domain of ['plain-backup.test', 'silent-backup.test'])
      expect(verdict(domain, 'domain-validation').mx.map((host) => host.accepted)).toEqual([true, false]);
  });

  it('refuses, under a TlsDomain naming one MX, the other MX; a wildcard TlsDomain accepts both', () => {
    expect(verdict('two-names.test', 'domain-validation')).toMatchObject({
      state: 'at-risk',
      reasons: [{ code: 'NAME_MISMATCH', host: 'mx2.two-names.test' }],
    });
    expect(verdict('two-names.test', 'domain-validation', '*.two-names.test').state).toBe('ok');
    expect(verdict('two-names.test', 'domain-validation', '*.other.test').state).toBe('failing');
  });
});
