import {
  connectorPowerShell,
  isConnectorName,
  qualify,
  suggestTlsDomain,
} from '../../src/core/connector-proposal';
import { mx, tls } from '../support/reports';

/** What connector a partner could take, from hand-made reports (the probe's shape, no network). */

const NOW = Date.parse('2026-11-20T09:30:00.000Z');
const DAY = 86_400_000;
const named = (host: string, preference: number, names: string[], more: Parameters<typeof tls>[0] = {}) =>
  mx(host, preference, { tls: tls({ subject: `CN=${names[0] ?? host}`, sans: names, ...more }) });

describe('connectorPowerShell', () => {
  it('writes the exact command for each level', () => {
    expect(connectorPowerShell('partner.example', 'domain-validation', 'mx.partner.example')).toBe(
      "New-OutboundConnector -Name 'TLS Gate - partner.example' -ConnectorType Partner -RecipientDomains 'partner.example' -TlsSettings DomainValidation -TlsDomain 'mx.partner.example' -RequireTls $true -UseMXRecord $true",
    );
    expect(connectorPowerShell('partner.example', 'certificate-validation', null)).toBe(
      "New-OutboundConnector -Name 'TLS Gate - partner.example' -ConnectorType Partner -RecipientDomains 'partner.example' -TlsSettings CertificateValidation -RequireTls $true -UseMXRecord $true",
    );
    expect(connectorPowerShell('partner.example', 'encryption-only', null)).toBe(
      "New-OutboundConnector -Name 'TLS Gate - partner.example' -ConnectorType Partner -RecipientDomains 'partner.example' -TlsSettings EncryptionOnly -RequireTls $true -UseMXRecord $true",
    );
    expect(connectorPowerShell('partner.example', 'domain-validation', '*.partner.example')).toContain(
      "-TlsDomain '*.partner.example' -RequireTls",
    );
  });

  it('keeps the connector name within 64 characters', () => {
    const long = `${'a'.repeat(60)}.example`;
    const command = connectorPowerShell(long, 'encryption-only', null);
    expect(command).toContain(`-Name '${`TLS Gate - ${long}`.slice(0, 64)}' `);
    expect(command).toContain(`-RecipientDomains '${long}'`);
  });

  it.each([
    ['a quote (PowerShell injection)', "x'; Remove-Mailbox -Identity *; '.example", null],
    ['a variable', '$env:USERNAME.example', null],
    ['upper case', 'Partner.example', null],
    ['a Unicode label', 'bücher.example', null],
    ['no dot', 'localhost', null],
    ['a TlsDomain with a quote', 'partner.example', "mx.partner.example'"],
    ['a TlsDomain with a space', 'partner.example', 'mx partner.example'],
    ['domain-validation without a TlsDomain', 'partner.example', null],
  ])('refuses %s', (_label, domain, tlsDomain) => {
    expect(() => connectorPowerShell(domain, 'domain-validation', tlsDomain)).toThrow(/A-label/);
  });

  it('ignores a TlsDomain at levels that do not use it', () => {
    expect(connectorPowerShell('partner.example', 'encryption-only', 'mx.partner.example')).not.toContain(
      'TlsDomain',
    );
  });
});

describe('isConnectorName', () => {
  it.each([
    ['mx.partner.example', true],
    ['*.partner.example', true],
    ['xn--bcher-kva.example', true],
    ['*.example', false],
    ['*', false],
    ['a.*.example', false],
    ['-mx.partner.example', false],
    ['mx..partner.example', false],
    ['mx.partner.example.', false],
    ['', false],
  ])('%s: %s', (name, ok) => {
    expect(isConnectorName(name)).toBe(ok);
  });
});

describe('suggestTlsDomain', () => {
  it('proposes the one name a single MX certificate carries', () => {
    expect(suggestTlsDomain({ mx: [named('mx.partner.example', 10, ['mx.partner.example'])] })).toBe(
      'mx.partner.example',
    );
  });

  it('proposes a name every certificate carries, the primary’s first', () => {
    const shared = ['mail.partner.example', 'mx1.partner.example', 'mx2.partner.example'];
    expect(
      suggestTlsDomain({
        mx: [
          named('mx2.partner.example', 20, [...shared].reverse()),
          named('mx1.partner.example', 10, shared),
        ],
      }),
    ).toBe('mail.partner.example');
  });

  it('proposes the narrowest wildcard over per-host names under one parent', () => {
    expect(
      suggestTlsDomain({
        mx: [
          named('mx1.eu.partner.example', 10, ['mx1.eu.partner.example']),
          named('mx2.eu.partner.example', 20, ['mx2.eu.partner.example']),
        ],
      }),
    ).toBe('*.eu.partner.example');
    expect(
      suggestTlsDomain({
        mx: [
          named('mx1.eu.partner.example', 10, ['mx1.eu.partner.example']),
          named('mx1.us.partner.example', 20, ['mx1.us.partner.example']),
        ],
      }),
    ).toBe('*.partner.example');
  });

  it('proposes a wildcard name the certificates carry as it is', () => {
    expect(
      suggestTlsDomain({
        mx: [
          named('partner-example.mail.protection.outlook.com', 0, ['*.mail.protection.outlook.com'], {
            subject: 'CN=mail.protection.outlook.com',
          }),
        ],
      }),
    ).toBe('*.mail.protection.outlook.com');
  });

  it('proposes nothing when the certificates have nothing in common', () => {
    expect(
      suggestTlsDomain({
        mx: [
          named('mx.partner.example', 10, ['mx.partner.example']),
          named('mx.backup.net', 20, ['mx.backup.net']),
        ],
      }),
    ).toBeNull();
  });

  it('proposes nothing from a certificate that does not name its own host, or from no certificate', () => {
    expect(
      suggestTlsDomain({ mx: [named('mx.partner.example', 10, ['wrong.invalid'], { nameMatches: false })] }),
    ).toBeNull();
    expect(
      suggestTlsDomain({ mx: [mx('mx.partner.example', 10, { starttls: false, tls: null })] }),
    ).toBeNull();
    expect(suggestTlsDomain({ mx: [] })).toBeNull();
  });

  it('never proposes a name that could not go into the command', () => {
    const hostile = "mx.partner.example' ; Remove-Mailbox";
    expect(
      suggestTlsDomain({ mx: [named('mx.partner.example', 10, [hostile], { subject: `CN=${hostile}` })] }),
    ).toBeNull();
  });

  it('uses the subject CN when there are no SANs', () => {
    expect(
      suggestTlsDomain({ mx: [named('mx.partner.example', 10, [], { subject: 'CN=mx.partner.example' })] }),
    ).toBe('mx.partner.example');
  });
});

describe('qualify', () => {
  it('qualifies a partner whose certificates name their hosts for domain-validation', () => {
    const result = qualify({ mx: [named('mx.partner.example', 10, ['mx.partner.example'])] }, NOW);
    expect(result).toMatchObject({ level: 'domain-validation', tlsDomain: 'mx.partner.example', why: [] });
    expect(result.verdicts['domain-validation']?.state).toBe('ok');
  });

  it('qualifies a partner whose certificate names another host for certificate-validation', () => {
    const result = qualify(
      { mx: [named('mx.partner.example', 10, ['wrong.invalid'], { nameMatches: false })] },
      NOW,
    );
    expect(result).toMatchObject({ level: 'certificate-validation', tlsDomain: null });
    expect(result.verdicts['domain-validation']).toBeNull();
  });

  it('qualifies an untrusted or soon-ending certificate for encryption-only (at-risk does not count)', () => {
    const untrusted = qualify(
      { mx: [named('mx.partner.example', 10, ['mx.partner.example'], { trusted: false })] },
      NOW,
    );
    expect(untrusted.level).toBe('encryption-only');
    const ending = qualify(
      {
        mx: [
          named('mx.partner.example', 10, ['mx.partner.example'], {
            notAfter: new Date(NOW + 5 * DAY).toISOString(),
          }),
        ],
      },
      NOW,
    );
    expect(ending.verdicts['domain-validation']?.state).toBe('at-risk');
    expect(ending.level).toBe('encryption-only');
  });

  it('qualifies nothing without STARTTLS, and says why', () => {
    const result = qualify({ mx: [mx('mx.partner.example', 10, { starttls: false, tls: null })] }, NOW);
    expect(result.level).toBeNull();
    expect(result.why).toEqual([{ code: 'NO_STARTTLS', host: 'mx.partner.example' }]);
  });

  it('qualifies nothing when a backup MX would be refused at every level (at risk), and says why', () => {
    const result = qualify(
      {
        mx: [
          named('mx1.partner.example', 10, ['mx1.partner.example']),
          mx('mx2.partner.example', 20, { starttls: false, tls: null }),
        ],
      },
      NOW,
    );
    expect(result.verdicts['encryption-only'].state).toBe('at-risk');
    expect(result.level).toBeNull();
    expect(result.why).toEqual([{ code: 'NO_STARTTLS', host: 'mx2.partner.example' }]);
  });

  it('qualifies nothing for a domain without mail servers', () => {
    expect(qualify({ mx: [] }, NOW)).toMatchObject({ level: null, why: [{ code: 'NO_MAIL_HOST' }] });
  });
});
