import type { DeliveryState } from '../src/core/delivery';
import { DELIVERY_STATE_LABELS, FORCED_TLS_LEVEL_LABELS } from '../src/core/delivery-messages';
import type { ForcedTlsLevel } from '../src/core/policy';
import type { Language } from '../src/core/status';

/**
 * The Forced-TLS tab's texts, English and Dutch (reached as `s.tls` from strings.ts): the domains and their
 * connector levels, the Exchange import, delivery health and the connectors proposed from activity. Level
 * and state words come from src/core/delivery-messages.ts, so the console says what the alerts and the task
 * pane say.
 */

export type ForcedTlsView = 'health' | 'entries' | 'proposals';

export interface ForcedTlsStrings {
  views: Record<ForcedTlsView, string>;
  viewsLabel: string;
  /** A day in this language's date format: "5 Jan 2027". */
  date: (iso: string) => string;
  /** A day without the year, for a chart's axis: "5 Jan". */
  day: (iso: string) => string;
  levels: Readonly<Record<ForcedTlsLevel, string>>;
  states: Readonly<Record<DeliveryState, string>>;

  // Domains and levels
  conflict: string;
  alreadyListed: (domain: string) => string;
  added: (domain: string) => string;
  changed: (domain: string) => string;
  removed: (domain: string) => string;
  notSaved: string;
  imported: (add: number, update: number) => string;
  heading: (n: number) => string;
  list: string;
  none: string;
  domainColumn: string;
  level: string;
  tlsDomain: string;
  tlsDomainHint: string;
  levelFor: (domain: string) => string;
  tlsDomainFor: (domain: string) => string;
  notUsed: string;
  actionsColumn: string;
  save: string;
  saveDomain: (domain: string) => string;
  removeDomain: (domain: string) => string;
  addHeading: string;
  domainField: string;
  add: string;

  // Import from Exchange Online
  importHeading: string;
  /** Around the PowerShell command, which stays as it is. */
  importHelp: { before: string; after: string };
  connectorOutput: string;
  previewImport: string;
  importPreview: string;
  connectors: (n: number) => string;
  connectorName: string;
  connectorDomains: string;
  willBeAdded: string;
  willChange: string;
  nothingToChange: string;
  alreadyOnList: (domains: readonly string[]) => string;
  leftOut: string;
  applyImport: (add: number, update: number) => string;

  // Delivery health
  healthHeading: string;
  healthIntro: (everySeconds: number) => string;
  alerts: (channels: { email: boolean; webhook: boolean }) => string;
  loadingHealth: string;
  noDomains: string;
  healthList: string;
  notCheckedYet: string;
  unchecked: string;
  wildcard: string;
  mailServers: string;
  /** A host's verdict with what is wrong with it: "refused: offers no STARTTLS". */
  hostVerdict: (accepted: boolean, problems: readonly string[]) => string;
  certificateFor: (names: readonly string[]) => string;
  noCertificate: string;
  expires: (date: string) => string;
  soonestExpiry: string;
  lastCheck: string;
  since: (when: string) => string;
  checkNow: string;
  checkNowFor: (domain: string) => string;
  checkingNow: string;
  checked: (domain: string, state: string) => string;
  timeline: (domain: string) => string;
  /** How long each state lasted, roughly: "Delivered: 88 days; At risk: 5 hours". */
  timelineSummary: (parts: ReadonlyArray<{ state: DeliveryState; ms: number }>) => string;
  noHistory: string;

  // Proposed connectors
  proposalsHeading: (days: number) => string;
  proposalsIntro: string;
  loadingProposals: string;
  noCandidates: string;
  candidates: string;
  pick: string;
  pickDomain: (domain: string) => string;
  warned: string;
  blocked: string;
  status: string;
  qualifiesFor: string;
  powershell: string;
  pickFirst: string;
  copy: string;
  copied: string;
  copyFailed: string;
  addPicked: (n: number) => string;
  addedPicked: (n: number) => string;
  unsuitableHeading: string;
  unsuitableIntro: string;
  unsuitable: string;
  sends: (warned: number, blocked: number) => string;
}

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

const HOUR = 3600;

function everyEn(seconds: number): string {
  if (seconds % HOUR === 0) return seconds === HOUR ? 'every hour' : `every ${seconds / HOUR} hours`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  return minutes === 1 ? 'every minute' : `every ${minutes} minutes`;
}

function everyNl(seconds: number): string {
  if (seconds % HOUR === 0) return seconds === HOUR ? 'elk uur' : `elke ${seconds / HOUR} uur`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  return minutes === 1 ? 'elke minuut' : `elke ${minutes} minuten`;
}

const DAY_MS = 24 * HOUR * 1000;

/** A span in whole days from a day on, else in whole hours. */
function roughly(ms: number, days: [string, string], hours: [string, string], less: string): string {
  if (ms >= DAY_MS) {
    const n = Math.round(ms / DAY_MS);
    return `${n} ${plural(n, ...days)}`;
  }
  const n = Math.round(ms / (HOUR * 1000));
  return n < 1 ? less : `${n} ${plural(n, ...hours)}`;
}

/** "a, b and c" */
function listed(items: readonly string[], and: string): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1] ?? ''}`;
}

export const FORCED_TLS_STRINGS: Readonly<Record<Language, ForcedTlsStrings>> = {
  en: {
    views: { health: 'Delivery health', entries: 'Domains and levels', proposals: 'Proposed connectors' },
    viewsLabel: 'Forced TLS',
    date: (iso) =>
      new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' }),
    day: (iso) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' }),
    levels: FORCED_TLS_LEVEL_LABELS.en,
    states: DELIVERY_STATE_LABELS.en,

    conflict:
      'Someone else changed the policy meanwhile. The list is now up to date; make your change again.',
    alreadyListed: (domain) => `${domain} is already on the list.`,
    added: (domain) => `Added ${domain}.`,
    changed: (domain) => `Changed ${domain}.`,
    removed: (domain) => `Removed ${domain}.`,
    notSaved: 'Not saved: see the marked field.',
    imported: (add, update) =>
      `Imported: ${add} ${plural(add, 'domain', 'domains')} added, ${update} changed.`,
    heading: (n) => `Forced-TLS domains (${n})`,
    list: 'Forced-TLS domains',
    none: 'None yet. Add a domain, or import your Exchange connectors below.',
    domainColumn: 'Domain',
    level: 'Level (TlsSettings)',
    tlsDomain: 'Certificate name (TlsDomain)',
    tlsDomainHint: 'Needed for domain validation: the name the partner’s certificate must carry.',
    levelFor: (domain) => `Level for ${domain}`,
    tlsDomainFor: (domain) => `Certificate name for ${domain}`,
    notUsed: 'not used at this level',
    actionsColumn: 'Actions',
    save: 'Save',
    saveDomain: (domain) => `Save ${domain}`,
    removeDomain: (domain) => `Remove ${domain}`,
    addHeading: 'Add a domain',
    domainField: 'Domain (contoso.com, or *.contoso.com for its subdomains)',
    add: 'Add',

    importHeading: 'Import from Exchange Online',
    importHelp: {
      before: 'In Exchange Online PowerShell run',
      after:
        'and paste the output. The recipient domains of connectors that require TLS are proposed, with their levels; nothing changes until you apply.',
    },
    connectorOutput: 'Get-OutboundConnector output (JSON)',
    previewImport: 'Preview import',
    importPreview: 'Import preview',
    connectors: (n) => `${n} ${plural(n, 'connector', 'connectors')} with TLS required`,
    connectorName: 'Connector',
    connectorDomains: 'Recipient domains',
    willBeAdded: 'Will be added',
    willChange: 'Will change',
    nothingToChange: 'Nothing to change: every domain is on the list already, at the same level.',
    alreadyOnList: (domains) => `Already on the list as they are: ${domains.join(', ')}`,
    leftOut: 'Left out',
    applyImport: (add, update) => `Apply: add ${add} ${plural(add, 'domain', 'domains')}, change ${update}`,

    healthHeading: 'Delivery health',
    healthIntro: (every) =>
      `TLS Gate checks each forced-TLS domain as its connector would, ${everyEn(every)}. Problems come first.`,
    alerts: ({ email, webhook }) =>
      email || webhook
        ? `Changes are alerted ${listed([...(email ? ['by email'] : []), ...(webhook ? ['to the webhook'] : [])], 'and')}.`
        : 'No alerts are set up: set TLSGATE_ALERT_EMAILS or TLSGATE_ALERT_WEBHOOK_URL on the server.',
    loadingHealth: 'Loading delivery health…',
    noDomains: 'No forced-TLS domains yet. Add them under Domains and levels, or pick Proposed connectors.',
    healthList: 'Forced-TLS domains by delivery state',
    notCheckedYet: 'Not checked yet.',
    unchecked: 'Not checked',
    wildcard: 'Not checked: no single domain to probe.',
    mailServers: 'Mail servers',
    hostVerdict: (accepted, problems) => {
      const why = listed(problems, 'and');
      if (accepted) return why ? `accepted, but ${why}` : 'accepted';
      return why ? `refused: ${why}` : 'refused';
    },
    certificateFor: (names) => `certificate for ${names.join(', ')}`,
    noCertificate: 'no certificate',
    expires: (date) => `expires ${date}`,
    soonestExpiry: 'Soonest certificate expiry',
    lastCheck: 'Last check',
    since: (when) => `in this state since ${when}`,
    checkNow: 'Check now',
    checkNowFor: (domain) => `Check ${domain} now`,
    checkingNow: 'Checking…',
    checked: (domain, state) => `Checked ${domain}: ${state}.`,
    timeline: (domain) => `Delivery to ${domain}, last 90 days`,
    timelineSummary: (parts) =>
      parts
        .map(
          ({ state, ms }) =>
            `${DELIVERY_STATE_LABELS.en[state]}: ${roughly(ms, ['day', 'days'], ['hour', 'hours'], 'under an hour')}`,
        )
        .join('; '),
    noHistory: 'No history yet.',

    proposalsHeading: (days) => `Proposed connectors (last ${days} days)`,
    proposalsIntro:
      'Recipient domains users were warned or blocked about, whose mail servers would pass a TLS-required connector today. With one, they become Enforced TLS and nothing changes for users.',
    loadingProposals: 'Looking for candidates…',
    noCandidates: 'No candidates: no domain users were warned or blocked about would pass a connector today.',
    candidates: 'Candidates',
    pick: 'Pick',
    pickDomain: (domain) => `Pick ${domain}`,
    warned: 'Warned',
    blocked: 'Blocked',
    status: 'Status now',
    qualifiesFor: 'Qualifies for',
    powershell: 'Exchange Online PowerShell for the picked domains',
    pickFirst: 'Pick one or more candidates to get the PowerShell that creates their connectors.',
    copy: 'Copy',
    copied: 'Copied.',
    copyFailed: 'Could not copy: select the text and copy it yourself.',
    addPicked: (n) => `Add ${n} to forced TLS`,
    addedPicked: (n) => `Added ${n} ${plural(n, 'domain', 'domains')} to forced TLS.`,
    unsuitableHeading: 'Not suitable for a TLS-required connector',
    unsuitableIntro: 'A connector to these would hold their mail at every level, and then return it:',
    unsuitable: 'Unsuitable domains',
    sends: (warned, blocked) => `${warned} warned, ${blocked} blocked`,
  },
  nl: {
    views: {
      health: 'Bezorging',
      entries: 'Domeinen en niveaus',
      proposals: 'Voorgestelde connectors',
    },
    viewsLabel: 'Afgedwongen TLS',
    date: (iso) =>
      new Date(iso).toLocaleDateString('nl-NL', { day: 'numeric', month: 'short', year: 'numeric' }),
    day: (iso) => new Date(iso).toLocaleDateString('nl-NL', { day: 'numeric', month: 'short' }),
    levels: FORCED_TLS_LEVEL_LABELS.nl,
    states: DELIVERY_STATE_LABELS.nl,

    conflict:
      'Iemand anders heeft het beleid intussen gewijzigd. De lijst is nu bijgewerkt; breng uw wijziging opnieuw aan.',
    alreadyListed: (domain) => `${domain} staat al op de lijst.`,
    added: (domain) => `${domain} toegevoegd.`,
    changed: (domain) => `${domain} gewijzigd.`,
    removed: (domain) => `${domain} verwijderd.`,
    notSaved: 'Niet opgeslagen: zie het gemarkeerde veld.',
    imported: (add, update) =>
      `Geïmporteerd: ${add} ${plural(add, 'domein', 'domeinen')} toegevoegd, ${update} gewijzigd.`,
    heading: (n) => `Domeinen met afgedwongen TLS (${n})`,
    list: 'Domeinen met afgedwongen TLS',
    none: 'Nog geen. Voeg een domein toe, of importeer hieronder uw Exchange-connectors.',
    domainColumn: 'Domein',
    level: 'Niveau (TlsSettings)',
    tlsDomain: 'Certificaatnaam (TlsDomain)',
    tlsDomainHint: 'Nodig voor domeinvalidatie: de naam die het certificaat van de partner moet dragen.',
    levelFor: (domain) => `Niveau voor ${domain}`,
    tlsDomainFor: (domain) => `Certificaatnaam voor ${domain}`,
    notUsed: 'niet gebruikt op dit niveau',
    actionsColumn: 'Acties',
    save: 'Opslaan',
    saveDomain: (domain) => `${domain} opslaan`,
    removeDomain: (domain) => `${domain} verwijderen`,
    addHeading: 'Een domein toevoegen',
    domainField: 'Domein (contoso.com, of *.contoso.com voor de subdomeinen)',
    add: 'Toevoegen',

    importHeading: 'Importeren uit Exchange Online',
    importHelp: {
      before: 'Voer in Exchange Online PowerShell',
      after:
        'uit en plak de uitvoer hieronder. De ontvangerdomeinen van connectors die TLS vereisen worden voorgesteld, met hun niveau; er verandert niets tot u ze toepast.',
    },
    connectorOutput: 'Uitvoer van Get-OutboundConnector (JSON)',
    previewImport: 'Import bekijken',
    importPreview: 'Voorbeeld van de import',
    connectors: (n) => `${n} ${plural(n, 'connector', 'connectors')} met verplichte TLS`,
    connectorName: 'Connector',
    connectorDomains: 'Ontvangerdomeinen',
    willBeAdded: 'Toe te voegen',
    willChange: 'Te wijzigen',
    nothingToChange: 'Niets te wijzigen: elk domein staat al op de lijst, met hetzelfde niveau.',
    alreadyOnList: (domains) => `Staan al zo op de lijst: ${domains.join(', ')}`,
    leftOut: 'Weggelaten',
    applyImport: (add, update) =>
      `Toepassen: ${add} ${plural(add, 'domein', 'domeinen')} toevoegen, ${update} wijzigen`,

    healthHeading: 'Bezorging',
    healthIntro: (every) =>
      `TLS Gate controleert ${everyNl(every)} elk domein met afgedwongen TLS zoals de connector dat doet. Problemen staan bovenaan.`,
    alerts: ({ email, webhook }) =>
      email || webhook
        ? `Wijzigingen worden gemeld ${listed([...(email ? ['per e-mail'] : []), ...(webhook ? ['aan de webhook'] : [])], 'en')}.`
        : 'Er zijn geen meldingen ingesteld: stel TLSGATE_ALERT_EMAILS of TLSGATE_ALERT_WEBHOOK_URL in op de server.',
    loadingHealth: 'Bezorging laden…',
    noDomains:
      'Nog geen domeinen met afgedwongen TLS. Voeg ze toe onder Domeinen en niveaus, of kies uit Voorgestelde connectors.',
    healthList: 'Domeinen met afgedwongen TLS, naar bezorging',
    notCheckedYet: 'Nog niet gecontroleerd.',
    unchecked: 'Niet gecontroleerd',
    wildcard: 'Niet gecontroleerd: er is niet één domein om te controleren.',
    mailServers: 'Mailservers',
    hostVerdict: (accepted, problems) => {
      const why = listed(problems, 'en');
      if (accepted) return why ? `geaccepteerd, maar ${why}` : 'geaccepteerd';
      return why ? `geweigerd: ${why}` : 'geweigerd';
    },
    certificateFor: (names) => `certificaat voor ${names.join(', ')}`,
    noCertificate: 'geen certificaat',
    expires: (date) => `verloopt op ${date}`,
    soonestExpiry: 'Eerst verlopende certificaat',
    lastCheck: 'Laatste controle',
    since: (when) => `in deze toestand sinds ${when}`,
    checkNow: 'Nu controleren',
    checkNowFor: (domain) => `${domain} nu controleren`,
    checkingNow: 'Controleren…',
    checked: (domain, state) => `${domain} gecontroleerd: ${state}.`,
    timeline: (domain) => `Bezorging aan ${domain}, afgelopen 90 dagen`,
    timelineSummary: (parts) =>
      parts
        .map(
          ({ state, ms }) =>
            `${DELIVERY_STATE_LABELS.nl[state]}: ${roughly(ms, ['dag', 'dagen'], ['uur', 'uur'], 'minder dan een uur')}`,
        )
        .join('; '),
    noHistory: 'Nog geen geschiedenis.',

    proposalsHeading: (days) => `Voorgestelde connectors (afgelopen ${days} dagen)`,
    proposalsIntro:
      'Ontvangerdomeinen waarvoor gebruikers een waarschuwing of blokkade kregen, en waarvan de mailservers vandaag een connector met verplichte TLS zouden doorstaan. Met zo’n connector worden ze Afgedwongen TLS, en voor gebruikers verandert er niets.',
    loadingProposals: 'Kandidaten zoeken…',
    noCandidates:
      'Geen kandidaten: geen domein waarvoor gebruikers een waarschuwing of blokkade kregen, zou vandaag een connector doorstaan.',
    candidates: 'Kandidaten',
    pick: 'Kiezen',
    pickDomain: (domain) => `${domain} kiezen`,
    warned: 'Gewaarschuwd',
    blocked: 'Geblokkeerd',
    status: 'Status nu',
    qualifiesFor: 'Geschikt voor',
    powershell: 'Exchange Online PowerShell voor de gekozen domeinen',
    pickFirst: 'Kies een of meer kandidaten voor de PowerShell die hun connectors maakt.',
    copy: 'Kopiëren',
    copied: 'Gekopieerd.',
    copyFailed: 'Kopiëren lukte niet: selecteer de tekst en kopieer die zelf.',
    addPicked: (n) => `${n} toevoegen aan afgedwongen TLS`,
    addedPicked: (n) => `${n} ${plural(n, 'domein', 'domeinen')} toegevoegd aan afgedwongen TLS.`,
    unsuitableHeading: 'Niet geschikt voor een connector met verplichte TLS',
    unsuitableIntro:
      'Een connector naar deze domeinen zou hun mail op elk niveau vasthouden en daarna terugsturen:',
    unsuitable: 'Ongeschikte domeinen',
    sends: (warned, blocked) => `${warned} gewaarschuwd, ${blocked} geblokkeerd`,
  },
};
