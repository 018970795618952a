/**
 * The "Sent securely" view's logic, away from React: order, what may still be done to a message, the
 * extension choices within the policy's cap, dates and sizes in the user's language, errors in words, and
 * saving a downloaded file.
 */
import type { Language } from '../../src/core/status';
import { ApiCallError, type PortalMessage } from '../shared/api';
import type { ExtendKind, SentStrings } from './sent-strings';
import { STRINGS } from './strings';

/** The portal's answers come from the database, not from probes: a short wait is enough. */
export const SENT_TIMEOUT_MS = 15_000;
/** A download may be up to the portal's 25 MiB. */
export const DOWNLOAD_TIMEOUT_MS = 120_000;
const DAY_MS = 86_400_000;
/** An extension shorter than this is no extension worth offering. */
const MIN_STEP_MS = 60 * 60_000;

export function newestFirst(messages: readonly PortalMessage[]): PortalMessage[] {
  return [...messages].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/** Revoked and expired messages are gone from the server: nothing more can be done to them. */
export function isLive(message: PortalMessage): boolean {
  return message.status === 'delivered' || message.status === 'opened';
}

export interface ExtendChoice {
  kind: ExtendKind;
  /** ISO time. */
  expiresAt: string;
}

/**
 * 7 and 30 days past the current expiry, and the latest the policy allows (`maxExpiresAt`), each capped at
 * that latest; choices that would not move the expiry by an hour are left out.
 */
export function extendChoices(message: PortalMessage, now: number): ExtendChoice[] {
  const max = Date.parse(message.maxExpiresAt);
  const current = Math.max(Date.parse(message.expiresAt), now);
  if (!isLive(message) || !(max - current >= MIN_STEP_MS)) return [];
  const choices: ExtendChoice[] = [];
  for (const [kind, at] of [
    ['week', current + 7 * DAY_MS],
    ['month', current + 30 * DAY_MS],
  ] as const) {
    if (at < max) choices.push({ kind, expiresAt: new Date(at).toISOString() });
  }
  choices.push({ kind: 'max', expiresAt: new Date(max).toISOString() });
  return choices;
}

const locale = (language: Language): string => (language === 'nl' ? 'nl-NL' : 'en-GB');

/** A time the way the user reads it, in their time zone: "24 Dec 2026, 10:00". */
export function formatWhen(iso: string, language: Language): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return '';
  return new Intl.DateTimeFormat(locale(language), { dateStyle: 'medium', timeStyle: 'short' }).format(time);
}

export function formatSize(bytes: number, language: Language): string {
  const number = (value: number, digits: number): string =>
    new Intl.NumberFormat(locale(language), { maximumFractionDigits: digits }).format(value);
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${number(bytes / 1024, 0)} KB`;
  return `${number(bytes / (1024 * 1024), 1)} MB`;
}

/** Why a call failed, in a sentence; the backend's stable codes first, then the kind of failure. */
export function problemText(error: unknown, language: Language, t: SentStrings): string {
  if (error instanceof ApiCallError) {
    if (error.code === 'MESSAGE_CLOSED' || error.status === 409) return t.closed;
    if (error.code === 'VALIDATION_FAILED') return t.tooLate;
    return STRINGS[language].problems[error.kind];
  }
  return STRINGS[language].problems.unreachable;
}

/**
 * Saves a file the pane fetched (with the sign-in, which a plain link cannot carry) through a blob URL.
 * Outlook on the web and on Windows save it as a browser would; see docs/addin.md for Mac.
 */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Some hosts start reading the blob only after click() returns.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}
