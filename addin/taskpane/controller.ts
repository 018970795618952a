/**
 * The task pane's state and I/O, away from React: recipients grouped by domain, their statuses (from the
 * recipients-changed prefetch in sessionData, else the backend), the full reports for the details, the
 * content scan, and the same decision the on-send check makes. React renders snapshots of it.
 */
import { classifyMessage, type ContentFinding } from '../../src/core/classifier/index';
import { decide, domainOfAddress, type Decision, type RecipientInput } from '../../src/core/decide';
import { portalExpiry, type Action, type OrgPolicy } from '../../src/core/policy';
import type { DomainReport } from '../../src/core/report';
import type { SendContext } from '../launchevent/send-check';
import {
  officeSecureDraft,
  type ComposeItem,
  type MailboxInfo,
  type RecipientField,
  type SecureDraftOffice,
  type TaskpaneOffice,
} from '../office/compose';
import type { DurableStore } from '../office/storage';
import { ApiCallError, type ApiClient, type ApiErrorKind } from '../shared/api';
import { ADDIN_ON_BACKEND_ERROR } from '../shared/build-info';
import { loadLastPolicy, offlinePolicy, readOrgPolicy, savePolicy } from '../shared/policy-store';
import { expand, readPolicy, readStatuses } from '../shared/session-cache';
import { markStatusesArrived } from './perf';
import { sendSecurely, type SecureSendResult } from './secure-send';

/** A cold lookup probes the domain's servers (up to 10 s by default on the backend). */
export const LOOKUP_TIMEOUT_MS = 15_000;
const POLICY_TIMEOUT_MS = 8_000;
/** Outlook raises RecipientsChanged per field; one re-read covers a burst. */
const RECIPIENTS_DEBOUNCE_MS = 80;

export interface PaneRecipient {
  address: string;
  displayName: string;
  field: RecipientField;
}

export interface DomainRow {
  /** Lowercase A-label, as the backend reports it ('' for an address without a domain). */
  domain: string;
  recipients: PaneRecipient[];
  /** `checking` while a lookup for it runs (shown as "Checking…"); `failed` when it could not be had. */
  state: 'checking' | 'ready' | 'failed';
  report: DomainReport | null;
  /** The backend's full report (MX, MTA-STS, DANE details), not only the compact one from sessionData. */
  full: boolean;
}

export type ScanState = 'idle' | 'scanning' | 'done' | 'failed';

export interface PaneSnapshot {
  /** The recipients have been read at least once. */
  loaded: boolean;
  /** Domains in the order their first recipient appears in To, Cc, Bcc. */
  rows: DomainRow[];
  /** The last backend failure, until a call succeeds again. */
  problem: ApiErrorKind | null;
  /** Reading the draft through Office failed. */
  officeFailed: boolean;
  /** `scanned`: findings are from a finished scan (a rescan keeps showing them until it ends). */
  scan: { state: ScanState; findings: ContentFinding[]; scanned: boolean };
  /** Why the Smart Alert opened the pane, when it did. */
  context: SendContext | null;
  /** What the on-send check would decide now; null until every status and the scan are in. */
  decision: Decision | null;
  /** Bumped whenever lookup answers are applied (the benchmark times the paint after it). */
  statusVersion: number;
  /** The org policy offers the secure portal (`policy.portal`); null until the policy is in. */
  portal: boolean | null;
  /** The policy's default portal expiry in days: the longest the pane offers (the server caps at its max). */
  portalExpiryDays: number;
  /** Outlook can send for the pane (Mailbox 1.15); else the user presses Send after "Send securely". */
  canSend: boolean;
}

export interface PaneEnv {
  item: ComposeItem;
  mailbox: MailboxInfo;
  office: TaskpaneOffice;
  api: ApiClient;
  /** The draft writes of "Send securely"; Office.js's by default. */
  draft?: SecureDraftOffice;
  now?: () => number;
  /** Where the last policy fetched is kept across sessions, for the send check when the backend is down. */
  store?: DurableStore;
}

export function parseSendContext(text: string | null): SendContext | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
  const actions: readonly unknown[] = ['allow', 'warn', 'block'];
  if ((v.reason !== 'blocked' && v.reason !== 'warned') || !actions.includes(v.action)) return null;
  if (!strings(v.riskyDomains) || !strings(v.findingTypes)) return null;
  return {
    reason: v.reason,
    action: v.action as Action,
    riskyDomains: v.riskyDomains.map((d) => d.toLowerCase()),
    findingTypes: v.findingTypes,
  };
}

function problemOf(error: unknown): ApiErrorKind {
  return error instanceof ApiCallError ? error.kind : 'unreachable';
}

export class PaneController {
  private snapshot: PaneSnapshot = {
    loaded: false,
    rows: [],
    problem: null,
    officeFailed: false,
    scan: { state: 'idle', findings: [], scanned: false },
    context: null,
    decision: null,
    statusVersion: 0,
    portal: null,
    portalExpiryDays: portalExpiry({}).defaultDays,
    canSend: false,
  };
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;
  private policy: OrgPolicy | null = null;
  private policyFailed = false;
  private policyLoading: Promise<OrgPolicy> | null = null;
  /** Which lookup call owns each domain's pending answer; older answers are dropped. */
  private readonly pending = new Map<string, number>();
  private lookupSeq = 0;
  private recipientsSeq = 0;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private stopRecipients: (() => Promise<void>) | null = null;
  private disposed = false;

  // Public: the "Sent securely" view uses the same API client and Office adapters.
  constructor(readonly env: PaneEnv) {
    this.now = env.now ?? (() => Date.now());
    this.snapshot = { ...this.snapshot, canSend: env.mailbox.supports('1.15') };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): PaneSnapshot => this.snapshot;

  private update(change: Partial<PaneSnapshot>): void {
    if (this.disposed) return;
    const next = { ...this.snapshot, ...change };
    next.decision = this.decisionFor(next);
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }

  private setRows(rows: DomainRow[], change: Partial<PaneSnapshot> = {}): void {
    this.update({ ...change, rows });
  }

  /** Reads the context, policy, recipients and content, and follows recipient changes. */
  async start(): Promise<void> {
    const context = this.env.office.initializationContext().then(parseSendContext, () => null);
    const listening = this.env.office
      .onRecipientsChanged(() => {
        this.recipientsChanged();
      })
      .then(
        (stop) => {
          this.stopRecipients = stop;
        },
        // Without the event (older clients) the pane still works; Refresh re-reads the recipients.
        () => undefined,
      );
    await Promise.all([
      context.then((value) => {
        this.update({ context: value });
      }),
      this.loadRecipients(),
      this.scan(),
      listening,
    ]);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.debounce);
    this.listeners.clear();
    void this.stopRecipients?.().catch(() => undefined);
  }

  private recipientsChanged(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      // The user is editing: the body may have changed too, and the verdict depends on both.
      void Promise.all([this.loadRecipients(), this.scan()]);
    }, RECIPIENTS_DEBOUNCE_MS);
  }

  private async readRecipients(): Promise<PaneRecipient[] | null> {
    try {
      const fields = await this.env.item.recipients();
      const list: PaneRecipient[] = [];
      for (const field of ['to', 'cc', 'bcc'] as const)
        for (const r of fields[field]) {
          const address = r.emailAddress.trim();
          if (address) list.push({ address, displayName: r.displayName, field });
        }
      return list;
    } catch {
      this.update({ officeFailed: true, loaded: true });
      return null;
    }
  }

  /** Re-reads the recipients; new domains get their status from sessionData, else from the backend. */
  async loadRecipients(): Promise<void> {
    const seq = ++this.recipientsSeq;
    const recipients = await this.readRecipients();
    if (!recipients || seq !== this.recipientsSeq) return;
    const cached = await readStatuses(this.env.item, this.now());
    if (seq !== this.recipientsSeq) return;

    const known = new Map(this.snapshot.rows.map((row) => [row.domain, row]));
    const rows = new Map<string, DomainRow>();
    for (const recipient of recipients) {
      const domain = domainOfAddress(recipient.address);
      let row = rows.get(domain);
      if (!row) {
        const previous = known.get(domain);
        row = previous
          ? { ...previous, recipients: [] }
          : { domain, recipients: [], state: 'checking', report: null, full: false };
        rows.set(domain, row);
      }
      // The same address in To and Cc is one recipient to the decision, but the user sees both.
      row.recipients.push(recipient);
    }
    // A status the recipients-changed handler prefetched is shown at once, even while a lookup runs.
    for (const row of rows.values()) {
      if (row.report) continue;
      const hit = row.recipients.map((r) => cached[r.address.toLowerCase()]).find((h) => h !== undefined);
      if (hit) Object.assign(row, { state: 'ready', report: expand(hit) });
    }
    this.setRows([...rows.values()], { loaded: true, officeFailed: false });
    // Full reports for every row lacking one: rows without any status show "Checking…" meanwhile, rows
    // with a prefetched status keep it.
    const missing = [...rows.values()].filter((row) => !row.full && !this.pending.has(row.domain));
    if (missing.length > 0)
      await this.lookup(
        missing.map((row) => row.domain),
        false,
      );
  }

  /** Re-checks every domain with the backend, bypassing its cache (`?fresh=1`). */
  async refresh(): Promise<void> {
    await this.loadRecipients();
    const domains = this.snapshot.rows.map((row) => row.domain);
    if (domains.length > 0) await this.lookup(domains, true);
  }

  /** After a failure: whatever is missing is asked again. */
  async retry(): Promise<void> {
    if (this.policyFailed) {
      this.policy = null;
      this.policyLoading = null;
    }
    const scan = this.snapshot.scan.state === 'failed' || this.policyFailed ? this.scan() : Promise.resolve();
    if (this.snapshot.officeFailed || this.snapshot.rows.length === 0) await this.loadRecipients();
    const missing = this.snapshot.rows.filter((row) => !row.full && !this.pending.has(row.domain));
    await Promise.all([
      scan,
      missing.length > 0
        ? this.lookup(
            missing.map((r) => r.domain),
            false,
          )
        : null,
    ]);
  }

  private async lookup(domains: string[], fresh: boolean): Promise<void> {
    const seq = ++this.lookupSeq;
    for (const domain of domains) this.pending.set(domain, seq);
    const wanted = new Set(domains);
    // "Checking…" for a re-check, and for rows asked again after a failure; prefetched ones keep theirs.
    if (fresh || this.snapshot.rows.some((row) => wanted.has(row.domain) && row.state === 'failed'))
      this.setRows(
        this.snapshot.rows.map((row) =>
          wanted.has(row.domain) && (fresh || row.state === 'failed')
            ? { ...row, state: 'checking' as const }
            : row,
        ),
      );
    const owned = (domain: string): boolean => this.pending.get(domain) === seq;
    try {
      const reports = await this.env.api.lookup(domains, LOOKUP_TIMEOUT_MS, { fresh });
      markStatusesArrived();
      const byDomain = new Map<string, DomainReport>();
      domains.forEach((domain, index) => {
        const report = reports[index];
        if (report && owned(domain)) byDomain.set(domain, report);
      });
      for (const domain of byDomain.keys()) this.pending.delete(domain);
      this.setRows(
        this.snapshot.rows.map((row) => {
          const report = byDomain.get(row.domain);
          return report ? { ...row, state: 'ready' as const, report, full: true } : row;
        }),
        { problem: null, statusVersion: this.snapshot.statusVersion + 1 },
      );
    } catch (error) {
      const failed = new Set(domains.filter(owned));
      for (const domain of failed) this.pending.delete(domain);
      // A row with a prefetched status keeps it; a row without one cannot be judged (as on send).
      this.setRows(
        this.snapshot.rows.map((row) =>
          failed.has(row.domain)
            ? { ...row, state: row.report ? ('ready' as const) : ('failed' as const) }
            : row,
        ),
        { problem: problemOf(error), statusVersion: this.snapshot.statusVersion + 1 },
      );
    }
  }

  /** The policy as the send check gets it: sessionData, else the backend, else the copy kept, else the build's. */
  private loadPolicy(): Promise<OrgPolicy> {
    this.policyLoading ??= (async () => {
      const cached = await readPolicy(this.env.item, this.now());
      if (cached) return cached;
      try {
        const document = await this.env.api.policy(POLICY_TIMEOUT_MS);
        const policy = readOrgPolicy(document.policy);
        if (!policy) throw new ApiCallError('bad-response', 'TLS Gate sent a policy in an unexpected shape.');
        this.policyFailed = false;
        if (this.env.store) void savePolicy(this.env.store, document);
        return policy;
      } catch (error) {
        this.policyFailed = true;
        this.update({ problem: problemOf(error) });
        const kept = this.env.store ? await loadLastPolicy(this.env.store) : null;
        return offlinePolicy(kept, ADDIN_ON_BACKEND_ERROR).policy;
      }
    })().then((policy) => {
      this.policy = policy;
      this.update({ portal: policy.portal, portalExpiryDays: portalExpiry(policy).defaultDays });
      return policy;
    });
    return this.policyLoading;
  }

  /** Classifies the draft as the send check does (subject, body text, attachment names, label). */
  async scan(): Promise<void> {
    this.update({ scan: { ...this.snapshot.scan, state: 'scanning' } });
    try {
      const { item } = this.env;
      const [subject, body, attachmentNames, labelId, policy] = await Promise.all([
        item.subject(),
        item.bodyText(),
        item.attachmentNames().catch(() => [] as string[]),
        item.sensitivityLabelId().catch(() => null),
        this.loadPolicy(),
      ]);
      const { findings } = classifyMessage(
        { subject, body, bodyType: 'text', attachmentNames, sensitivityLabelId: labelId },
        policy,
      );
      this.update({ scan: { state: 'done', findings, scanned: true } });
    } catch {
      this.update({ scan: { state: 'failed', findings: [], scanned: false } });
    }
  }

  /** Removes the given recipients from the draft (the pane's only write; the UI confirms first). */
  async removeRecipients(addresses: readonly string[]): Promise<void> {
    await this.env.office.removeRecipients(addresses);
    await this.loadRecipients();
  }

  /** Sends the draft through the secure portal (the UI confirms first); see secure-send.ts. */
  async sendSecurely(expiresInDays?: number): Promise<SecureSendResult> {
    const { item, mailbox, api } = this.env;
    const result = await sendSecurely({
      draft: this.env.draft ?? officeSecureDraft(),
      api,
      recipients: () => item.recipients(),
      subject: () => item.subject(),
      senderEmail: mailbox.userEmail,
      language: mailbox.language,
      canSend: mailbox.supports('1.15'),
      expiresInDays,
    });
    // The draft changed (or was put back): read it again.
    if (result.outcome === 'ready' || result.outcome === 'step-failed')
      await Promise.all([this.loadRecipients(), this.scan()]);
    return result;
  }

  private decisionFor(state: PaneSnapshot): Decision | null {
    if (!state.loaded || !state.scan.scanned || !this.policy) return null;
    if (state.rows.some((row) => row.state === 'checking')) return null;
    const inputs: RecipientInput[] = [];
    const seen = new Set<string>();
    for (const row of state.rows)
      for (const recipient of row.recipients) {
        if (seen.has(recipient.address)) continue;
        seen.add(recipient.address);
        inputs.push({ address: recipient.address, report: row.state === 'ready' ? row.report : null });
      }
    return decide(inputs, state.scan.findings, this.policy, {
      senderAddress: this.env.mailbox.userEmail,
      language: this.env.mailbox.language,
    });
  }
}
