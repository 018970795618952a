/**
 * How the in-page Office (office-shim.ts) answers a call: every call is recorded, may be made to fail, and
 * answers with an AsyncResult on a later task, as Outlook's do. No DOM and no Node built-ins: it ships in
 * dist/try.js.
 */

export const SUCCEEDED = 'succeeded';
export const FAILED = 'failed';

type AsyncCallback = (result: unknown) => void;

/** A fault injected into one call, named as the add-in names it: `to.getAsync`, `body.setAsync`, `sendAsync`… */
export interface Fault<Draft> {
  call: string;
  /** `error` (default): it answers Failed; `throw`: the call itself throws; `silent`: no answer ever comes. */
  mode?: 'error' | 'throw' | 'silent';
  /** Only its nth use (1 for the first); every use when left out. */
  nth?: number;
  /** Runs just before the failed answer: what a half-finished operation leaves behind. */
  before?: (draft: Draft) => void;
}

/** What Office puts in AsyncResult.error; thrown by a call's work to answer Failed with it. */
export class OfficeFailure extends Error {
  constructor(
    readonly code: number,
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

/** The callback is the last function argument; Office.js methods take optional options before it. */
function callbackOf(args: readonly unknown[]): AsyncCallback | undefined {
  for (let i = args.length - 1; i >= 0; i--) {
    const arg = args[i];
    if (typeof arg === 'function') return arg as AsyncCallback;
  }
  return undefined;
}

export interface Answers {
  /** Every call made, by name, in order (failed ones too). */
  calls: string[];
  /** Runs `fn` on a later task, after the shim's latency. */
  later: (fn: () => void) => void;
  /**
   * One callback-style call: unless a fault strikes, `work` runs now (the draft changes as the call is
   * made) and its value reaches the callback on a later task. Returns whether the work ran.
   */
  answer: (name: string, args: readonly unknown[], work?: () => unknown) => boolean;
  /** One promise-style call (OfficeRuntime.storage), with the same faults. */
  promised: <T>(name: string, work: () => T) => Promise<T>;
}

export function createAnswers<Draft>(
  draft: Draft,
  faults: readonly Fault<Draft>[],
  latencyMs: number,
): Answers {
  const calls: string[] = [];
  const counts = new Map<string, number>();
  const later = (fn: () => void): void => {
    setTimeout(fn, latencyMs);
  };

  /** Records the call; returns the fault that strikes this use of it, or throws for a `throw` fault. */
  const strike = (name: string): Fault<Draft> | undefined => {
    calls.push(name);
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    const fault = faults.find((f) => f.call === name && (f.nth === undefined || f.nth === n));
    if (fault?.mode === 'throw') throw new Error(`${name} exploded`);
    return fault;
  };

  const fail = (callback: AsyncCallback | undefined, error: unknown, before?: () => void): void => {
    const { code, name, message } =
      error instanceof OfficeFailure
        ? { code: error.code, name: error.errorName, message: error.message }
        : { code: 9999, name: 'Error', message: error instanceof Error ? error.message : String(error) };
    later(() => {
      before?.();
      callback?.({ status: FAILED, value: undefined, error: { code, name, message } });
    });
  };

  return {
    calls,
    later,
    answer(name, args, work = () => undefined) {
      const callback = callbackOf(args);
      const fault = strike(name);
      if (fault?.mode === 'silent') return false;
      if (fault) {
        fail(callback, new OfficeFailure(9002, 'InternalError', `${name} failed`), () =>
          fault.before?.(draft),
        );
        return false;
      }
      let value: unknown;
      try {
        value = work();
      } catch (error) {
        fail(callback, error);
        return false;
      }
      later(() => callback?.({ status: SUCCEEDED, value, error: undefined }));
      return true;
    },
    promised(name, work) {
      const fault = strike(name);
      if (fault?.mode === 'silent') return new Promise(() => undefined);
      if (fault) return Promise.reject(new Error(`${name} failed`));
      try {
        return Promise.resolve(work());
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

export function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}
