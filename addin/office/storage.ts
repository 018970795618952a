/**
 * Storage that outlives a compose session, for the last org policy the add-in saw (addin/shared/policy-store.ts).
 * The only code besides compose.ts and auth.ts that touches Office.js / OfficeRuntime.
 */

export interface RoamingStore {
  /** The setting's value, or null when it is absent. */
  get(key: string): unknown;
  /** Sets and saves (saveAsync). Rejects when the value does not fit (Office's 9057) or the save fails. */
  save(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface LocalStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface DurableStore {
  /**
   * Office.context.roamingSettings (Mailbox 1.1): kept in the user's mailbox, so it follows them to every
   * client, the JavaScript-only runtime included. 32 KB for all of the add-in's settings together.
   */
  roaming: RoamingStore | null;
  /**
   * OfficeRuntime.storage (Mailbox 1.10): only classic Outlook on Windows' event runtime has it, and reports
   * say not every build does; 10 MB per domain. Null where it is missing.
   */
  local: LocalStore | null;
}

/** What a test or the /try page hands in where there is no Office: nothing is kept. */
export const NO_STORE: DurableStore = { roaming: null, local: null };

function saved(settings: Office.RoamingSettings): Promise<void> {
  return new Promise((resolve, reject) => {
    settings.saveAsync((result) => {
      if (result.status === Office.AsyncResultStatus.Succeeded) resolve();
      else reject(new Error(`roamingSettings.saveAsync: ${result.error.message || 'failed'}`));
    });
  });
}

function roamingStore(): RoamingStore | null {
  // Missing in hosts without a mailbox context (the /try page's stand-in may leave it out).
  const settings = (Office.context as Partial<Office.Context>).roamingSettings;
  if (!settings || typeof settings.get !== 'function' || typeof settings.saveAsync !== 'function')
    return null;
  return {
    get(key) {
      const value: unknown = settings.get(key);
      return value === undefined ? null : value;
    },
    async save(key, value) {
      // set() throws (9057) when the add-in's settings would pass 32 KB.
      settings.set(key, value);
      await saved(settings);
    },
    async remove(key) {
      settings.remove(key);
      await saved(settings);
    },
  };
}

function localStore(): LocalStore | null {
  // The typings declare OfficeRuntime, but the runtime may not have it at all.
  const runtime: Partial<typeof OfficeRuntime> | undefined =
    typeof OfficeRuntime === 'undefined' ? undefined : OfficeRuntime;
  const storage = runtime?.storage;
  if (!storage || typeof storage.getItem !== 'function' || typeof storage.setItem !== 'function') return null;
  return {
    async get(key) {
      const value: unknown = await storage.getItem(key);
      return typeof value === 'string' ? value : null;
    },
    set: (key, value) => storage.setItem(key, value),
    remove: (key) => storage.removeItem(key),
  };
}

/** Never throws: whatever Office lacks is null. */
export function officeDurableStore(): DurableStore {
  const attempt = <T>(make: () => T | null): T | null => {
    try {
      return make();
    } catch {
      return null;
    }
  };
  return { roaming: attempt(roamingStore), local: attempt(localStore) };
}
