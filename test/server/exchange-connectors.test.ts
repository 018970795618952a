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

function ok(json: unknown) {
  const result = importOutboundConnectors(typeof json === 'string' ? json : JSON.stringify(json));
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('importOutboundConnectors', () => {
  it('takes the RecipientDomains of connectors whose TlsSettings is set', () => {
    const imported = ok([
      partner,
      { Name: 'Opportunistic', Enabled: true, TlsSettings: null, RecipientDomains: ['loose.example'] },
    ]);
    expect(imported.domains).toEqual(['*.bank.example', 'partner.example']);
    expect(imported.connectors).toEqual([
      { name: 'Partner TLS', tls: 'DomainValidation', domains: ['*.bank.example', 'partner.example'] },
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
    expect(imported.domains).toEqual(['*.three.example', '*.two.example', 'one.example']);
    expect(imported.connectors[0]?.tls).toBe('level 2');
  });

  it('strips a byte-order mark', () => {
    expect(ok(`\uFEFF${JSON.stringify(partner)}`).domains).toHaveLength(2);
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
    expect(imported.domains).toEqual(['ok.example']);
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
  it('lists what would be added and what is already there', () => {
    expect(connectorImportChanges(['a.example', 'b.example'], ['b.example', 'c.example'])).toEqual({
      add: ['c.example'],
      keep: ['b.example'],
    });
  });
});
