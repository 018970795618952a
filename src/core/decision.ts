/**
 * The shape of a send decision, shared by its logic (decide.ts) and its wording (decide-messages.ts), so
 * neither has to import the other's module for it.
 */
import type { Action, Sensitivity } from './policy';
import type { DomainReport } from './report';
import type { DomainStatus, Language } from './status';

export interface RecipientInput {
  address: string;
  /** null: the status could not be had (backend error or timeout). */
  report: DomainReport | null;
}

export interface DecisionContext {
  senderAddress: string;
  /** The user's language. The decision carries both languages; this is for callers that pass it along. */
  language: Language;
}

/** Stable codes for why a recipient got its action. */
export type RecipientReason =
  | 'internal'
  | 'trusted'
  | 'enforced'
  | 'not-sensitive'
  | 'opportunistic'
  | 'none'
  | 'unknown'
  | 'undeliverable'
  /** The org's TLS-required connector would refuse every mail server of the domain (delivery `failing`). */
  | 'forced-failing'
  | 'invalid'
  | 'lookup-failed';

export interface RecipientDecision {
  address: string;
  domain: string;
  status: DomainStatus | 'error';
  action: Action;
  reason: RecipientReason;
}

export interface Decision {
  action: Action;
  sensitivity: Sensitivity | null;
  /** One entry per distinct address, sorted by domain then address. */
  perRecipient: RecipientDecision[];
  /** At most 500 characters each (the Smart Alerts limit). */
  message: Record<Language, string>;
  secureSendOffered: boolean;
  /** A recipient's TLS status could not be had while the content is sensitive. */
  checkFailed: boolean;
}

export const MAX_MESSAGE_LENGTH = 500;

/** Code-unit order, not the locale's, so the decision and its wording are the same everywhere. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
