import { useState } from 'react';
import { ApiCallError } from '../addin/shared/api';
import type { ForcedTlsEntry } from '../src/core/policy';
import { isVersionConflict, type AdminApi } from './api';
import { problemText } from './problem';
import type { Phrase } from './strings';
import type { Message, PolicyState } from './types';

/** A server validation message per field of one forced-TLS entry, shown at that field. */
export interface EntryErrors {
  domain?: string;
  level?: string;
  tlsDomain?: string;
}

export type SaveResult = { ok: true } | { ok: false; errors: EntryErrors | null };

/**
 * The validation problems the server has with entry `index` of the sent list, by field; null when it has
 * none there (the problem is elsewhere, or the list passes). The editor's own paths: "forcedTlsDomains.3.tlsDomain".
 */
export function entryErrors(
  problems: ReadonlyArray<{ path: string; message: string }>,
  index: number,
): EntryErrors | null {
  const prefix = `forcedTlsDomains.${index}`;
  const errors: EntryErrors = {};
  for (const problem of problems) {
    if (problem.path !== prefix && !problem.path.startsWith(`${prefix}.`)) continue;
    const field = problem.path.slice(prefix.length + 1);
    const key: keyof EntryErrors = field === 'level' || field === 'tlsDomain' ? field : 'domain';
    errors[key] ??= problem.message;
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

/**
 * Saving the forced-TLS list as a policy change (PUT /admin/policy with If-Match), shared by the views that
 * change it. A conflict reloads the policy and says so; a validation failure is asked again of the
 * validation route, whose answer names the field, so the view can show it there.
 */
export function useForcedTlsSave(
  api: AdminApi,
  policy: PolicyState,
): {
  busy: boolean;
  message: Message | null;
  setMessage: (message: Message | null) => void;
  save: (next: ForcedTlsEntry[], basedOnVersion: number, done: Phrase, index?: number) => Promise<SaveResult>;
} {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);

  async function fieldErrors(candidate: unknown, index: number | undefined): Promise<EntryErrors | null> {
    if (index === undefined) return null;
    try {
      const validation = await api.validatePolicy(candidate);
      return validation.valid ? null : entryErrors(validation.problems, index);
    } catch {
      return null;
    }
  }

  async function save(
    next: ForcedTlsEntry[],
    basedOnVersion: number,
    done: Phrase,
    index?: number,
  ): Promise<SaveResult> {
    setBusy(true);
    setMessage(null);
    const candidate = { ...policy.current.policy, forcedTlsDomains: next };
    try {
      const saved = await api.savePolicy(candidate, basedOnVersion);
      policy.replace(saved);
      setMessage({ ok: true, text: (t) => `${done(t)} ${t.savedAs(saved.version)}` });
      return { ok: true };
    } catch (error) {
      if (isVersionConflict(error)) {
        await policy.reload();
        setMessage({ ok: false, text: (t) => t.tls.conflict });
        return { ok: false, errors: null };
      }
      const errors =
        error instanceof ApiCallError && error.code === 'VALIDATION_FAILED'
          ? await fieldErrors(candidate, index)
          : null;
      setMessage({ ok: false, text: (t) => (errors ? t.tls.notSaved : problemText(error, t)) });
      return { ok: false, errors };
    } finally {
      setBusy(false);
    }
  }

  return { busy, message, setMessage, save };
}
