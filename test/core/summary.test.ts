import { summarizeReport } from '../../src/core/summary';
import { DOMAIN_STATUSES } from '../../src/core/status';
import {
  backupWithoutTlsReport,
  daneReport,
  enforcedReport,
  mx,
  report,
  reportFor,
  tls,
  untrustedReport,
} from '../support/reports';

describe('summarizeReport', () => {
  it('names what enforces TLS', () => {
    expect(summarizeReport(enforcedReport('example.org'), 'en')).toBe('MTA-STS enforce');
    expect(summarizeReport(daneReport('example.org'), 'en')).toBe('DANE');
    const both = { ...enforcedReport('example.org'), enforcement: ['mta-sts', 'dane'] as const };
    expect(summarizeReport({ ...both, enforcement: [...both.enforcement] }, 'en')).toBe(
      'MTA-STS enforce, DANE',
    );
    expect(summarizeReport(report('partner.example', 'enforced', { enforcement: ['policy'] }), 'en')).toBe(
      "Your organisation's TLS connector",
    );
    expect(summarizeReport(report('partner.example', 'enforced', { enforcement: ['policy'] }), 'nl')).toBe(
      'TLS-connector van uw organisatie',
    );
  });

  it('names the backup MX that offers no STARTTLS', () => {
    expect(summarizeReport(backupWithoutTlsReport('example.org'), 'en')).toBe(
      'backup MX mx2.example.org offers no STARTTLS',
    );
    expect(summarizeReport(backupWithoutTlsReport('example.org'), 'nl')).toBe(
      'back-up-MX mx2.example.org biedt geen STARTTLS',
    );
  });

  it('names the primary MX without "backup", and counts the others', () => {
    const value = report('plain.example', 'none', {
      mx: [
        mx('a.plain.example', 10, { starttls: false, tls: null }),
        mx('b.plain.example', 10, { starttls: false, tls: null }),
      ],
    });
    expect(summarizeReport(value, 'en')).toBe('a.plain.example offers no STARTTLS (+1 more)');
  });

  it('says whether STARTTLS was refused or the handshake failed', () => {
    const refused = report('r.example', 'none', {
      mx: [mx('mx.r.example', 10, { starttls: false, tls: null })],
      findings: [{ code: 'SMTP_STARTTLS_REFUSED', severity: 'error', host: 'mx.r.example', message: '454' }],
    });
    expect(summarizeReport(refused, 'en')).toBe('mx.r.example refuses STARTTLS');
    const failed = report('h.example', 'none', {
      mx: [mx('mx.h.example', 10, { starttls: false, tls: null })],
      findings: [{ code: 'TLS_HANDSHAKE_FAILED', severity: 'error', host: 'mx.h.example', message: 'x' }],
    });
    expect(summarizeReport(failed, 'en')).toBe('TLS handshake with mx.h.example fails');
  });

  it('says why opportunistic TLS is not enforced, certificate problems first', () => {
    expect(summarizeReport(untrustedReport('example.net'), 'en')).toBe('STARTTLS, certificate not trusted');
    expect(summarizeReport(untrustedReport('example.net'), 'nl')).toBe(
      'STARTTLS, certificaat niet vertrouwd',
    );
    const expired = report('e.example', 'opportunistic', {
      mx: [mx('mx.e.example', 10, { tls: tls({ trusted: false, trustError: 'CERT_HAS_EXPIRED' }) })],
    });
    expect(summarizeReport(expired, 'en')).toBe('STARTTLS, certificate expired');
    const legacy = report('l.example', 'opportunistic', {
      mx: [mx('mx.l.example', 10, { tls: tls({ version: 'TLSv1', legacy: true }) })],
    });
    expect(summarizeReport(legacy, 'en')).toBe('STARTTLS, legacy TLS 1');
    const testing = report('t.example', 'opportunistic', {
      mx: [mx('mx.t.example', 10)],
      mtaSts: {
        record: 'v=STSv1; id=1',
        id: '1',
        mode: 'testing',
        mx: ['mx.t.example'],
        max_age: 86400,
        error: null,
      },
    });
    expect(summarizeReport(testing, 'en')).toBe('STARTTLS, MTA-STS only testing');
    const plain = report('p.example', 'opportunistic', { mx: [mx('mx.p.example', 10)] });
    expect(summarizeReport(plain, 'en')).toBe('STARTTLS, no MTA-STS or DANE');
    expect(summarizeReport(plain, 'nl')).toBe('STARTTLS, geen MTA-STS of DANE');
  });

  it('does not mistake the info finding of an enforce policy for a weakness', () => {
    const value = report('d.example', 'opportunistic', {
      mx: [mx('mx.d.example', 10)],
      findings: [
        { code: 'MTA_STS_ENFORCE', severity: 'info', message: 'MTA-STS policy in enforce mode' },
        { code: 'DANE_MX_INSECURE', severity: 'warning', message: 'not DNSSEC' },
      ],
    });
    expect(summarizeReport(value, 'en')).toBe('STARTTLS, DANE without DNSSEC');
  });

  it('explains no-mail, unknown and invalid', () => {
    expect(summarizeReport(reportFor('gone.example', 'no-mail'), 'en')).toBe(
      'Null MX: this domain accepts no mail',
    );
    expect(
      summarizeReport(
        report('x.example', 'no-mail', {
          findings: [{ code: 'DNS_NXDOMAIN', severity: 'error', message: 'x' }],
        }),
        'nl',
      ),
    ).toBe('Het domein bestaat niet');
    expect(summarizeReport(reportFor('slow.example', 'unknown'), 'en')).toBe('No mail server answered');
    expect(
      summarizeReport(
        report('dns.example', 'unknown', {
          findings: [{ code: 'DNS_FAILED', severity: 'error', message: 'x' }],
        }),
        'en',
      ),
    ).toBe('DNS lookup failed');
    expect(
      summarizeReport(
        report('lan.example', 'unknown', {
          mx: [mx('mx.lan.example', 10, { addresses: ['10.0.0.5'], probedAddress: null, reachable: false })],
          findings: [{ code: 'PRIVATE_ADDRESS_REFUSED', severity: 'warning', message: 'x' }],
        }),
        'en',
      ),
    ).toBe('Mail servers have only private addresses');
    expect(summarizeReport(reportFor('nodot', 'invalid'), 'en')).toBe('Not a valid domain');
  });

  it('gives a short line for every status in both languages, also without MX details', () => {
    for (const status of DOMAIN_STATUSES)
      for (const language of ['en', 'nl'] as const) {
        const full = summarizeReport(reportFor('example.org', status), language);
        const bare = summarizeReport(report('example.org', status), language);
        for (const line of [full, bare]) {
          expect(line.length).toBeGreaterThan(0);
          expect(line.length).toBeLessThanOrEqual(80);
          expect(line).not.toMatch(/[{}]/);
        }
      }
  });
});
