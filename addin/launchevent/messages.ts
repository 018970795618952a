import type { Language } from '../../src/core/status';

/** Texts of the Smart Alert itself (the decision's own messages come from src/core/decide.ts). */
export const TEXTS: Readonly<
  Record<Language, { sendSecurely: string; review: string; checkFailed: (reason: string) => string }>
> = {
  en: {
    // Smart Alerts allow at most 20 characters for the button.
    sendSecurely: 'Send securely',
    review: 'Review recipients',
    checkFailed: (reason) =>
      `TLS Gate could not check whether this email will travel encrypted (${reason}). Check the recipients before sending, or try again in a moment.`,
  },
  nl: {
    sendSecurely: 'Veilig verzenden',
    review: 'Ontvangers bekijken',
    checkFailed: (reason) =>
      `TLS Gate kon niet controleren of deze e-mail versleuteld verzonden wordt (${reason}). Controleer de ontvangers voor u verzendt, of probeer het zo opnieuw.`,
  },
};

export const FAILURE_REASONS: Readonly<
  Record<Language, Record<'timeout' | 'unreachable' | 'error', string>>
> = {
  en: {
    timeout: 'no answer in time',
    unreachable: 'the TLS Gate service could not be reached',
    error: 'an internal error',
  },
  nl: {
    timeout: 'geen antwoord op tijd',
    unreachable: 'de TLS Gate-dienst was niet bereikbaar',
    error: 'een interne fout',
  },
};
