import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses } from '../../contract/error-schema';
import {
  proposalsQuery,
  proposalsResponseSchema,
  type Proposal,
  type ProposalsResponse,
} from '../../contract/forced-tls';
import { connectorPowerShell, isConnectorName, qualify } from '../../core/connector-proposal';
import { certificateNames } from '../../core/delivery';
import { domainIsCovered, forcedTlsCovers, type OrgPolicy } from '../../core/policy';
import type { DomainReport } from '../../core/report';
import { ApiError } from '../errors';
import { requireAdmin } from '../http/require-admin';
import { dayOf, type WarnedDomain } from '../store/activity-store';

const DAY_MS = 86_400_000;
/** Proposals in one answer, most warned and blocked first. */
export const MAX_PROPOSALS = 50;
/** Activity rows read to find them: room for the domains the policy already covers, which are left out. */
const SCANNED = 200;

/** A domain the policy already settles: a connector covers it, or it is the org's own or trusted. */
function settled(domain: string, policy: OrgPolicy): boolean {
  return (
    forcedTlsCovers(domain, policy.forcedTlsDomains) ||
    domainIsCovered(domain, policy.internalDomains) ||
    domainIsCovered(domain, policy.trustedDomains)
  );
}

/** What a TLS-required connector to the domain could be, from its report. */
function proposal(traffic: WarnedDomain, report: DomainReport, now: number): Proposal {
  const qualification = qualify(report, now);
  const level = qualification.level;
  const tlsDomain = level === 'domain-validation' ? qualification.tlsDomain : null;
  return {
    domain: traffic.domain,
    warned: traffic.warned,
    blocked: traffic.blocked,
    status: report.status,
    mx: report.mx.map((mx) => ({
      host: mx.host,
      certNames: mx.tls ? certificateNames(mx.tls) : [],
      notAfter: mx.tls && mx.tls.notAfter !== '' ? mx.tls.notAfter : null,
    })),
    qualifiesFor: level,
    tlsDomain,
    why: qualification.why,
    powershell: level === null ? null : connectorPowerShell(traffic.domain, level, tlsDomain),
  };
}

/**
 * Connectors proposed from real traffic: the domains users were warned or blocked about most lately, that
 * the policy does not already settle, judged as a TLS-required connector would judge them today. Reports
 * come from the lookup cache; a domain never seen is probed, within the lookup service's limits (a full
 * queue is 503 BUSY, as for any lookup).
 */
export function forcedTlsProposalRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/admin/forced-tls/proposals',
    {
      schema: {
        summary:
          'TLS-required connectors proposed from the domains users were warned or blocked about (admin)',
        description: `At most ${MAX_PROPOSALS} domains, most warned and blocked sends first, leaving out those the policy already covers (forced TLS, internal, trusted) and those already enforced by MTA-STS or DANE. A candidate qualifies for a level whose delivery verdict is ok today; the others are listed apart with why.`,
        querystring: proposalsQuery,
        response: { 200: proposalsResponseSchema, ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request): Promise<ProposalsResponse> => {
      requireAdmin(request);
      const activity = app.services.store.activity;
      if (!activity) throw new ApiError('NOT_READY', 'This store keeps no activity.');
      const { days } = request.query;
      const now = Date.now();
      const [{ policy }, traffic] = await Promise.all([
        app.services.policy.current(),
        activity.warnedDomains(dayOf(now - (days - 1) * DAY_MS), dayOf(now), SCANNED),
      ]);
      const open = traffic
        .filter((each) => isConnectorName(each.domain) && !settled(each.domain, policy))
        .slice(0, MAX_PROPOSALS);
      const reports = await app.services.lookup.lookup(
        open.map((each) => each.domain),
        false,
      );
      const answer: ProposalsResponse = { candidates: [], unsuitable: [], days };
      open.forEach((each, index) => {
        const rendered = reports[index];
        if (!rendered) return;
        const report = JSON.parse(rendered.json) as DomainReport;
        // Already enforced by the partner (MTA-STS, DANE): a connector would change nothing for users.
        if (report.status === 'enforced' || report.status === 'invalid') return;
        const proposed = proposal(each, report, now);
        (proposed.qualifiesFor === null ? answer.unsuitable : answer.candidates).push(proposed);
      });
      return answer;
    },
  );
}
