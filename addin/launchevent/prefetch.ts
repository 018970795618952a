import type { ComposeItem } from '../office/compose';
import type { ApiClient } from '../shared/api';
import {
  compact,
  readStatuses,
  writePolicy,
  writeStatuses,
  type CompactReport,
} from '../shared/session-cache';

/**
 * OnMessageRecipientsChanged: look up every recipient with one batch call and keep the answers (and the
 * policy) in sessionData, so the send check and the task pane start warm.
 */

export const PREFETCH_BUDGET_MS = 8000;

export interface PrefetchEnv {
  item: ComposeItem;
  api: ApiClient;
  now: () => number;
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
    missing.length ? env.api.lookup(missing, Math.max(1, deadline - env.now())) : Promise.resolve([]),
    env.api.policy(Math.max(1, deadline - env.now())).catch(() => null),
  ]);
  const byAddress: Record<string, CompactReport> = {};
  // Keep only current recipients, so the cache does not grow past sessionData's limit.
  for (const address of addresses) {
    const hit = known[address];
    if (hit) byAddress[address] = hit;
  }
  missing.forEach((address, index) => {
    const report = reports[index];
    if (report) byAddress[address] = compact(report);
  });
  await writeStatuses(env.item, byAddress, env.now());
  if (policy) await writePolicy(env.item, policy, env.now());
}
