import type { FastifyInstance } from 'fastify';
import { domainOfAddress } from '../../core/decide';

/**
 * Counts a message sent through the secure portal. Recorded on the server when it is created: the add-in
 * reports no decision for it, so it is counted once. Recipient domains only.
 */
export async function recordPortalSend(app: FastifyInstance, recipients: readonly string[]): Promise<void> {
  const store = app.services.store.activity;
  if (!store) return;
  const domains = [...new Set(recipients.map(domainOfAddress))].filter(
    (domain) => domain.length <= 253 && /^[a-z0-9.-]+$/.test(domain),
  );
  await store.record({
    at: Date.now(),
    decision: 'sent-via-portal',
    riskyDomains: domains.slice(0, 50),
    detectionTypes: [],
    riskyAddresses: [],
  });
}
