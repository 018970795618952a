import type { ComposeItem } from '../office/compose';
import type { DurableStore } from '../office/storage';
import type { SendCheckApi } from '../shared/api';
import { readOrgPolicy, savePolicy } from '../shared/policy-store';
import {
  compactOrNull,
  readStatuses,
  writePolicy,
  writeStatuses,
  type CompactReport,
} from '../shared/session-cache';

/**
 * OnMessageRecipientsChanged: look up every recipient with one batch call and keep the answers (and the
 * policy) in sessionData, so the send check and the task pane start warm. The policy is also kept across
 * sessions, for sends while the backend is unreachable.
 */

export const PREFETCH_BUDGET_MS = 8000;

export interface PrefetchEnv {
  item: ComposeItem;
  api: SendCheckApi;
  now: () => number;
  store: DurableStore;
}

export async function prefetch(env: PrefetchEnv): Promise<void> {
  const deadline = env.now() + PREFETCH_BUDGET_MS;
  const recipients = await env.item.recipients();
  const addresses = [
    ...new Set(
      [...recipients.to, ...recipients.cc, ...recipients.bcc]
        .map((recipient) => recipient.emailAddress.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const known = await readStatuses(env.item, env.now());
  const missing = addresses.filter((address) => !(address in known));

  const [reports, policy] = await Promise.all([
    missing.length
      ? env.api.lookup(missing, Math.max(1, deadline - env.now())).catch(() => null)
      : Promise.resolve([]),
    env.api.policy(Math.max(1, deadline - env.now())).then(
      // Kept as sent: whoever reads it back upgrades it (readOrgPolicy).
      (document) => (readOrgPolicy(document.policy) ? document : null),
      () => null,
    ),
  ]);
  if (policy)
    await Promise.all([
      writePolicy(env.item, policy, env.now()).catch(() => undefined),
      savePolicy(env.store, policy),
    ]);
  // A failed lookup leaves the cache as it was: the send check asks again.
  if (reports === null) return;
  const byAddress: Record<string, CompactReport> = {};
  // Keep only current recipients, so the cache does not grow past sessionData's limit.
  for (const address of addresses) {
    const hit = known[address];
    if (hit) byAddress[address] = hit;
  }
  missing.forEach((address, index) => {
    const report = reports[index];
    const kept = compactOrNull(report);
    if (kept) byAddress[address] = kept;
  });
  await writeStatuses(env.item, byAddress, env.now());
}
