/**
 * The in-page Office's storage that outlives a compose session (office-shim.ts): roaming settings and
 * OfficeRuntime.storage, each over an object the caller owns, so a test can carry it into the next session.
 */
import type { Answers } from './office-shim-calls';

/** Office's limit for all of an add-in's roaming settings together. */
export const ROAMING_LIMIT_BYTES = 32 * 1024;

export interface ShimRoamingSettings {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  remove(name: string): void;
  saveAsync(...args: unknown[]): void;
}

export interface ShimRuntime {
  storage: {
    getItem(key: string): Promise<string | null>;
    setItem(key: string, value: string): Promise<void>;
    removeItem(key: string): Promise<void>;
  };
}

const clone = (value: unknown): unknown =>
  value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);

/**
 * Roaming settings as Office has them: loaded from `saved` (the mailbox's copy) once, at most 32 KB, and
 * written back to it only by saveAsync.
 */
export function roamingSettings(
  saved: Record<string, unknown>,
  answers: Answers,
  counter: { saves: number },
): ShimRoamingSettings {
  let memory = clone(saved) as Record<string, unknown>;
  return {
    get: (name: string) => clone(memory[name]),
    set: (name: string, value: unknown) => {
      const next = { ...memory, [name]: clone(value) };
      if (new TextEncoder().encode(JSON.stringify(next)).length > ROAMING_LIMIT_BYTES)
        throw Object.assign(new Error('The settings exceed the size limit.'), { code: 9057 });
      memory = next;
    },
    remove: (name: string) => {
      memory = { ...memory };
      Reflect.deleteProperty(memory, name);
    },
    saveAsync: (...args: unknown[]) => {
      counter.saves++;
      answers.answer('roamingSettings.saveAsync', args, () => {
        for (const key of Object.keys(saved)) if (!(key in memory)) Reflect.deleteProperty(saved, key);
        Object.assign(saved, clone(memory));
      });
    },
  };
}

/** OfficeRuntime.storage (classic Outlook on Windows' event runtime) over `items`. */
export function runtimeStorage(items: Record<string, string>, answers: Answers): ShimRuntime {
  return {
    storage: {
      getItem: (key: string) =>
        answers.promised('storage.getItem', () => (key in items ? (items[key] ?? null) : null)),
      setItem: (key: string, value: string) =>
        answers.promised('storage.setItem', () => {
          items[key] = value;
        }),
      removeItem: (key: string) =>
        answers.promised('storage.removeItem', () => {
          Reflect.deleteProperty(items, key);
        }),
    },
  };
}
