import type { DeliveryVerdict } from '../../src/core/delivery';
import { deliverySentence } from '../../src/core/delivery-messages';
import type { FindingType } from '../../src/core/policy';
import type { Language } from '../../src/core/status';
import { plural, REPORT_STRINGS, type ReportStrings } from '../../ui/strings';
import type { ApiErrorKind } from '../shared/api';
import type { SecureSendResult } from './secure-send';

/**
 * The pane's texts: its own, plus those of the report views it shares with the console (ui/strings.ts).
 * Status labels come from src/core/status.ts, decision messages from decide().
 */
export interface Strings extends ReportStrings {
  title: string;
  loading: string;
  noOffice: string;
  notInOutlook: string;
  crashed: string;
  reload: string;
  recipientsHeading: string;
  domainList: string;
  refresh: string;
  readingRecipients: string;
  noRecipients: string;
  fields: Record<'to' | 'cc' | 'bcc', string>;
  noDomain: string;
  checkFailedReason: string;
  /** Under a forced-TLS domain's reason: whether its TLS-required connector will deliver, and why not. */
  deliveryNote: (domain: string, verdict: DeliveryVerdict) => string;
  stoppedSend: string;
  contentHeading: string;
  scanAgain: string;
  scanning: string;
  scanFailed: string;
  nothingFound: string;
  kinds: Record<FindingType, string>;
  foundIn: Record<'subject' | 'body' | 'attachment-name' | 'label', string>;
  /** An org rule that ran out of time on this message: it counts as matched. */
  ruleUnfinished: (name: string) => string;
  verdictHeading: string;
  verdictTitles: Record<'allow' | 'warn' | 'block', string>;
  verdictPending: string;
  actionsHeading: string;
  removeRisky: (n: number) => string;
  noRisky: string;
  confirmTitle: string;
  confirmBody: string;
  confirm: string;
  cancel: string;
  removed: (n: number) => string;
  removeFailed: string;
  sendSecurely: string;
  sendSecurelyNote: string;
  sendSecurelyHint: string;
  portalPending: string;
  secureConfirmTitle: string;
  secureConfirmBody: (canSend: boolean) => string;
  secureConfirm: string;
  /** The expiry choice in the confirmation: how long recipients can read the message. */
  secureExpiry: string;
  expiryDays: (days: number, isDefault: boolean) => string;
  secureBusy: string;
  secureOutcome: (result: SecureSendResult) => string;
  problems: Record<ApiErrorKind, string>;
  officeFailed: string;
  retry: string;
  stoppedTitles: Record<'blocked' | 'warned', string>;
  checking: (n: number) => string;
  /** `failing`: forced-TLS domains whose mail servers the connector would all refuse (still enforced TLS). */
  checked: (n: number, risky: number, failing: number) => string;
}

export const STRINGS: Readonly<Record<Language, Strings>> = {
  en: {
    ...REPORT_STRINGS.en,
    title: 'TLS Gate',
    loading: 'Loading TLS Gate…',
    noOffice: 'Office.js could not be loaded. Check the connection, then reload.',
    notInOutlook: 'TLS Gate runs in Outlook: open it from a message you are writing.',
    crashed: 'TLS Gate ran into a problem and cannot show this pane.',
    reload: 'Reload',
    recipientsHeading: 'Recipients',
    domainList: 'Recipient domains',
    refresh: 'Check again',
    readingRecipients: 'Reading the recipients…',
    noRecipients: 'Add recipients to see whether their mail servers enforce TLS.',
    fields: { to: 'To', cc: 'Cc', bcc: 'Bcc' },
    noDomain: '(no domain)',
    checkFailedReason: 'The TLS check could not run.',
    deliveryNote: (domain, verdict) => deliverySentence(domain, verdict, 'en'),
    stoppedSend: 'Stopped the send',
    contentHeading: 'Sensitive content',
    scanAgain: 'Scan again',
    scanning: 'Scanning the message…',
    scanFailed: 'The message could not be read.',
    nothingFound: 'No sensitive content found.',
    kinds: {
      'nl-bsn': 'BSN (citizen service number)',
      iban: 'IBAN',
      'payment-card': 'Payment card number',
      'us-ssn': 'US Social Security number',
      health: 'Diagnosis code (ICD-10)',
      'nl-passport': 'Passport or ID card number',
      custom: 'Organisation rule',
      label: 'Sensitivity label',
    },
    foundIn: {
      subject: 'in the subject',
      body: 'in the body',
      'attachment-name': 'in an attachment name',
      label: 'on the message',
    },
    ruleUnfinished: (name) =>
      `The rule “${name}” could not finish checking this message, so it counts as matched.`,
    verdictHeading: 'When you press Send',
    verdictTitles: {
      allow: 'The message will be sent',
      warn: 'TLS Gate will warn',
      block: 'TLS Gate will stop the message',
    },
    verdictPending: 'Waiting for the checks…',
    actionsHeading: 'Actions',
    removeRisky: (n) => `Remove ${n} risky ${plural(n, 'recipient', 'recipients')}…`,
    noRisky: 'No recipient needs to be removed.',
    confirmTitle: 'Remove these recipients?',
    confirmBody: 'They are removed from To, Cc and Bcc. The rest of the message stays as it is.',
    confirm: 'Remove',
    cancel: 'Cancel',
    removed: (n) => `Removed ${n} ${plural(n, 'recipient', 'recipients')}.`,
    removeFailed: 'The recipients could not be removed.',
    sendSecurely: 'Send securely',
    sendSecurelyNote: 'Your organisation has not switched on the secure portal.',
    sendSecurelyHint: 'The recipients get a link to read the message on the secure portal.',
    portalPending: 'Checking whether the secure portal is offered…',
    secureConfirmTitle: 'Send through the secure portal?',
    secureConfirmBody: (canSend) =>
      'TLS Gate uploads the message and its attachments to the secure portal. Then the text is replaced by a ' +
      'short notice with the link, and the attachments are removed' +
      (canSend ? ', and the message is sent.' : '; you press Send.') +
      ' Recipients confirm who they are before they can read it. If a step fails, your draft is put back.',
    secureConfirm: 'Send securely',
    secureExpiry: 'Recipients can read it for',
    expiryDays: (days, isDefault) =>
      `${days} ${plural(days, 'day', 'days')}${isDefault ? ' (standard)' : ''}`,
    secureBusy: 'Sending securely…',
    secureOutcome: (r) => {
      const inline = (n: number) =>
        n > 0 ? ` ${n} inline ${plural(n, 'image was', 'images were')} not included.` : '';
      const unchanged = 'Nothing was changed.';
      switch (r.outcome) {
        case 'sent':
          return `Sent through the secure portal.${inline(r.skippedInline)}`;
        case 'ready':
          return `The message is on the secure portal and the draft now holds the link: press Send.${inline(r.skippedInline)}`;
        case 'unsupported-attachments':
          return `The secure portal cannot take ${r.names.join(', ')} (attach files, not links or messages). ${unchanged}`;
        case 'no-recipients':
          return `Add recipients first. ${unchanged}`;
        case 'read-failed':
          return `Outlook did not let TLS Gate read the message. ${unchanged}`;
        case 'upload-failed':
          if (r.code === 'PORTAL_DISABLED') return `The secure portal is switched off. ${unchanged}`;
          if (r.code === 'SENDER_MISMATCH')
            return `Your sign-in is for another address than the one sending this message, so the secure portal cannot send it as you. ${unchanged}`;
          if (r.code === 'BODY_TOO_LARGE')
            return `The message is too large for the secure portal. ${unchanged}`;
          return `The upload failed: ${STRINGS.en.problems[r.kind]} ${unchanged}`;
        case 'step-failed':
          return r.restored
            ? `The message could not be sent securely; your draft is back as it was.`
            : 'The message could not be sent securely, and TLS Gate could not put all of your draft back. Check the text and attachments before sending.';
      }
    },
    problems: {
      unreachable: 'TLS Gate could not be reached.',
      timeout: 'TLS Gate did not answer in time.',
      unauthorized: 'TLS Gate did not accept your sign-in.',
      rejected: 'TLS Gate turned the request down; wait a moment.',
      'bad-response': 'TLS Gate sent an answer it should not have.',
    },
    officeFailed: 'Outlook did not let TLS Gate read this message.',
    retry: 'Try again',
    stoppedTitles: {
      blocked: 'TLS Gate stopped this message',
      warned: 'TLS Gate warned about this message',
    },
    checking: (n) => `Checking ${n} ${plural(n, 'domain', 'domains')}…`,
    checked: (n, risky, failing) =>
      `Checked ${n} ${plural(n, 'domain', 'domains')}; ${risky} without enforced TLS` +
      (failing > 0 ? `; ${failing} will not receive mail.` : '.'),
  },
  nl: {
    ...REPORT_STRINGS.nl,
    title: 'TLS Gate',
    loading: 'TLS Gate laden…',
    noOffice: 'Office.js kon niet worden geladen. Controleer de verbinding en laad opnieuw.',
    notInOutlook: 'TLS Gate werkt in Outlook: open het vanuit een bericht dat u schrijft.',
    crashed: 'TLS Gate liep tegen een probleem aan en kan dit venster niet tonen.',
    reload: 'Opnieuw laden',
    recipientsHeading: 'Ontvangers',
    domainList: 'Domeinen van ontvangers',
    refresh: 'Opnieuw controleren',
    readingRecipients: 'Ontvangers lezen…',
    noRecipients: 'Voeg ontvangers toe om te zien of hun mailservers TLS afdwingen.',
    fields: { to: 'Aan', cc: 'Cc', bcc: 'Bcc' },
    noDomain: '(geen domein)',
    checkFailedReason: 'De TLS-controle kon niet worden uitgevoerd.',
    deliveryNote: (domain, verdict) => deliverySentence(domain, verdict, 'nl'),
    stoppedSend: 'Hield het verzenden tegen',
    contentHeading: 'Gevoelige inhoud',
    scanAgain: 'Opnieuw scannen',
    scanning: 'Het bericht wordt gescand…',
    scanFailed: 'Het bericht kon niet worden gelezen.',
    nothingFound: 'Geen gevoelige inhoud gevonden.',
    kinds: {
      'nl-bsn': 'BSN (burgerservicenummer)',
      iban: 'IBAN',
      'payment-card': 'Betaalkaartnummer',
      'us-ssn': 'Amerikaans Social Security-nummer',
      health: 'Diagnosecode (ICD-10)',
      'nl-passport': 'Paspoort- of ID-kaartnummer',
      custom: 'Regel van de organisatie',
      label: 'Gevoeligheidslabel',
    },
    foundIn: {
      subject: 'in het onderwerp',
      body: 'in de tekst',
      'attachment-name': 'in de naam van een bijlage',
      label: 'op het bericht',
    },
    ruleUnfinished: (name) =>
      `De regel “${name}” kon de controle van dit bericht niet afronden en telt daarom als treffer.`,
    verdictHeading: 'Als u op Verzenden drukt',
    verdictTitles: {
      allow: 'Het bericht wordt verzonden',
      warn: 'TLS Gate waarschuwt',
      block: 'TLS Gate houdt het bericht tegen',
    },
    verdictPending: 'Wachten op de controles…',
    actionsHeading: 'Acties',
    removeRisky: (n) => `${n} risicovolle ${plural(n, 'ontvanger', 'ontvangers')} verwijderen…`,
    noRisky: 'Geen ontvanger hoeft te worden verwijderd.',
    confirmTitle: 'Deze ontvangers verwijderen?',
    confirmBody: 'Ze worden uit Aan, Cc en Bcc verwijderd. De rest van het bericht blijft zoals het is.',
    confirm: 'Verwijderen',
    cancel: 'Annuleren',
    removed: (n) => `${n} ${plural(n, 'ontvanger', 'ontvangers')} verwijderd.`,
    removeFailed: 'De ontvangers konden niet worden verwijderd.',
    sendSecurely: 'Veilig verzenden',
    sendSecurelyNote: 'Uw organisatie heeft het beveiligde portaal niet aangezet.',
    sendSecurelyHint: 'De ontvangers krijgen een link om het bericht in het beveiligde portaal te lezen.',
    portalPending: 'Nagaan of het beveiligde portaal wordt aangeboden…',
    secureConfirmTitle: 'Via het beveiligde portaal verzenden?',
    secureConfirmBody: (canSend) =>
      'TLS Gate zet het bericht en de bijlagen in het beveiligde portaal. Daarna wordt de tekst vervangen door ' +
      'een korte melding met de link en worden de bijlagen verwijderd' +
      (canSend ? ', en wordt het bericht verzonden.' : '; u drukt op Verzenden.') +
      ' Ontvangers bevestigen wie ze zijn voor ze het kunnen lezen. Mislukt een stap, dan wordt uw concept teruggezet.',
    secureConfirm: 'Veilig verzenden',
    secureExpiry: 'Ontvangers kunnen het lezen gedurende',
    expiryDays: (days, isDefault) =>
      `${days} ${plural(days, 'dag', 'dagen')}${isDefault ? ' (standaard)' : ''}`,
    secureBusy: 'Veilig verzenden…',
    secureOutcome: (r) => {
      const inline = (n: number) =>
        n > 0
          ? ` ${n} ${plural(n, 'ingevoegde afbeelding is', 'ingevoegde afbeeldingen zijn')} niet meegestuurd.`
          : '';
      const unchanged = 'Er is niets gewijzigd.';
      switch (r.outcome) {
        case 'sent':
          return `Verzonden via het beveiligde portaal.${inline(r.skippedInline)}`;
        case 'ready':
          return `Het bericht staat in het beveiligde portaal en het concept bevat nu de link: druk op Verzenden.${inline(r.skippedInline)}`;
        case 'unsupported-attachments':
          return `Het beveiligde portaal kan ${r.names.join(', ')} niet aannemen (voeg bestanden toe, geen links of berichten). ${unchanged}`;
        case 'no-recipients':
          return `Voeg eerst ontvangers toe. ${unchanged}`;
        case 'read-failed':
          return `Outlook liet TLS Gate het bericht niet lezen. ${unchanged}`;
        case 'upload-failed':
          if (r.code === 'PORTAL_DISABLED') return `Het beveiligde portaal staat uit. ${unchanged}`;
          if (r.code === 'SENDER_MISMATCH')
            return `U bent aangemeld met een ander adres dan het adres dat dit bericht verstuurt, dus het beveiligde portaal kan het niet namens u versturen. ${unchanged}`;
          if (r.code === 'BODY_TOO_LARGE')
            return `Het bericht is te groot voor het beveiligde portaal. ${unchanged}`;
          return `Het uploaden is mislukt: ${STRINGS.nl.problems[r.kind]} ${unchanged}`;
        case 'step-failed':
          return r.restored
            ? 'Het bericht kon niet veilig worden verzonden; uw concept is teruggezet zoals het was.'
            : 'Het bericht kon niet veilig worden verzonden, en TLS Gate kon niet alles van uw concept terugzetten. Controleer de tekst en bijlagen voor u verzendt.';
      }
    },
    problems: {
      unreachable: 'TLS Gate is niet bereikbaar.',
      timeout: 'TLS Gate antwoordde niet op tijd.',
      unauthorized: 'TLS Gate accepteerde uw aanmelding niet.',
      rejected: 'TLS Gate wees het verzoek af; wacht even.',
      'bad-response': 'TLS Gate gaf een onverwacht antwoord.',
    },
    officeFailed: 'Outlook liet TLS Gate dit bericht niet lezen.',
    retry: 'Opnieuw proberen',
    stoppedTitles: {
      blocked: 'TLS Gate hield dit bericht tegen',
      warned: 'TLS Gate waarschuwde voor dit bericht',
    },
    checking: (n) => `${n} ${plural(n, 'domein', 'domeinen')} controleren…`,
    checked: (n, risky, failing) =>
      `${n} ${plural(n, 'domein', 'domeinen')} gecontroleerd; ${risky} zonder afgedwongen TLS` +
      (failing > 0 ? `; ${failing} ${plural(failing, 'ontvangt', 'ontvangen')} geen mail.` : '.'),
  },
};
