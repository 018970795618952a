import { languageFrom } from '../../admin/strings';

/** The console's language: the admin's stored choice first, else the browser's. */

describe('languageFrom', () => {
  it('takes Dutch for any nl browser language and English for the rest', () => {
    expect(languageFrom(null, 'nl-NL')).toBe('nl');
    expect(languageFrom(null, 'nl-BE')).toBe('nl');
    expect(languageFrom(null, 'NL')).toBe('nl');
    expect(languageFrom(null, 'en-US')).toBe('en');
    expect(languageFrom(null, 'de-DE')).toBe('en');
    expect(languageFrom(null, '')).toBe('en');
  });

  it('prefers the stored choice, ignoring what it does not know', () => {
    expect(languageFrom('en', 'nl-NL')).toBe('en');
    expect(languageFrom('nl', 'en-GB')).toBe('nl');
    expect(languageFrom('fr', 'nl-NL')).toBe('nl');
  });
});
