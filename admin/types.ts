import type { PolicyDocument } from './api';
import type { Phrase } from './strings';

/** The console's shared UI state, apart from App.tsx so the tabs it renders need not import it. */

/** A message in a tab: made when shown, in the language shown. */
export interface Message {
  ok: boolean;
  text: Phrase;
}

/** The policy as the console last saw it, shared by every tab that changes it (they send If-Match). */
export interface PolicyState {
  current: PolicyDocument;
  /** After a save or rollback: the server's new document. */
  replace(document: PolicyDocument): void;
  reload(): Promise<void>;
}
