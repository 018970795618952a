import type { Action, FindingType, Sensitivity } from '../src/core/policy';
import { STATUS_LABELS, type DomainStatus, type Language } from '../src/core/status';
import type { ActivityDecision } from './api';
import { FORCED_TLS_STRINGS, type ForcedTlsStrings } from './forced-tls-strings';

/**
 * The admin console's texts, English and Dutch (formal "u", like the task pane). Status labels come from
 * src/core/status.ts; messages the server sends (validation problems, audit notes) are shown as sent.
 */

export type TabId = 'policy' | 'forced-tls' | 'history' | 'lookup' | 'activity';
export type SampleId = 'bsn' | 'iban' | 'card' | 'health' | 'plain' | 'own';

export interface AdminStrings {
  /** A moment in this language's date and time format. */
  dateTime: (iso: string) => string;
  title: string;
  language: string;
  signedInAs: string;
  signOut: string;
  sections: string;
  tabs: Record<TabId, string>;
  loadingPolicy: string;
  tryAgain: string;
  statuses: Readonly<Record<DomainStatus | 'checking', string>>;
  /** The policy's action values as words; the values themselves stay allow/warn/block. */
  actions: Record<Action, string>;
  sensitivities: Record<Sensitivity, string>;
  /** The built-in detectors' names, plus organisation rules and sensitivity labels. */
  findings: Record<FindingType, string>;
  decisions: Record<ActivityDecision, string>;

  // Signing in
  signingIn: string;
  sessionExpired: string;
  notAdmin: string;
  signInIncomplete: string;
  signInNotStarted: string;
  signInRefused: (reason: string) => string;
  signInInvalid: string;
  microsoftUnreachable: string;
  signInWithMicrosoft: string;
  tokenLabel: string;
  tokenLabelBesideMicrosoft: string;
  tokenHintOpen: string;
  tokenHintEntra: string;
  signInWithToken: string;

  // Failed calls, when the server gave no explanation
  failures: {
    unauthorized: string;
    timeout: string;
    unreachable: string;
    rejected: (status: number | null) => string;
    badResponse: string;
    unknown: string;
  };

  // Saving
  savedAs: (version: number) => string;
  addinsPickItUp: string;
  remove: string;
  name: string;

  // Policy tab
  notValidJson: (reason: string | null) => string;
  editsBack: string;
  editsBackFromOlder: (was: number, now: number) => string;
  policyConflict: string;
  policyHeading: (version: number, changed: { at: string; by: string } | null) => string;
  sensitivityAction: Record<Sensitivity, string>;
  unknownTls: string;
  backendUnreachable: string;
  offerPortal: string;
  portalExpiryDefault: string;
  portalExpiryMax: string;
  portalExpiryHint: string;
  recordAddresses: string;
  builtInDetectors: string;
  internalDomains: string;
  trustedDomains: string;
  wholePolicy: string;
  problems: string;
  whatWillChange: string;
  savePolicy: string;
  discardChanges: string;
  checking: string;
  noChanges: string;

  // Organisation rules and sensitivity labels
  sensitivity: string;
  orgRules: string;
  rule: (name: string) => string;
  kind: string;
  kinds: Record<'keywords' | 'regex', string>;
  keywords: string;
  pattern: string;
  ignoreCase: string;
  removeRule: (name: string) => string;
  newRule: string;
  addRule: string;
  sensitivityLabels: string;
  label: (name: string) => string;
  labelId: string;
  removeLabel: (name: string) => string;
  addLabel: string;

  // Preview
  preview: string;
  recipientDomain: string;
  show: string;
  ownText: string;
  lookingUpDomain: (domain: string) => string;
  fixProblems: string;
  whatPolicyWouldDo: string;
  /** How each sample reads in previewLead: "a BSN", "your text". */
  samples: Record<SampleId, string>;
  previewLead: (sample: string, domain: string) => string;

  /** The Forced-TLS tab: forced-tls-strings.ts. */
  tls: ForcedTlsStrings;

  // History
  restored: (version: number, as: number) => string;
  historyConflict: string;
  loadingHistory: string;
  historyHeading: string;
  exportAudit: string;
  neverChanged: string;
  version: (version: number) => string;
  current: string;
  restoreVersion: (version: number) => string;
  restoreThisVersion: string;

  // Lookup
  domainOrAddress: string;
  lookUp: string;
  lookingUp: string;
  checkingAgain: string;
  recheck: string;
  checkedAt: (when: string, cached: boolean, stale: boolean) => string;

  // Activity
  period: string;
  lastDays: (n: number) => string;
  exportActivity: string;
  loadingActivity: string;
  totals: string;
  sentAnywayNote: string;
  topDomains: string;
  whatTriggered: string;
  topAddresses: string;
  none: string;
  nothingYet: string;
  perDay: string;
  day: string;
  chart: string;
}

/** A text made in whichever language is shown when it is shown, so a switch also changes messages on screen. */
export type Phrase = (s: AdminStrings) => string;

export const ADMIN_STRINGS: Readonly<Record<Language, AdminStrings>> = {
  en: {
    dateTime: (iso) => new Date(iso).toLocaleString('en-GB'),
    title: 'TLS Gate admin',
    language: 'Language',
    signedInAs: 'Signed in as',
    signOut: 'Sign out',
    sections: 'Sections',
    tabs: {
      policy: 'Policy',
      'forced-tls': 'Forced-TLS domains',
      history: 'History',
      lookup: 'Domain lookup',
      activity: 'Activity',
    },
    loadingPolicy: 'Loading the policy…',
    tryAgain: 'Try again',
    statuses: STATUS_LABELS.en,
    actions: { allow: 'allow', warn: 'warn', block: 'block' },
    sensitivities: { high: 'high', medium: 'medium', low: 'low' },
    findings: {
      'nl-bsn': 'BSN',
      iban: 'IBAN',
      'payment-card': 'Card numbers',
      'us-ssn': 'US SSN',
      health: 'Health data',
      'nl-passport': 'Passport numbers',
      custom: 'Org rules',
      label: 'Sensitivity labels',
    },
    decisions: {
      allowed: 'Allowed',
      warned: 'Warned',
      blocked: 'Blocked',
      'sent-anyway': 'Sent anyway',
      'sent-via-portal': 'Sent via the portal',
    },

    signingIn: 'Signing in…',
    sessionExpired: 'Your sign-in has expired. Sign in again; unsaved policy edits are kept.',
    notAdmin:
      'You are signed in, but without the TLS Gate admin role. Ask for the role, or sign in as someone else.',
    signInIncomplete: 'The sign-in did not complete.',
    signInNotStarted: 'This sign-in was not started here. Sign in again.',
    signInRefused: (reason) => `Microsoft refused the sign-in: ${reason}`,
    signInInvalid: 'The sign-in answer was not valid. Sign in again.',
    microsoftUnreachable: 'The Microsoft sign-in page could not be reached. Try again.',
    signInWithMicrosoft: 'Sign in with Microsoft',
    tokenLabel: 'Admin token',
    tokenLabelBesideMicrosoft: 'Or use a token (automation, break-glass)',
    tokenHintOpen: 'The value of TLSGATE_ADMIN_TOKEN on the server.',
    tokenHintEntra: 'TLSGATE_ADMIN_TOKEN, or an Entra access token for the TLS Gate API.',
    signInWithToken: 'Sign in with token',

    failures: {
      unauthorized: 'Your sign-in was not accepted. Sign in again.',
      timeout: 'TLS Gate did not answer in time. Try again.',
      unreachable: 'TLS Gate could not be reached. Check your connection.',
      rejected: (status) =>
        status === null ? 'TLS Gate turned the request down.' : `TLS Gate answered ${status}.`,
      badResponse: 'TLS Gate sent an answer it should not have.',
      unknown: 'Something went wrong. Try again.',
    },

    savedAs: (version) => `Saved as version ${version}.`,
    addinsPickItUp: 'Add-ins pick it up within minutes.',
    remove: 'Remove',
    name: 'Name',

    notValidJson: (reason) => `Not valid JSON: ${reason ?? 'syntax error'}`,
    editsBack: 'Your unsaved edits are back.',
    editsBackFromOlder: (was, now) =>
      `Your unsaved edits are back. They were made to version ${was}; the policy is now version ${now}, so check "What will change" before saving.`,
    policyConflict:
      'Someone else changed the policy meanwhile. Your edits are kept: check "What will change" (it now compares with their version) and save again.',
    policyHeading: (version, changed) =>
      `Policy (version ${version}${changed ? `, changed ${changed.at} by ${changed.by}` : ', the default'})`,
    sensitivityAction: {
      high: 'High sensitivity',
      medium: 'Medium sensitivity',
      low: 'Low sensitivity',
    },
    unknownTls: 'Unknown TLS',
    backendUnreachable: 'Backend unreachable',
    offerPortal: 'Offer the secure portal',
    portalExpiryDefault: 'Portal messages readable for (days)',
    portalExpiryMax: 'At most, extensions included (days)',
    portalExpiryHint:
      'Senders may choose less. The maximum counts from sending, and stays what it was when a message was sent.',
    recordAddresses: 'Record recipient addresses in the activity view (otherwise domains only)',
    builtInDetectors: 'Built-in detectors',
    internalDomains: 'Internal domains (one per line)',
    trustedDomains: 'Trusted partner domains (one per line)',
    wholePolicy: 'The whole policy (JSON), everything above in one place',
    problems: 'Problems',
    whatWillChange: 'What will change',
    savePolicy: 'Save policy',
    discardChanges: 'Discard changes',
    checking: 'Checking…',
    noChanges: 'No changes.',

    sensitivity: 'Sensitivity',
    orgRules: 'Organisation rules',
    rule: (name) => `Rule ${name}`,
    kind: 'Kind',
    kinds: { keywords: 'keywords', regex: 'regular expression' },
    keywords: 'Keywords (one per line)',
    pattern: 'Pattern (RE2: no backreferences or lookaround)',
    ignoreCase: 'Ignore case',
    removeRule: (name) => `Remove rule ${name}`,
    newRule: 'New rule',
    addRule: 'Add rule',
    sensitivityLabels: 'Sensitivity labels',
    label: (name) => `Label ${name}`,
    labelId: 'Label id (GUID, from Purview)',
    removeLabel: (name) => `Remove label ${name}`,
    addLabel: 'Add label',

    preview: 'Preview',
    recipientDomain: 'Recipient domain',
    show: 'Show',
    ownText: 'Your own text (to try the organisation rules; it stays in this page)',
    lookingUpDomain: (domain) => `Looking up ${domain}…`,
    fixProblems: 'Fix the problems in the policy to see what it would do.',
    whatPolicyWouldDo: 'What the policy would do',
    samples: {
      bsn: 'a BSN',
      iban: 'an IBAN',
      card: 'a card number',
      health: 'health data',
      plain: 'an ordinary message',
      own: 'your text',
    },
    previewLead: (sample, domain) => `With this policy, sending ${sample} to ${domain} would:`,

    tls: FORCED_TLS_STRINGS.en,

    restored: (version, as) => `Version ${version} is back, as version ${as}.`,
    historyConflict:
      'Someone else changed the policy meanwhile. The history is now up to date; restore again if you still want to.',
    loadingHistory: 'Loading the history…',
    historyHeading: 'Policy history',
    exportAudit: 'Export audit log (CSV)',
    neverChanged: 'The policy has never been changed: the defaults apply.',
    version: (version) => `Version ${version}`,
    current: 'current',
    restoreVersion: (version) => `Restore version ${version}`,
    restoreThisVersion: 'Restore this version',

    domainOrAddress: 'Domain or address',
    lookUp: 'Look up',
    lookingUp: 'Looking up…',
    checkingAgain: 'Checking again…',
    recheck: 'Re-check now',
    checkedAt: (when, cached, stale) =>
      `Checked ${when}${cached ? ' (from the cache)' : ''}${stale ? ', being refreshed' : ''}.`,

    period: 'Period',
    lastDays: (n) => `Last ${n} days`,
    exportActivity: 'Export activity (CSV)',
    loadingActivity: 'Loading activity…',
    totals: 'Totals',
    sentAnywayNote:
      'Outlook does not tell add-ins when someone clicks Send Anyway: a warning that was not followed by another send attempt within ten minutes counts as sent anyway, so that figure is an upper bound.',
    topDomains: 'Top risky recipient domains',
    whatTriggered: 'What triggered',
    topAddresses: 'Top risky recipients',
    none: 'None.',
    nothingYet: 'Nothing yet.',
    perDay: 'Per day',
    day: 'Day',
    chart: 'Chart',
  },
  nl: {
    dateTime: (iso) => new Date(iso).toLocaleString('nl-NL'),
    title: 'TLS Gate-beheer',
    language: 'Taal',
    signedInAs: 'Aangemeld als',
    signOut: 'Afmelden',
    sections: 'Onderdelen',
    tabs: {
      policy: 'Beleid',
      'forced-tls': 'Domeinen met afgedwongen TLS',
      history: 'Geschiedenis',
      lookup: 'Domein opzoeken',
      activity: 'Activiteit',
    },
    loadingPolicy: 'Beleid laden…',
    tryAgain: 'Opnieuw proberen',
    statuses: STATUS_LABELS.nl,
    actions: { allow: 'toestaan', warn: 'waarschuwen', block: 'blokkeren' },
    sensitivities: { high: 'hoog', medium: 'gemiddeld', low: 'laag' },
    findings: {
      'nl-bsn': 'BSN',
      iban: 'IBAN',
      'payment-card': 'Kaartnummers',
      'us-ssn': 'Amerikaans SSN',
      health: 'Gezondheidsgegevens',
      'nl-passport': 'Paspoortnummers',
      custom: 'Regels van de organisatie',
      label: 'Gevoeligheidslabels',
    },
    decisions: {
      allowed: 'Toegestaan',
      warned: 'Gewaarschuwd',
      blocked: 'Geblokkeerd',
      'sent-anyway': 'Toch verzonden',
      'sent-via-portal': 'Via het portaal verzonden',
    },

    signingIn: 'Aanmelden…',
    sessionExpired:
      'Uw aanmelding is verlopen. Meld u opnieuw aan; niet-opgeslagen wijzigingen in het beleid blijven bewaard.',
    notAdmin:
      'U bent aangemeld, maar zonder de beheerdersrol van TLS Gate. Vraag de rol aan, of meld u aan als iemand anders.',
    signInIncomplete: 'De aanmelding is niet voltooid.',
    signInNotStarted: 'Deze aanmelding is niet hier gestart. Meld u opnieuw aan.',
    signInRefused: (reason) => `Microsoft heeft de aanmelding geweigerd: ${reason}`,
    signInInvalid: 'Het antwoord op de aanmelding was niet geldig. Meld u opnieuw aan.',
    microsoftUnreachable: 'De aanmeldpagina van Microsoft is niet bereikbaar. Probeer het opnieuw.',
    signInWithMicrosoft: 'Aanmelden met Microsoft',
    tokenLabel: 'Beheerderstoken',
    tokenLabelBesideMicrosoft: 'Of gebruik een token (automatisering, noodtoegang)',
    tokenHintOpen: 'De waarde van TLSGATE_ADMIN_TOKEN op de server.',
    tokenHintEntra: 'TLSGATE_ADMIN_TOKEN, of een Entra-toegangstoken voor de TLS Gate-API.',
    signInWithToken: 'Aanmelden met token',

    failures: {
      unauthorized: 'Uw aanmelding is niet geaccepteerd. Meld u opnieuw aan.',
      timeout: 'TLS Gate antwoordde niet op tijd. Probeer het opnieuw.',
      unreachable: 'TLS Gate is niet bereikbaar. Controleer uw verbinding.',
      rejected: (status) =>
        status === null ? 'TLS Gate wees het verzoek af.' : `TLS Gate antwoordde met ${status}.`,
      badResponse: 'TLS Gate gaf een onverwacht antwoord.',
      unknown: 'Er ging iets mis. Probeer het opnieuw.',
    },

    savedAs: (version) => `Opgeslagen als versie ${version}.`,
    addinsPickItUp: 'De invoegtoepassingen nemen het binnen enkele minuten over.',
    remove: 'Verwijderen',
    name: 'Naam',

    notValidJson: (reason) => `Geen geldige JSON: ${reason ?? 'syntaxisfout'}`,
    editsBack: 'Uw niet-opgeslagen wijzigingen zijn terug.',
    editsBackFromOlder: (was, now) =>
      `Uw niet-opgeslagen wijzigingen zijn terug. Ze zijn gemaakt in versie ${was}; het beleid is nu versie ${now}. Controleer dus "Wat er verandert" voordat u opslaat.`,
    policyConflict:
      'Iemand anders heeft het beleid intussen gewijzigd. Uw wijzigingen zijn bewaard: controleer "Wat er verandert" (dat vergelijkt nu met hun versie) en sla opnieuw op.',
    policyHeading: (version, changed) =>
      `Beleid (versie ${version}${changed ? `, gewijzigd op ${changed.at} door ${changed.by}` : ', de standaardinstellingen'})`,
    sensitivityAction: {
      high: 'Hoge gevoeligheid',
      medium: 'Gemiddelde gevoeligheid',
      low: 'Lage gevoeligheid',
    },
    unknownTls: 'Onbekende TLS',
    backendUnreachable: 'Server niet bereikbaar',
    offerPortal: 'Het beveiligde portaal aanbieden',
    portalExpiryDefault: 'Portaalberichten leesbaar gedurende (dagen)',
    portalExpiryMax: 'Hoogstens, verlengingen meegeteld (dagen)',
    portalExpiryHint:
      'Afzenders kunnen korter kiezen. Het maximum telt vanaf het verzenden, en blijft wat het was toen een bericht werd verzonden.',
    recordAddresses: 'Adressen van ontvangers vastleggen in de activiteit (anders alleen domeinen)',
    builtInDetectors: 'Ingebouwde detectoren',
    internalDomains: 'Interne domeinen (één per regel)',
    trustedDomains: 'Vertrouwde partnerdomeinen (één per regel)',
    wholePolicy: 'Het hele beleid (JSON): alles hierboven op één plek',
    problems: 'Problemen',
    whatWillChange: 'Wat er verandert',
    savePolicy: 'Beleid opslaan',
    discardChanges: 'Wijzigingen ongedaan maken',
    checking: 'Controleren…',
    noChanges: 'Geen wijzigingen.',

    sensitivity: 'Gevoeligheid',
    orgRules: 'Regels van de organisatie',
    rule: (name) => `Regel ${name}`,
    kind: 'Soort',
    kinds: { keywords: 'trefwoorden', regex: 'reguliere expressie' },
    keywords: 'Trefwoorden (één per regel)',
    pattern: 'Patroon (RE2: geen terugverwijzingen of lookaround)',
    ignoreCase: 'Hoofdletters negeren',
    removeRule: (name) => `Regel ${name} verwijderen`,
    newRule: 'Nieuwe regel',
    addRule: 'Regel toevoegen',
    sensitivityLabels: 'Gevoeligheidslabels',
    label: (name) => `Label ${name}`,
    labelId: 'Label-id (GUID, uit Purview)',
    removeLabel: (name) => `Label ${name} verwijderen`,
    addLabel: 'Label toevoegen',

    preview: 'Voorbeeld',
    recipientDomain: 'Domein van de ontvanger',
    show: 'Tonen',
    ownText: 'Uw eigen tekst (om de regels van de organisatie te proberen; de tekst blijft op deze pagina)',
    lookingUpDomain: (domain) => `${domain} opzoeken…`,
    fixProblems: 'Los de problemen in het beleid op om te zien wat het zou doen.',
    whatPolicyWouldDo: 'Wat het beleid zou doen',
    samples: {
      bsn: 'een BSN',
      iban: 'een IBAN',
      card: 'een kaartnummer',
      health: 'gezondheidsgegevens',
      plain: 'een gewoon bericht',
      own: 'uw tekst',
    },
    // The action word follows the colon as an infinitive: "…: blokkeren".
    previewLead: (sample, domain) =>
      `Met dit beleid is de actie bij het versturen van ${sample} naar ${domain}:`,

    tls: FORCED_TLS_STRINGS.nl,

    restored: (version, as) => `Versie ${version} is terug, als versie ${as}.`,
    historyConflict:
      'Iemand anders heeft het beleid intussen gewijzigd. De geschiedenis is nu bijgewerkt; zet de versie opnieuw terug als u dat nog wilt.',
    loadingHistory: 'Geschiedenis laden…',
    historyHeading: 'Geschiedenis van het beleid',
    exportAudit: 'Auditlog exporteren (CSV)',
    neverChanged: 'Het beleid is nooit gewijzigd: de standaardinstellingen gelden.',
    version: (version) => `Versie ${version}`,
    current: 'huidige',
    restoreVersion: (version) => `Versie ${version} terugzetten`,
    restoreThisVersion: 'Deze versie terugzetten',

    domainOrAddress: 'Domein of adres',
    lookUp: 'Opzoeken',
    lookingUp: 'Opzoeken…',
    checkingAgain: 'Opnieuw controleren…',
    recheck: 'Nu opnieuw controleren',
    checkedAt: (when, cached, stale) =>
      `Gecontroleerd op ${when}${cached ? ' (uit de cache)' : ''}${stale ? ', wordt vernieuwd' : ''}.`,

    period: 'Periode',
    lastDays: (n) => `Afgelopen ${n} dagen`,
    exportActivity: 'Activiteit exporteren (CSV)',
    loadingActivity: 'Activiteit laden…',
    totals: 'Totalen',
    sentAnywayNote:
      'Outlook laat invoegtoepassingen niet weten wanneer iemand op Toch verzenden klikt: een waarschuwing waarop binnen tien minuten geen nieuwe verzendpoging volgde, telt als toch verzonden. Dat aantal is dus een bovengrens.',
    topDomains: 'Risicovolle ontvangerdomeinen die het vaakst voorkomen',
    whatTriggered: 'Wat werd gevonden',
    topAddresses: 'Risicovolle ontvangers die het vaakst voorkomen',
    none: 'Geen.',
    nothingYet: 'Nog niets.',
    perDay: 'Per dag',
    day: 'Dag',
    chart: 'Grafiek',
  },
};

export const LANGUAGES: readonly Language[] = ['en', 'nl'];

/** Language names stay in their own language, so each reader finds theirs. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', nl: 'Nederlands' };

export function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'nl';
}

/** The admin's own choice when there is one, else the browser's language: Dutch for nl*, else English. */
export function languageFrom(stored: string | null, browserLanguage: string): Language {
  if (isLanguage(stored)) return stored;
  return browserLanguage.toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

/** A finding type as the server reports it; a type this console does not know keeps its name. */
export function findingLabel(s: AdminStrings, type: string): string {
  return Object.hasOwn(s.findings, type) ? s.findings[type as FindingType] : type;
}
