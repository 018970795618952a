import { classifyMessage } from '../../src/core/classifier/index';
import { decide, type Decision, type RecipientInput } from '../../src/core/decide';
import { ACTIVITY_ADDRESS, stricter, type Action, type OrgPolicy } from '../../src/core/policy';
import { promptUserSendMode, type ComposeItem, type MailboxInfo, type Recipients } from '../office/compose';
import type { DurableStore } from '../office/storage';
import type { ActivityReport, DecisionEvent, SendCheckApi } from '../shared/api';
import type { BuildOnBackendError } from '../shared/build-info';
import { hasPortalNotice, textOutsideTrustedNotices } from '../shared/portal-notice';
import {
  loadLastPolicy,
  offlinePolicy,
  readOrgPolicy,
  savePolicy,
  type OfflinePolicy,
} from '../shared/policy-store';
import { compactOrNull, expand, readPolicy, readStatuses, type CompactReport } from '../shared/session-cache';
import { FAILURE_REASONS, TEXTS } from './messages';

/**
 * The on-send decision, away from Office.js: read the draft (never write it), get statuses from the
 * session cache or the backend, classify, decide, and turn that into Smart Alert options.
 */

/** The task pane button; the Smart Alert's button opens it (Mailbox 1.14). */
export const TASKPANE_COMMAND_ID = 'TLSGate.TaskpaneButton';
/** The whole handler must finish well inside Outlook's 5-second "taking longer" threshold. */
export const SEND_BUDGET_MS = 4000;

export interface SendEnv {
  item: ComposeItem;
  mailbox: MailboxInfo;
  api: SendCheckApi;
  now: () => number;
  /** Where the last policy fetched is kept across sessions (addin/shared/policy-store.ts). */
  store: DurableStore;
  /** The build's ADDIN_ON_BACKEND_ERROR: for when no policy was ever kept and none can be fetched. */
  offlineDefault: BuildOnBackendError;
}

/** What the task pane reads from contextData when the Smart Alert opens it. */
export interface SendContext {
  reason: 'blocked' | 'warned';
  action: Action;
  riskyDomains: string[];
  findingTypes: string[];
}

export type CompletedOptions = Office.SmartAlertsEventCompletedOptions;

const DECISION_NAMES: Readonly<Record<Action, DecisionEvent['decision']>> = {
  allow: 'allowed',
  warn: 'warned',
  block: 'blocked',
};

/** The attempt id is bookkeeping: it may never hold up the decision, so sessionData gets this long. */
const ATTEMPT_STORAGE_MS = 1000;

function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(fallback);
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A random attempt id. It only tells warnings apart: Math.random will do where the runtime lacks crypto. */
function newAttemptId(): string {
  const bytes = new Uint8Array(22);
  if (typeof crypto !== 'undefined' && typeof crypto.getRandomValues === 'function')
    crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let id = '';
  for (let i = 0; i < bytes.length; i++) id += ID_ALPHABET.charAt((bytes[i] ?? 0) & 63);
  return id;
}

function allRecipients(recipients: Recipients): string[] {
  const seen = new Set<string>();
  for (const recipient of [...recipients.to, ...recipients.cc, ...recipients.bcc]) {
    const address = recipient.emailAddress.trim();
    if (address) seen.add(address);
  }
  return [...seen];
}

/** Reading the kept policy is local (roaming settings are in memory), but OfficeRuntime.storage may hang. */
const STORE_READ_MS = 500;

type PolicyInForce = Omit<OfflinePolicy, 'source'> & { source: OfflinePolicy['source'] | 'backend' };

/**
 * The org's policy: prefetched, else fetched (and kept), else the copy kept from an earlier fetch, else the
 * build's default. Never the defaults while the org's own policy is known: that was the fail-open.
 */
async function policyFor(
  env: SendEnv,
  deadline: number,
  onPolicy?: (policy: OrgPolicy) => void,
): Promise<PolicyInForce> {
  const online = (policy: OrgPolicy): PolicyInForce => ({ policy, source: 'backend', floor: null });
  const cached = await readPolicy(env.item, env.now());
  if (cached) return online(cached);
  // Read the kept copy meanwhile, so that running out of time already follows it.
  const kept = within(loadLastPolicy(env.store), STORE_READ_MS, null);
  let fetched = false;
  void kept.then((last) => {
    if (!fetched) onPolicy?.(offlinePolicy(last, env.offlineDefault).policy);
  });
  try {
    const document = await env.api.policy(Math.max(1, deadline - env.now()));
    const policy = readOrgPolicy(document.policy);
    if (policy) {
      fetched = true;
      // Never awaited: keeping it may not hold up the decision.
      savePolicy(env.store, document).catch(() => undefined);
      return online(policy);
    }
  } catch {
    // Unreachable, out of time or refused: as a policy not in the expected shape, the kept copy decides.
  }
  return offlinePolicy(await kept, env.offlineDefault);
}

/** Statuses for every address: from the session cache, else one batch call; null where the call failed. */
async function statusesFor(
  env: SendEnv,
  addresses: readonly string[],
  deadline: number,
): Promise<{ byAddress: Map<string, CompactReport | null> }> {
  const cached = await readStatuses(env.item, env.now());
  const byAddress = new Map<string, CompactReport | null>();
  const missing: string[] = [];
  for (const address of addresses) {
    const hit = cached[address.toLowerCase()];
    if (hit) byAddress.set(address, hit);
    else missing.push(address);
  }
  if (missing.length === 0) return { byAddress };
  try {
    // Addresses go to the backend, which reduces them to domains itself and logs no address.
    const reports = await env.api.lookup(missing, Math.max(1, deadline - env.now()));
    missing.forEach((address, index) => {
      const report = reports[index];
      byAddress.set(address, compactOrNull(report));
    });
  } catch {
    // Unreachable, out of time or refused: these recipients count as "could not be checked".
    for (const address of missing) byAddress.set(address, null);
  }
  return { byAddress };
}

function options(decision: Decision, findingTypes: readonly string[], env: SendEnv): CompletedOptions {
  const language = env.mailbox.language;
  if (decision.action === 'allow') return { allowEvent: true };
  const errorMessage = decision.message[language];
  const modern = env.mailbox.supports('1.14');
  if (decision.action === 'warn') {
    // Send Anyway needs 1.14; on older clients a warning can only hold the send like a block.
    return modern
      ? { allowEvent: false, errorMessage, sendModeOverride: promptUserSendMode() }
      : { allowEvent: false, errorMessage };
  }
  if (!modern) return { allowEvent: false, errorMessage };
  const context: SendContext = {
    reason: 'blocked',
    action: decision.action,
    riskyDomains: [
      ...new Set(
        decision.perRecipient.filter((recipient) => recipient.action !== 'allow').map((r) => r.domain),
      ),
    ],
    findingTypes: [...new Set(findingTypes)].sort(),
  };
  return {
    allowEvent: false,
    errorMessage,
    // The button opens the task pane; it says "Send securely" only when the portal is really offered.
    cancelLabel: decision.secureSendOffered ? TEXTS[language].sendSecurely : TEXTS[language].review,
    commandId: TASKPANE_COMMAND_ID,
    contextData: JSON.stringify(context),
  };
}

/** The options when the check could not run (backend down, out of time, an error): the policy decides. */
export function checkFailedOptions(
  action: Action,
  cause: 'timeout' | 'unreachable' | 'error',
  env: Pick<SendEnv, 'mailbox'>,
): CompletedOptions {
  if (action === 'allow') return { allowEvent: true };
  const language = env.mailbox.language;
  const errorMessage = TEXTS[language].checkFailed(FAILURE_REASONS[language][cause]).slice(0, 500);
  if (action === 'warn' && env.mailbox.supports('1.14'))
    return {
      allowEvent: false,
      errorMessage,
      sendModeOverride: promptUserSendMode(),
    };
  return { allowEvent: false, errorMessage };
}

/** Runs the check. Throws only on a bug; the caller maps that to onBackendError. */
export async function runSendCheck(
  env: SendEnv,
  deadline: number,
  onPolicy?: (policy: OrgPolicy) => void,
  onDecision?: (event: ActivityReport) => void,
): Promise<CompletedOptions> {
  // The policy and the statuses are asked for at once: a slow backend costs the budget once, not twice.
  const policyResult = policyFor(env, deadline, onPolicy);
  const [recipients, subject, body, bodyHtml, attachmentNames, labelId, previousAttempt] = await Promise.all([
    env.item.recipients(),
    env.item.subject(),
    env.item.bodyText(),
    env.item.bodyHtml().catch(() => ''),
    env.item.attachmentNames().catch(() => [] as string[]),
    env.item.sensitivityLabelId().catch(() => null),
    // A warning earlier in this draft whose Send Anyway was not taken: the user is trying again.
    within(env.item.sendAttempt(), ATTEMPT_STORAGE_MS, null),
  ]);
  const addresses = allRecipients(recipients);
  // Statuses are needed even for harmless content: undeliverable domains are worth a warning.
  const statuses = statusesFor(env, addresses, deadline);
  const inForce = await policyResult;
  const { policy } = inForce;
  onPolicy?.(policy);

  // The pane already sent the content through the secure portal: the draft holds only its notice. Allowed,
  // unless something sensitive was added around the notice (then the usual check runs on all of it). Only
  // the exact notice, for a live portal message of this sender, is left out; if the backend cannot say so
  // in half the time left, nothing is (docs/portal.md). The sensitivity label described the content
  // that is now on the portal, so it does not count here.
  if (hasPortalNotice(bodyHtml)) {
    const outsideText = await textOutsideTrustedNotices(bodyHtml, (link) =>
      env.api.portalLinkLive(link, Math.max(1, Math.floor((deadline - env.now()) / 2))),
    );
    const outside =
      outsideText === null
        ? null
        : classifyMessage(
            { subject, body: outsideText, bodyType: 'text', attachmentNames, sensitivityLabelId: null },
            policy,
          );
    if (outside?.findings.length === 0) {
      // The backend counts the portal send itself; only the earlier warning is to be called off.
      if (previousAttempt !== null) {
        await within(env.item.setSendAttempt(null), ATTEMPT_STORAGE_MS, false);
        onDecision?.({ supersedes: previousAttempt });
      }
      return { allowEvent: true };
    }
  }

  const { findings } = classifyMessage(
    { subject, body, bodyType: 'text', attachmentNames, sensitivityLabelId: labelId },
    policy,
  );
  const { byAddress } = await statuses;
  const inputs: RecipientInput[] = addresses.map((address) => {
    const report = byAddress.get(address);
    return { address, report: report ? expand(report) : null };
  });
  const decision = decide(inputs, findings, policy, {
    senderAddress: env.mailbox.userEmail,
    language: env.mailbox.language,
  });
  // Recipients whose status could not be had follow onBackendError, and the message says so (decide()).
  // Without the org's own policy no content can be judged: at least the floor (addin/shared/policy-store.ts).
  const action = inForce.floor === null ? decision.action : stricter(decision.action, inForce.floor);
  const completed =
    action === decision.action
      ? options(
          decision,
          findings.map((finding) => finding.type),
          env,
        )
      : checkFailedOptions(action, 'unreachable', env);
  // Send Anyway raises no event; the id lets the backend tell a warning that went out from one the user
  // tried again after (docs/admin.md). Without sessionData it cannot be followed up, so none is sent.
  let attempt: string | null = null;
  if (completed.sendModeOverride !== undefined) {
    const id = newAttemptId();
    if (await within(env.item.setSendAttempt(id), ATTEMPT_STORAGE_MS, false)) attempt = id;
  } else if (previousAttempt !== null) await within(env.item.setSendAttempt(null), ATTEMPT_STORAGE_MS, false);
  const risky = decision.perRecipient.filter((r) => r.action !== 'allow');
  const event: DecisionEvent = {
    decision: DECISION_NAMES[action],
    riskyDomains: [...new Set(risky.map((r) => r.domain))]
      .filter((d) => /^[a-z0-9.-]+$/.test(d))
      .slice(0, 50),
    detectionTypes: [...new Set(findings.map((finding) => finding.type))],
  };
  // Addresses are personal data: only when the policy asks for them.
  if (policy.activityAddresses) {
    const kept = [...new Set(risky.map((r) => r.address.trim().toLowerCase()))]
      .filter((address) => address.length <= 254 && ACTIVITY_ADDRESS.test(address))
      .slice(0, 50);
    if (kept.length > 0) event.riskyAddresses = kept;
  }
  if (attempt !== null) event.attempt = attempt;
  if (previousAttempt !== null) event.supersedes = previousAttempt;
  onDecision?.(event);
  return completed;
}
