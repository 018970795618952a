/**
 * dist/launchevent.js: the event handlers, as one classic script. Classic Outlook on Windows runs it in its
 * JavaScript-only runtime (no DOM, no modules, no Office.onReady, ES2016 before build 2403); the web
 * runtimes load the same file from commands.html. Every path calls event.completed exactly once.
 */
import type { Action } from '../../src/core/policy';
import { officeAccessToken } from '../office/auth';
import { officeComposeItem, officeMailbox, type MailboxInfo } from '../office/compose';
import { officeDurableStore } from '../office/storage';
import { createSendCheckClient } from '../shared/api';
import { ADDIN_BASE_URL, ADDIN_ON_BACKEND_ERROR, ADDIN_SSO } from '../shared/build-info';
import { prefetch, PREFETCH_BUDGET_MS } from './prefetch';
import { checkFailedOptions, runSendCheck, SEND_BUDGET_MS, type CompletedOptions } from './send-check';

interface CompletableEvent {
  completed(options?: CompletedOptions): void;
}

function once<T>(fn: (value: T) => void): (value: T) => void {
  let called = false;
  return (value) => {
    if (called) return;
    called = true;
    fn(value);
  };
}

/** No prompts in the event runtime, and the token may take only part of the send check's 4 s. */
const TOKEN = ADDIN_SSO ? officeAccessToken({ interactive: false, timeoutMs: 1500 }) : null;

function api() {
  return createSendCheckClient({
    baseUrl: ADDIN_BASE_URL,
    fetch: (input, init) => fetch(input, init),
    ...(TOKEN ? { token: TOKEN } : {}),
  });
}

/** English, until Office can tell us the user's language. */
const FALLBACK_MAILBOX: MailboxInfo = { userEmail: '', language: 'en', supports: () => false };

function onMessageSendHandler(event: CompletableEvent): void {
  let mailbox = FALLBACK_MAILBOX;
  // Until a policy is known (kept or fetched), running out of time follows the build's choice.
  let onBackendError: Action = ADDIN_ON_BACKEND_ERROR;
  const complete = once((options: CompletedOptions) => {
    clearTimeout(timer);
    event.completed(options);
  });
  const timer = setTimeout(() => {
    complete(checkFailedOptions(onBackendError, 'timeout', { mailbox }));
  }, SEND_BUDGET_MS);
  try {
    mailbox = officeMailbox();
    const now = () => Date.now();
    const client = api();
    runSendCheck(
      {
        item: officeComposeItem(),
        mailbox,
        api: client,
        now,
        store: officeDurableStore(),
        offlineDefault: ADDIN_ON_BACKEND_ERROR,
      },
      now() + SEND_BUDGET_MS - 250,
      (policy) => {
        onBackendError = policy.onBackendError;
      },
      (decision) => {
        // Fire and forget for the admin's activity view: never awaited, so it cannot delay the send.
        client.reportDecision(decision, 3000).catch(() => undefined);
      },
    ).then(complete, () => {
      complete(checkFailedOptions(onBackendError, 'error', { mailbox }));
    });
  } catch {
    complete(checkFailedOptions(onBackendError, 'error', { mailbox }));
  }
}

function onMessageRecipientsChangedHandler(event: CompletableEvent): void {
  const complete = once(() => {
    clearTimeout(timer);
    event.completed();
  });
  const timer = setTimeout(complete, PREFETCH_BUDGET_MS + 1000);
  try {
    // A failed prefetch costs nothing: the send check asks again.
    prefetch({
      item: officeComposeItem(),
      api: api(),
      now: () => Date.now(),
      store: officeDurableStore(),
    }).then(complete, complete);
  } catch {
    complete(undefined);
  }
}

Office.actions.associate('onMessageSendHandler', onMessageSendHandler);
Office.actions.associate('onMessageRecipientsChangedHandler', onMessageRecipientsChangedHandler);
