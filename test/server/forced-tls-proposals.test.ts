import type { FastifyInstance } from 'fastify';
import type { Proposal, ProposalsResponse } from '../../src/contract/forced-tls';
import { startTestIssuer, testEntraConfig, type TestIssuer } from '../support/entra';
import { MailInternet } from '../support/mail-internet';
import { startTestApp, type TestApp } from '../support/server';

/**
 * Connectors proposed from real traffic: activity reported by the add-in, partners probed on the loopback
 * mail internet, the proposals judged as a TLS-required connector would judge them, and the console's
 * one-click add (a PUT of the policy) turning a candidate into an enforced, delivering domain.
 */

const ADMIN = 'proposals-admin-'.padEnd(48, 'p');
const admin = { authorization: `Bearer ${ADMIN}` };
const GOOD = 'good.proposals.test';
const MULTI = 'multi.proposals.test';
const MISNAMED = 'misnamed.proposals.test';
const PLAIN = 'plain.proposals.test';
const FORCED = 'forced.proposals.test';
const COVERED = 'sub.covered.proposals.test';
const INTERNAL = 'internal.proposals.test';
const TRUSTED = 'trusted.proposals.test';
const STS = 'sts.proposals.test';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let net: MailInternet;
let issuer: TestIssuer;
let test: TestApp;
let app: FastifyInstance;
let user: { authorization: string };

async function report(decision: 'warned' | 'blocked', domains: string[], times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: user,
      payload: { decision, riskyDomains: domains },
    });
    expect(response.statusCode).toBe(202);
  }
}

async function putPolicy(change: (policy: Record<string, unknown>) => Record<string, unknown>) {
  const current = await app.inject({ url: '/api/v1/policy', headers: user });
  const { policy } = current.json<{ policy: Record<string, unknown> }>();
  return app.inject({
    method: 'PUT',
    url: '/api/v1/admin/policy',
    headers: { ...admin, 'if-match': String(current.headers.etag) },
    payload: change(policy),
  });
}

const proposals = async (): Promise<ProposalsResponse> => {
  const response = await app.inject({ url: '/api/v1/admin/forced-tls/proposals?days=30', headers: admin });
  expect(response.statusCode).toBe(200);
  return response.json<ProposalsResponse>();
};

beforeAll(async () => {
  [net, issuer] = await Promise.all([MailInternet.start(), startTestIssuer()]);
  const hosts = await Promise.all([
    net.mailHost({ name: `mx.${GOOD}` }),
    net.mailHost({ name: `mx1.${MULTI}` }),
    net.mailHost({ name: `mx2.${MULTI}` }),
    net.mailHost({ name: `mx.${MISNAMED}`, cert: 'misnamed' }),
    net.mailHost({ name: `mx.${PLAIN}`, mode: 'plain' }),
    net.mailHost({ name: `mx.${FORCED}` }),
    net.mailHost({ name: `mx.${STS}` }),
  ]);
  await net.mtaSts(STS, { policy: `version: STSv1\nmode: enforce\nmx: mx.${STS}\nmax_age: 3600\n` });
  for (const host of hosts.filter((each) => !each.name.endsWith(MULTI)))
    net.mx(host.name.slice(host.name.indexOf('.') + 1), [[10, host.name]]);
  net.mx(MULTI, [
    [10, `mx1.${MULTI}`],
    [20, `mx2.${MULTI}`],
  ]);
  test = await startTestApp(net, {
    auth: 'entra',
    entra: testEntraConfig(issuer),
    adminToken: ADMIN,
  });
  app = test.app;
  user = { authorization: `Bearer ${await issuer.token()}` };

  const seeded = await putPolicy((policy) => ({
    ...policy,
    forcedTlsDomains: [
      { domain: FORCED, level: 'encryption-only' },
      { domain: '*.covered.proposals.test', level: 'encryption-only' },
    ],
    internalDomains: [INTERNAL],
    trustedDomains: [TRUSTED],
  }));
  expect(seeded.statusCode).toBe(200);
  await report('warned', [GOOD, MISNAMED], 3);
  await report('blocked', [GOOD, PLAIN], 2);
  await report('blocked', [PLAIN], 2);
  await report('warned', [MULTI], 1);
  // Enforced by the partner's own MTA-STS (users were warned before it was): nothing to gain.
  await report('warned', [STS], 5);
  // Settled by the policy: never proposed, however often users were warned.
  await report('warned', [FORCED, COVERED, INTERNAL, TRUSTED], 9);
});
afterAll(async () => {
  await app.close();
  await Promise.all([net.close(), issuer.close()]);
});

const mxOf = (host: string, certNames = [host]) => ({
  host,
  certNames,
  notAfter: expect.stringMatching(ISO) as string,
});

const goodProposal: Proposal = {
  domain: GOOD,
  warned: 3,
  blocked: 2,
  status: 'opportunistic',
  mx: [mxOf(`mx.${GOOD}`)],
  qualifiesFor: 'domain-validation',
  tlsDomain: `mx.${GOOD}`,
  why: [],
  powershell:
    "New-OutboundConnector -Name 'TLS Gate - good.proposals.test' -ConnectorType Partner -RecipientDomains 'good.proposals.test' -TlsSettings DomainValidation -TlsDomain 'mx.good.proposals.test' -RequireTls $true -UseMXRecord $true",
};

describe('GET /api/v1/admin/forced-tls/proposals', () => {
  it('proposes connectors for the domains users were warned or blocked about, most first', async () => {
    const answer = await proposals();
    expect(answer.days).toBe(30);
    expect(answer.candidates).toEqual([
      goodProposal,
      {
        domain: MISNAMED,
        warned: 3,
        blocked: 0,
        status: 'opportunistic',
        // The certificate names another host: trusted, but no name to pin.
        mx: [mxOf(`mx.${MISNAMED}`, ['wrong.invalid'])],
        qualifiesFor: 'certificate-validation',
        tlsDomain: null,
        why: [],
        powershell:
          "New-OutboundConnector -Name 'TLS Gate - misnamed.proposals.test' -ConnectorType Partner -RecipientDomains 'misnamed.proposals.test' -TlsSettings CertificateValidation -RequireTls $true -UseMXRecord $true",
      },
      {
        domain: MULTI,
        warned: 1,
        blocked: 0,
        status: 'opportunistic',
        mx: [mxOf(`mx1.${MULTI}`), mxOf(`mx2.${MULTI}`)],
        qualifiesFor: 'domain-validation',
        // Each host's certificate names only itself: the narrowest wildcard over both.
        tlsDomain: `*.${MULTI}`,
        why: [],
        powershell:
          "New-OutboundConnector -Name 'TLS Gate - multi.proposals.test' -ConnectorType Partner -RecipientDomains 'multi.proposals.test' -TlsSettings DomainValidation -TlsDomain '*.multi.proposals.test' -RequireTls $true -UseMXRecord $true",
      },
    ]);
    expect(answer.unsuitable).toEqual([
      {
        domain: PLAIN,
        warned: 0,
        blocked: 4,
        status: 'none',
        mx: [{ host: `mx.${PLAIN}`, certNames: [], notAfter: null }],
        qualifiesFor: null,
        tlsDomain: null,
        why: [{ code: 'NO_STARTTLS', host: `mx.${PLAIN}` }],
        powershell: null,
      },
    ]);
    const sts = await app.inject({ url: `/api/v1/domains/${STS}`, headers: user });
    expect(sts.json()).toMatchObject({ status: 'enforced', enforcement: ['mta-sts'] });
  });

  it('answers from the lookup cache once the partners were probed', async () => {
    const probes = test.probes();
    expect((await proposals()).candidates).toHaveLength(3);
    expect(test.probes()).toBe(probes);
  });

  it('adds a candidate in one PUT of the policy: enforced, delivering, and no longer proposed', async () => {
    const entry = { domain: GOOD, level: goodProposal.qualifiesFor, tlsDomain: goodProposal.tlsDomain };
    const added = await putPolicy((policy) => ({
      ...policy,
      forcedTlsDomains: [...(policy.forcedTlsDomains as object[]), entry],
    }));
    expect(added.statusCode).toBe(200);
    const lookup = await app.inject({ url: `/api/v1/domains/${GOOD}`, headers: user });
    expect(lookup.json()).toMatchObject({
      status: 'enforced',
      enforcement: ['policy'],
      delivery: { level: 'domain-validation', tlsDomain: `mx.${GOOD}`, state: 'ok', reasons: [] },
    });
    const answer = await proposals();
    expect(answer.candidates.map((proposal) => proposal.domain)).toEqual([MISNAMED, MULTI]);
    expect(answer.unsuitable.map((proposal) => proposal.domain)).toEqual([PLAIN]);
  });

  it('refuses a range outside 1 to 90 days', async () => {
    for (const days of ['0', '91', 'x']) {
      const response = await app.inject({
        url: `/api/v1/admin/forced-tls/proposals?days=${days}`,
        headers: admin,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('is for admins only: 401 without credentials, 403 for a user', async () => {
    const anonymous = await app.inject({ url: '/api/v1/admin/forced-tls/proposals' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json<{ error: { code: string } }>().error.code).toBe('UNAUTHENTICATED');
    const signedIn = await app.inject({ url: '/api/v1/admin/forced-tls/proposals', headers: user });
    expect(signedIn.statusCode).toBe(403);
    expect(signedIn.json<{ error: { code: string } }>().error.code).toBe('FORBIDDEN');
  });
});
