import { Select } from '@fluentui/react-components';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactElement,
} from 'react';
import type { Language } from '../src/core/status';
import {
  ADMIN_STRINGS,
  isLanguage,
  LANGUAGE_NAMES,
  LANGUAGES,
  languageFrom,
  type AdminStrings,
} from './strings';

/** The console's language: the admin's choice (kept in localStorage), else the browser's. */

const LANGUAGE_KEY = 'tlsgate.admin.language';

export interface Localised {
  language: Language;
  s: AdminStrings;
  setLanguage: (language: Language) => void;
}

const LocalisedContext = createContext<Localised>({
  language: 'en',
  s: ADMIN_STRINGS.en,
  setLanguage: () => undefined,
});

export const LocalisedProvider = LocalisedContext.Provider;

export function useLocalised(): Localised {
  return useContext(LocalisedContext);
}

function storedLanguage(): string | null {
  try {
    return window.localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}

/** The language state at the root of the console; everything below reads it with useLocalised(). */
export function useLanguageChoice(): Localised {
  const [language, setLanguageState] = useState<Language>(() =>
    languageFrom(storedLanguage(), navigator.language || 'en'),
  );
  useEffect(() => {
    // Screen readers pick their pronunciation from the page's lang.
    document.documentElement.lang = language;
    document.title = ADMIN_STRINGS[language].title;
  }, [language]);
  const setLanguage = useCallback((next: Language) => {
    try {
      window.localStorage.setItem(LANGUAGE_KEY, next);
    } catch {
      // Storage denied: the choice lasts as long as the page.
    }
    setLanguageState(next);
  }, []);
  return useMemo(() => ({ language, s: ADMIN_STRINGS[language], setLanguage }), [language, setLanguage]);
}

export function LanguageSwitch(): ReactElement {
  const { language, s, setLanguage } = useLocalised();
  return (
    <Select
      size="small"
      aria-label={s.language}
      value={language}
      onChange={(_event, data) => {
        if (isLanguage(data.value)) setLanguage(data.value);
      }}
    >
      {LANGUAGES.map((option) => (
        <option key={option} value={option} lang={option}>
          {LANGUAGE_NAMES[option]}
        </option>
      ))}
    </Select>
  );
}
