import { connectorImportChanges, importOutboundConnectors } from '../../src/server/admin/exchange-connectors';

/** Shapes of `Get-OutboundConnector | ConvertTo-Json` as Exchange Online PowerShell writes them. */

const partner = {
  Name: 'Partner TLS',
  Enabled: true,
  ConnectorType: 'Partner',
  TlsSettings: 'DomainValidation',
  TlsDomain: 'mail.partner.example',
  RecipientDomains: ['Partner.example', '*.bank.example'],
  IsTransportRuleScoped: false,
};

const domains = (imported: { entries: Array<{ domain: string }> }): string[] =>
  imported.entries.map((entry) => entry.domain);

function ok(json: unknown) {
  const result = importOutboundConnectors(typeof json === 'string' ? json : JSON.stringify(json));
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('importOutboundConnectors', () => {
  it('takes the RecipientDomains of connectors whose TlsSettings is set, with level and TlsDomain', () => {
    const imported = ok([
      partner,
      { Name: 'Opportunistic', Enabled: true, TlsSettings: null, RecipientDomains: ['loose.example'] },
    ]);
    const level = { level: 'domain-validation', tlsDomain: 'mail.partner.example' };
    expect(imported.entries).toEqual([
      { domain: '*.bank.example', ...level },
      { domain: 'partner.example', ...level },
    ]);
    expect(imported.connectors).toEqual([
      {
        name: 'Partner TLS',
        tls: 'domain-validation',
        tlsDomain: 'mail.partner.example',
        domains: ['*.bank.example', 'partner.example'],
      },
    ]);
    expect(imported.skipped).toEqual(['Opportunistic: TlsSettings is not set, so TLS is not required']);
  });

  it('accepts a single object, enums as numbers, and domains as objects', () => {
    const imported = ok({
      Name: 'Old PowerShell',
      TlsSettings: 2,
      RecipientDomains: [
        { Domain: 'one.example', IncludeSubDomains: false },
        { Domain: 'two.example', IncludeSubDomains: true },
        { Address: '*.three.example' },
      ],
    });
    expect(domains(imported)).toEqual(['*.three.example', '*.two.example', 'one.example']);
    expect(imported.connectors[0]?.tls).toBe('certificate-validation');
  });

  it('reads every TlsAuthLevel number, a TlsDomain object, and keeps the stricter of two connectors', () => {
    const imported = ok([
      { Name: 'One', TlsSettings: 1, RecipientDomains: ['a.example', 'b.example'] },
      {
        Name: 'Four',
        TlsSettings: { Value: 4 },
        TlsDomain: { Domain: 'mx.b.example', IncludeSubDomains: false },
        RecipientDomains: ['b.example'],
      },
    ]);
    expect(imported.entries).toEqual([
      { domain: 'a.example', level: 'encryption-only' },
      { domain: 'b.example', level: 'domain-validation', tlsDomain: 'mx.b.example' },
    ]);
  });

  it('skips a level Exchange does not define and DomainValidation without a TlsDomain', () => {
    const imported = ok([
      { Name: 'Odd', TlsSettings: 3, RecipientDomains: ['odd.example'] },
      { Name: 'Nameless', TlsSettings: 'DomainValidation', RecipientDomains: ['nameless.example'] },
    ]);
    expect(imported.entries).toEqual([]);
    expect(imported.skipped).toEqual([
      'Odd: TlsSettings has a value Exchange does not define',
      'Nameless: DomainValidation without a usable TlsDomain',
    ]);
  });

  it('strips a byte-order mark', () => {
    expect(ok(`\uFEFF${JSON.stringify(partner)}`).entries).toHaveLength(2);
  });

  it('skips disabled connectors, "*", transport-rule scoping and non-domains, saying why', () => {
    const imported = ok([
      { ...partner, Name: 'Off', Enabled: false },
      {
        Name: 'Everything',
        TlsSettings: 'EncryptionOnly',
        RecipientDomains: ['*', 'x@y.example', 'ok.example'],
      },
      {
        Name: 'Rules',
        TlsSettings: 'CertificateValidation',
        RecipientDomains: [],
        IsTransportRuleScoped: true,
      },
    ]);
    expect(domains(imported)).toEqual(['ok.example']);
    expect(imported.skipped).toEqual([
      'Off: disabled',
      'Everything: applies to all domains (*), which cannot be listed per domain',
      'Everything: "x@y.example" is not a domain',
      'Rules: scoped by transport rules, so its domains are not listed',
    ]);
  });

  it.each([
    ['not JSON', 'Name : Partner TLS', 'not JSON'],
    ['a number', '42', 'connector object'],
    ['an empty list', '[]', 'connector object'],
    ['unrelated objects', '[{"DisplayName":"Alice"}]', 'Get-OutboundConnector'],
    ['too much text', `"${'x'.repeat(3 * 1024 * 1024)}"`, 'over'],
  ])('refuses %s with a clear message', (_label, json, fragment) => {
    const result = importOutboundConnectors(json);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(fragment);
  });
});

describe('connectorImportChanges', () => {
  it('lists what would be added, what changes level and what is already there', () => {
    const enc = (domain: string) => ({ domain, level: 'encryption-only' as const });
    const cert = (domain: string) => ({ domain, level: 'certificate-validation' as const });
    expect(
      connectorImportChanges(
        [enc('a.example'), enc('b.example'), enc('d.example')],
        [enc('b.example'), enc('c.example'), cert('d.example')],
      ),
    ).toEqual({
      add: [enc('c.example')],
      update: [cert('d.example')],
      keep: ['b.example'],
      result: [enc('a.example'), enc('b.example'), enc('c.example'), cert('d.example')],
    });
  });
});
