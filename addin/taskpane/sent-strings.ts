import type { Language } from '../../src/core/status';
import { plural } from '../../ui/strings';
import type { PortalMessage } from '../shared/api';

/** The texts of the pane's "Sent securely" view and its tabs (the rest of the pane's are in strings.ts). */

export type ExtendKind = 'week' | 'month' | 'max';

export interface SentStrings {
  views: string;
  recipientsTab: string;
  sentTab: string;
  heading: string;
  loading: string;
  none: string;
  list: string;
  refresh: string;
  noSubject: string;
  states: Record<PortalMessage['status'], string>;
  sent: (when: string) => string;
  expires: (when: string) => string;
  expiredAt: (when: string) => string;
  revokedAt: (when: string) => string;
  recipients: string;
  addressGone: string;
  openedAt: (when: string) => string;
  notOpened: string;
  replies: (n: number) => string;
  revoke: string;
  revokeTitle: string;
  revokeBody: (subject: string) => string;
  revokeConfirm: string;
  cancel: string;
  revoked: (subject: string) => string;
  extend: string;
  extendTitle: string;
  extendBody: (latest: string) => string;
  extendChoices: Record<ExtendKind, (until: string) => string>;
  extendConfirm: string;
  extended: (subject: string, until: string) => string;
  atMaximum: string;
  showReplies: (n: number) => string;
  hideReplies: string;
  repliesOf: (subject: string) => string;
  loadingReplies: string;
  replyFrom: (from: string | null, when: string) => string;
  attachments: string;
  download: (name: string) => string;
  downloaded: (name: string) => string;
  /** What went wrong, by action; `problem` is a sentence from strings.ts's `problems` or below. */
  failed: Record<'list' | 'revoke' | 'extend' | 'replies' | 'download', (problem: string) => string>;
  closed: string;
  tooLate: string;
}

export const SENT_STRINGS: Readonly<Record<Language, SentStrings>> = {
  en: {
    views: 'TLS Gate views',
    recipientsTab: 'Recipients',
    sentTab: 'Sent securely',
    heading: 'Sent securely',
    loading: 'Loading your secure messages…',
    none: 'You have not sent anything through the secure portal yet.',
    list: 'Messages you sent securely',
    refresh: 'Refresh',
    noSubject: '(no subject)',
    states: { delivered: 'Delivered', opened: 'Opened', revoked: 'Revoked', expired: 'Expired' },
    sent: (when) => `Sent ${when}`,
    expires: (when) => `Readable until ${when}`,
    expiredAt: (when) => `Expired ${when}`,
    revokedAt: (when) => `Revoked ${when}`,
    recipients: 'Recipients',
    addressGone: 'A recipient (address deleted)',
    openedAt: (when) => `opened ${when}`,
    notOpened: 'not opened',
    replies: (n) => `${n} ${plural(n, 'reply', 'replies')}`,
    revoke: 'Revoke…',
    revokeTitle: 'Revoke this message?',
    revokeBody: (subject) =>
      `“${subject}” is deleted from the secure portal at once: the recipients can no longer read it or reply, ` +
      'even where it is open. This cannot be undone.',
    revokeConfirm: 'Revoke',
    cancel: 'Cancel',
    revoked: (subject) => `“${subject}” was revoked.`,
    extend: 'Extend…',
    extendTitle: 'Keep it readable for longer?',
    extendBody: (latest) => `Your organisation allows it until ${latest} at the latest.`,
    extendChoices: {
      week: (until) => `7 days longer, until ${until}`,
      month: (until) => `30 days longer, until ${until}`,
      max: (until) => `As long as allowed, until ${until}`,
    },
    extendConfirm: 'Extend',
    extended: (subject, until) => `“${subject}” can now be read until ${until}.`,
    atMaximum: 'It already stays readable as long as your organisation allows.',
    showReplies: (n) => `Show ${n} ${plural(n, 'reply', 'replies')}`,
    hideReplies: 'Hide the replies',
    repliesOf: (subject) => `Replies to “${subject}”`,
    loadingReplies: 'Loading the replies…',
    replyFrom: (from, when) => `${from ?? 'A recipient'}, ${when}`,
    attachments: 'Attached files',
    download: (name) => `Download ${name}`,
    downloaded: (name) => `Downloaded ${name}.`,
    failed: {
      list: (problem) => `Your secure messages could not be loaded. ${problem}`,
      revoke: (problem) => `The message was not revoked. ${problem}`,
      extend: (problem) => `The expiry was not changed. ${problem}`,
      replies: (problem) => `The replies could not be loaded. ${problem}`,
      download: (problem) => `The file could not be downloaded. ${problem}`,
    },
    closed: 'The message has been revoked or has expired.',
    tooLate: 'That is later than your organisation allows.',
  },
  nl: {
    views: 'Weergaven van TLS Gate',
    recipientsTab: 'Ontvangers',
    sentTab: 'Veilig verzonden',
    heading: 'Veilig verzonden',
    loading: 'Uw beveiligde berichten laden…',
    none: 'U hebt nog niets via het beveiligde portaal verzonden.',
    list: 'Berichten die u veilig verzond',
    refresh: 'Vernieuwen',
    noSubject: '(geen onderwerp)',
    states: { delivered: 'Afgeleverd', opened: 'Geopend', revoked: 'Ingetrokken', expired: 'Verlopen' },
    sent: (when) => `Verzonden ${when}`,
    expires: (when) => `Leesbaar tot ${when}`,
    expiredAt: (when) => `Verlopen ${when}`,
    revokedAt: (when) => `Ingetrokken ${when}`,
    recipients: 'Ontvangers',
    addressGone: 'Een ontvanger (adres verwijderd)',
    openedAt: (when) => `geopend ${when}`,
    notOpened: 'niet geopend',
    replies: (n) => `${n} ${plural(n, 'antwoord', 'antwoorden')}`,
    revoke: 'Intrekken…',
    revokeTitle: 'Dit bericht intrekken?',
    revokeBody: (subject) =>
      `“${subject}” wordt meteen van het beveiligde portaal verwijderd: de ontvangers kunnen het niet meer lezen ` +
      'of beantwoorden, ook niet als het openstaat. Dit kan niet ongedaan worden gemaakt.',
    revokeConfirm: 'Intrekken',
    cancel: 'Annuleren',
    revoked: (subject) => `“${subject}” is ingetrokken.`,
    extend: 'Verlengen…',
    extendTitle: 'Langer leesbaar houden?',
    extendBody: (latest) => `Uw organisatie staat het toe tot uiterlijk ${latest}.`,
    extendChoices: {
      week: (until) => `7 dagen langer, tot ${until}`,
      month: (until) => `30 dagen langer, tot ${until}`,
      max: (until) => `Zo lang als mag, tot ${until}`,
    },
    extendConfirm: 'Verlengen',
    extended: (subject, until) => `“${subject}” is nu leesbaar tot ${until}.`,
    atMaximum: 'Het blijft al zo lang leesbaar als uw organisatie toestaat.',
    showReplies: (n) => `${n} ${plural(n, 'antwoord', 'antwoorden')} tonen`,
    hideReplies: 'Antwoorden verbergen',
    repliesOf: (subject) => `Antwoorden op “${subject}”`,
    loadingReplies: 'De antwoorden laden…',
    replyFrom: (from, when) => `${from ?? 'Een ontvanger'}, ${when}`,
    attachments: 'Bijgevoegde bestanden',
    download: (name) => `${name} downloaden`,
    downloaded: (name) => `${name} is gedownload.`,
    failed: {
      list: (problem) => `Uw beveiligde berichten konden niet worden geladen. ${problem}`,
      revoke: (problem) => `Het bericht is niet ingetrokken. ${problem}`,
      extend: (problem) => `De vervaldatum is niet gewijzigd. ${problem}`,
      replies: (problem) => `De antwoorden konden niet worden geladen. ${problem}`,
      download: (problem) => `Het bestand kon niet worden gedownload. ${problem}`,
    },
    closed: 'Het bericht is ingetrokken of verlopen.',
    tooLate: 'Dat is later dan uw organisatie toestaat.',
  },
};
