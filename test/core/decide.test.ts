import type { ContentFinding } from '../../src/core/classifier/index';
import { decide, MAX_MESSAGE_LENGTH, type RecipientInput } from '../../src/core/decide';
import type { DeliveryState, DeliveryVerdict } from '../../src/core/delivery';
import { DEFAULT_POLICY, type OrgPolicy } from '../../src/core/policy';
import type { DomainReport } from '../../src/core/report';
import type { DomainStatus } from '../../src/core/status';

function report(domain: string, status: DomainStatus): DomainReport {
  return {
    input: domain,
    domain,
    status,
    enforcement: status === 'enforced' ? ['mta-sts'] : [],
    mx: [],
    mtaSts: { record: null, id: null, mode: null, mx: [], max_age: null, error: null },
    tlsRpt: { present: false, record: null },
    findings: [],
    checkedAt: '2026-09-01T00:00:00.000Z',
    durationMs: 1,
    cacheTtlSeconds: 86400,
  };
}

/** "bob@x.example:none" -> a recipient whose domain has that status; ":error" -> no report. */
function recipient(spec: string): RecipientInput {
  const [address = '', status = 'error'] = spec.split(':');
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return { address, report: status === 'error' ? null : report(domain, status as DomainStatus) };
}

const IBAN: ContentFinding = {
  type: 'iban',
  confidence: 85,
  start: 0,
  end: 18,
  masked: 'NL91 **** **** **** 4300',
  source: 'body',
};
const CARD_MEDIUM: ContentFinding = {
  type: 'payment-card',
  confidence: 75,
  start: 0,
  end: 19,
  masked: '**** **** **** 1111',
  source: 'body',
};
const SSN_LOW: ContentFinding = {
  type: 'us-ssn',
  confidence: 65,
  start: 0,
  end: 11,
  masked: '***-**-6789',
  source: 'body',
};

const FINDINGS = { none: [], high: [IBAN], medium: [CARD_MEDIUM], low: [SSN_LOW] } as const;
const context = { senderAddress: 'me@ours.example', language: 'en' as const };

interface Row {
  name: string;
  findings: keyof typeof FINDINGS;
  recipients: string[];
  policy?: Partial<OrgPolicy>;
  action: 'allow' | 'warn' | 'block';
  reasons: string[];
  portal?: boolean;
  checkFailed?: boolean;
}

const rows: Row[] = [
  {
    name: 'nothing sensitive to a domain without TLS',
    findings: 'none',
    recipients: ['a@x.example:none'],
    action: 'allow',
    reasons: ['not-sensitive'],
  },
  {
    name: 'nothing sensitive, invalid domain',
    findings: 'none',
    recipients: ['a@x:invalid'],
    action: 'warn',
    reasons: ['invalid'],
  },
  {
    name: 'nothing sensitive, no mail server',
    findings: 'none',
    recipients: ['a@x.example:no-mail'],
    action: 'warn',
    reasons: ['undeliverable'],
  },
  {
    name: 'nothing sensitive, lookup failed',
    findings: 'none',
    recipients: ['a@x.example:error'],
    action: 'allow',
    reasons: ['not-sensitive'],
    checkFailed: false,
  },
  {
    name: 'high to no TLS blocks',
    findings: 'high',
    recipients: ['a@x.example:none'],
    action: 'block',
    reasons: ['none'],
  },
  {
    name: 'high to opportunistic blocks',
    findings: 'high',
    recipients: ['a@x.example:opportunistic'],
    action: 'block',
    reasons: ['opportunistic'],
  },
  {
    name: 'high to enforced passes',
    findings: 'high',
    recipients: ['a@x.example:enforced'],
    action: 'allow',
    reasons: ['enforced'],
  },
  {
    name: 'high to unknown follows unknownAs (warn)',
    findings: 'high',
    recipients: ['a@x.example:unknown'],
    action: 'warn',
    reasons: ['unknown'],
  },
  {
    name: 'unknownAs block',
    findings: 'medium',
    recipients: ['a@x.example:unknown'],
    policy: { unknownAs: 'block' },
    action: 'block',
    reasons: ['unknown'],
  },
  {
    name: 'high with failed lookup follows onBackendError',
    findings: 'high',
    recipients: ['a@x.example:error'],
    action: 'warn',
    reasons: ['lookup-failed'],
    checkFailed: true,
  },
  {
    name: 'onBackendError block',
    findings: 'high',
    recipients: ['a@x.example:error'],
    policy: { onBackendError: 'block' },
    action: 'block',
    reasons: ['lookup-failed'],
    checkFailed: true,
  },
  {
    name: 'medium to opportunistic warns',
    findings: 'medium',
    recipients: ['a@x.example:opportunistic'],
    action: 'warn',
    reasons: ['opportunistic'],
  },
  {
    name: 'low is allowed by default',
    findings: 'low',
    recipients: ['a@x.example:none'],
    action: 'allow',
    reasons: ['not-sensitive'],
  },
  {
    name: 'low blocks when the policy says so',
    findings: 'low',
    recipients: ['a@x.example:none'],
    policy: { actions: { high: 'block', medium: 'block', low: 'block' } },
    action: 'block',
    reasons: ['none'],
  },
  {
    name: 'the sender’s own domain is internal',
    findings: 'high',
    recipients: ['b@ours.example:none'],
    action: 'allow',
    reasons: ['internal'],
  },
  {
    name: 'internal domains and their subdomains pass',
    findings: 'high',
    recipients: ['a@corp.example:none', 'b@eu.corp.example:none'],
    policy: { internalDomains: ['corp.example'] },
    action: 'allow',
    reasons: ['internal', 'internal'],
  },
  {
    name: 'trusted domains pass',
    findings: 'high',
    recipients: ['a@partner.example:none'],
    policy: { trustedDomains: ['partner.example'] },
    action: 'allow',
    reasons: ['trusted'],
  },
  {
    name: 'a forced-TLS domain counts as enforced, even without a report',
    findings: 'high',
    recipients: ['a@bank.example:none', 'b@x.bank2.example:error'],
    policy: {
      forcedTlsDomains: [
        { domain: 'bank.example', level: 'encryption-only' },
        { domain: '*.bank2.example', level: 'encryption-only' },
      ],
    },
    action: 'allow',
    reasons: ['enforced', 'enforced'],
  },
  {
    name: 'a wildcard forced-TLS entry does not cover the parent',
    findings: 'high',
    recipients: ['a@bank2.example:none'],
    policy: { forcedTlsDomains: [{ domain: '*.bank2.example', level: 'encryption-only' }] },
    action: 'block',
    reasons: ['none'],
  },
  {
    name: 'invalid warns even with sensitive content',
    findings: 'high',
    recipients: ['a@x:invalid'],
    action: 'warn',
    reasons: ['invalid'],
  },
  {
    name: 'the strictest recipient decides',
    findings: 'high',
    recipients: ['a@ok.example:enforced', 'b@unk.example:unknown', 'c@bad.example:none'],
    action: 'block',
    reasons: ['none', 'enforced', 'unknown'],
  },
  {
    name: 'portal offered when TLS is the problem',
    findings: 'medium',
    recipients: ['a@x.example:opportunistic'],
    policy: { portal: true },
    action: 'warn',
    reasons: ['opportunistic'],
    portal: true,
  },
  {
    name: 'portal not offered when only delivery is the problem',
    findings: 'high',
    recipients: ['a@x.example:no-mail'],
    policy: { portal: true },
    action: 'warn',
    reasons: ['undeliverable'],
    portal: false,
  },
  {
    name: 'portal not offered when allowed',
    findings: 'high',
    recipients: ['a@x.example:enforced'],
    policy: { portal: true },
    action: 'allow',
    reasons: ['enforced'],
    portal: false,
  },
  {
    name: 'portal offered when the check failed',
    findings: 'high',
    recipients: ['a@x.example:error'],
    policy: { portal: true },
    action: 'warn',
    reasons: ['lookup-failed'],
    portal: true,
    checkFailed: true,
  },
];

describe('decide', () => {
  it.each(rows)('$name', (row) => {
    const policy = { ...DEFAULT_POLICY, ...row.policy };
    const decision = decide(row.recipients.map(recipient), FINDINGS[row.findings], policy, context);
    expect(decision.action).toBe(row.action);
    expect(decision.perRecipient.map((r) => r.reason)).toEqual(row.reasons);
    expect(decision.secureSendOffered).toBe(row.portal ?? false);
    expect(decision.checkFailed).toBe(row.checkFailed ?? false);
    for (const text of [decision.message.en, decision.message.nl]) {
      expect(text.length).toBeGreaterThan(0);
      expect(text.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    }
  });

  it('reports the sensitivity, counting a mapped label as a finding', () => {
    const label: ContentFinding = {
      type: 'label',
      confidence: 75,
      start: 0,
      end: 0,
      masked: 'Intern',
      source: 'label',
      ruleName: 'Intern',
    };
    const decision = decide([recipient('a@x.example:opportunistic')], [label], DEFAULT_POLICY, context);
    expect(decision.sensitivity).toBe('medium');
    expect(decision.action).toBe('warn');
    expect(decision.message.en).toContain('the label "Intern"');
  });

  it('is deterministic: recipient order does not matter and duplicates count once', () => {
    const specs = [
      'c@c.example:none',
      'a@a.example:opportunistic',
      'b@b.example:unknown',
      'A@a.example:opportunistic',
    ];
    const one = decide(specs.map(recipient), [IBAN, CARD_MEDIUM], DEFAULT_POLICY, context);
    const two = decide([...specs].reverse().map(recipient), [CARD_MEDIUM, IBAN], DEFAULT_POLICY, context);
    expect(two).toEqual(one);
    expect(one.perRecipient.map((r) => r.domain)).toEqual(['a.example', 'b.example', 'c.example']);
  });
});

describe('decision messages', () => {
  it('name the risky domains worst first with their status, say what was found, and what to do', () => {
    const decision = decide(
      [
        recipient('a@opp.example:opportunistic'),
        recipient('b@plain.example:none'),
        recipient('c@ok.example:enforced'),
      ],
      [IBAN, { ...IBAN, masked: 'DE89 **** **** **** **** 3000' }, CARD_MEDIUM],
      { ...DEFAULT_POLICY, actions: { high: 'warn', medium: 'warn', low: 'allow' }, portal: true },
      context,
    );
    expect(decision.message.en).toBe(
      'This message contains 2 IBANs: DE89 **** **** **** **** 3000, NL91 **** **** **** 4300 and 1 payment card number: **** **** **** 1111. ' +
        'Mail to plain.example (No TLS) and opp.example (Opportunistic TLS) can travel unencrypted. ' +
        'You can remove these recipients, send it through the secure portal or send anyway.',
    );
    expect(decision.message.nl).toBe(
      "Dit bericht bevat 2 IBAN's: DE89 **** **** **** **** 3000, NL91 **** **** **** 4300 en 1 betaalkaartnummer: **** **** **** 1111. " +
        'Mail naar plain.example (Geen TLS) en opp.example (Opportunistische TLS) kan onversleuteld verstuurd worden. ' +
        'U kunt deze ontvangers verwijderen, het bericht via het beveiligde portaal versturen of het toch verzenden.',
    );
  });

  it('do not offer to send anyway when blocking, and say it is blocked', () => {
    const decision = decide([recipient('b@plain.example:none')], [IBAN], DEFAULT_POLICY, context);
    expect(decision.message.en).toMatch(/^Blocked: this message contains 1 IBAN/);
    expect(decision.message.en).toContain('You can remove the recipient.');
    expect(decision.message.en).not.toContain('send anyway');
    expect(decision.message.nl).toMatch(/^Geblokkeerd: /);
  });

  it('say when the check could not run, and when mail cannot be delivered', () => {
    const failed = decide([recipient('a@x.example:error')], [IBAN], DEFAULT_POLICY, context);
    expect(failed.message.en).toContain('The TLS check could not run for x.example (check failed).');
    const undeliverable = decide([recipient('a@gone.example:no-mail')], [], DEFAULT_POLICY, context);
    expect(undeliverable.message.en).toBe(
      'Mail to gone.example (No mail server) cannot be delivered; check the address. You can correct or remove the address, or send anyway.',
    );
  });

  it('say why sending is fine when it is', () => {
    expect(decide([recipient('a@x.example:none')], [], DEFAULT_POLICY, context).message.en).toBe(
      'No sensitive content found.',
    );
    expect(decide([recipient('a@x.example:enforced')], [IBAN], DEFAULT_POLICY, context).message.en).toContain(
      'every recipient is internal, trusted or receives mail with enforced TLS',
    );
    expect(decide([recipient('a@x.example:none')], [SSN_LOW], DEFAULT_POLICY, context).message.en).toContain(
      'the policy allows sending it',
    );
  });

  it('stay within 500 characters with many long domains and findings, naming three then "and N more"', () => {
    const label = (n: number): string => `${'sub'.repeat(20)}${n}`.slice(0, 63);
    const recipients = Array.from({ length: 50 }, (_, n) =>
      recipient(`user${n}@${label(n)}.${label(n + 100)}.${label(n + 200)}.example:none`),
    );
    const findings: ContentFinding[] = [
      IBAN,
      CARD_MEDIUM,
      SSN_LOW,
      { type: 'nl-bsn', confidence: 85, start: 0, end: 9, masked: '******333', source: 'body' },
      ...Array.from({ length: 8 }, (_, n): ContentFinding => ({
        type: 'custom',
        confidence: 75,
        start: 0,
        end: 5,
        masked: '****x',
        source: 'body',
        ruleId: `rule-${n}`,
        ruleName: `A very long organisation rule name number ${n} that goes on and on`,
      })),
    ];
    const decision = decide(recipients, findings, { ...DEFAULT_POLICY, portal: true }, context);
    for (const text of [decision.message.en, decision.message.nl]) {
      expect(text.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
      expect(text).toMatch(/(and|en) (47|nog 47)/);
      expect(text).toContain('(No TLS)'.replace('No', text === decision.message.nl ? 'Geen' : 'No'));
    }
  });

  it('never contain an unmasked value', () => {
    // Findings carry only masked excerpts; the message is built from those alone.
    const decision = decide([recipient('a@x.example:none')], [IBAN], DEFAULT_POLICY, context);
    expect(decision.message.en).not.toMatch(/NL91ABNA0417164300|0417 1643/);
    expect(decision.message.en).toContain('NL91 **** **** **** 4300');
  });
});

describe('a forced-TLS domain whose connector would refuse every mail server', () => {
  const FORCED: Partial<OrgPolicy> = {
    forcedTlsDomains: [
      { domain: 'partner.example', level: 'encryption-only' },
      { domain: '*.bank.example', level: 'certificate-validation' },
    ],
  };

  /** A forced-TLS recipient whose lookup judged delivery `state` (only the state decides). */
  function forced(address: string, state: DeliveryState): RecipientInput {
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const host = `mx.${domain}`;
    const delivery: DeliveryVerdict = {
      level: 'encryption-only',
      tlsDomain: null,
      state,
      mx: [
        {
          host,
          preference: 10,
          accepted: state !== 'failing',
          problems: state === 'ok' ? [] : [state === 'failing' ? 'NO_STARTTLS' : 'LEGACY_TLS_ONLY'],
          certNames: [],
          notAfter: null,
        },
      ],
      soonestExpiry: null,
      reasons:
        state === 'ok' ? [] : [{ code: state === 'failing' ? 'NO_STARTTLS' : 'LEGACY_TLS_ONLY', host }],
    };
    return { address, report: { ...report(domain, 'enforced'), enforcement: ['policy'], delivery } };
  }

  it.each([
    ['nothing sensitive', FINDINGS.none],
    ['high content', FINDINGS.high],
  ])('warns (never blocks) with %s, and says the message will not be delivered', (_name, findings) => {
    const decision = decide(
      [forced('ann@partner.example', 'failing')],
      findings,
      { ...DEFAULT_POLICY, ...FORCED },
      context,
    );
    expect(decision.action).toBe('warn');
    expect(decision.perRecipient).toEqual([
      expect.objectContaining({ reason: 'forced-failing', status: 'enforced', action: 'warn' }),
    ]);
    expect(decision.secureSendOffered).toBe(false);
    expect(decision.message.en).toBe(
      "This message will not be delivered to partner.example, whose mail servers do not meet your organisation's TLS requirement. You can remove the recipient or send anyway.",
    );
    expect(decision.message.nl).toBe(
      'Dit bericht wordt niet bezorgd bij partner.example, waarvan de mailservers niet voldoen aan de TLS-eis van uw organisatie. U kunt de ontvanger verwijderen of het toch verzenden.',
    );
  });

  it('offers the portal when the policy has it on', () => {
    const decision = decide(
      [forced('ann@partner.example', 'failing'), forced('bo@x.bank.example', 'failing')],
      [],
      { ...DEFAULT_POLICY, ...FORCED, portal: true },
      context,
    );
    expect(decision.action).toBe('warn');
    expect(decision.secureSendOffered).toBe(true);
    expect(decision.message.en).toContain(
      'This message will not be delivered to partner.example and x.bank.example, whose mail servers',
    );
    expect(decision.message.en).toContain('send it through the secure portal');
    expect(decision.message.nl).toContain('bij partner.example en x.bank.example, waarvan de mailservers');
    expect(decision.message.nl).toContain('het bericht via het beveiligde portaal versturen');
  });

  it.each(['at-risk', 'ok'] as const)('allows when delivery is %s, whatever the content', (state) => {
    const decision = decide(
      [forced('ann@partner.example', state)],
      FINDINGS.high,
      { ...DEFAULT_POLICY, ...FORCED },
      context,
    );
    expect(decision.action).toBe('allow');
    expect(decision.perRecipient.map((r) => r.reason)).toEqual(['enforced']);
    expect(decision.message.en).not.toContain('will not be delivered');
  });

  it('ignores a failing verdict on a domain the policy no longer lists', () => {
    const decision = decide([forced('ann@other.example', 'failing')], FINDINGS.high, DEFAULT_POLICY, context);
    expect(decision.action).toBe('allow');
    expect(decision.perRecipient.map((r) => r.reason)).toEqual(['enforced']);
  });

  it('keeps the stricter verdict of other recipients, and names both problems', () => {
    const decision = decide(
      [forced('ann@partner.example', 'failing'), recipient('bo@plain.example:none')],
      FINDINGS.high,
      { ...DEFAULT_POLICY, ...FORCED },
      context,
    );
    expect(decision.action).toBe('block');
    expect(decision.message.en).toMatch(/^Blocked: this message contains 1 IBAN/);
    expect(decision.message.en).toContain('Mail to plain.example (No TLS) can travel unencrypted.');
    expect(decision.message.en).toContain('This message will not be delivered to partner.example');
    expect(decision.message.en).toContain('You can remove these recipients.');
  });

  it('fits 500 characters with many failing domains, naming some and counting the rest', () => {
    const label = (n: number): string => `p${n}${'partner'.repeat(9)}`.slice(0, 63);
    const domains = Array.from({ length: 40 }, (_, n) => `${label(n)}.${label(n + 100)}.example`);
    const recipients = [
      ...domains.map((domain) => forced(`user@${domain}`, 'failing')),
      ...Array.from({ length: 10 }, (_, n) => recipient(`u${n}@${label(n + 200)}.example:none`)),
    ];
    const policy: OrgPolicy = {
      ...DEFAULT_POLICY,
      portal: true,
      forcedTlsDomains: domains.map((domain) => ({ domain, level: 'encryption-only' })),
    };
    const decision = decide(recipients, [IBAN, CARD_MEDIUM, SSN_LOW], policy, context);
    expect(decision.action).toBe('block');
    const { en, nl } = decision.message;
    expect(en.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(nl.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(en).toContain('This message will not be delivered to ');
    expect(en).toMatch(/\.example and 3[89] more, whose mail servers/);
    expect(nl).toContain('Dit bericht wordt niet bezorgd bij ');
    expect(nl).toMatch(/\.example en nog 3[89], waarvan de mailservers/);
  });
});
