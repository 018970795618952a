// Types only from the contract's zod modules: launchevent.js bundles this file and must not bundle zod.
import type { ActivityReport, DecisionEvent } from '../../src/contract/activity';
import type { LookupReport } from '../../src/contract/domains';
import { MAX_LOOKUP_BATCH } from '../../src/contract/limits';
import type { PolicyDocument as FullPolicyDocument } from '../../src/contract/policy';
import type { NewPortalMessage, PortalMessage, PortalMessageCreated } from '../../src/contract/portal';

/**
 * The add-in's calls to the backend. Absolute URLs (the classic Outlook runtime needs them), a timeout on
 * every call, and errors that say what failed without internals. The shapes are the API contract's.
 */

export type {
  ActivityReport,
  DecisionEvent,
  LookupReport,
  NewPortalMessage,
  PortalMessage,
  PortalMessageCreated,
};

/** A file a recipient attached to a reply: `index` addresses it for the download. */
export interface PortalReplyAttachment {
  index: number;
  name: string;
  size: number;
}

/** A recipient's reply as the sender sees it; `id` is its 1-based number within the message. */
export interface PortalReply {
  id: number;
  from: string | null;
  at: string;
  text: string;
  attachments: PortalReplyAttachment[];
}

/** The part of the policy document the add-in reads (and keeps between sessions). */
export type PolicyDocument = Pick<FullPolicyDocument, 'policy' | 'version'>;

export type ApiErrorKind = 'unreachable' | 'timeout' | 'unauthorized' | 'rejected' | 'bad-response';

export class ApiCallError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status: number | null = null,
    /** The backend's stable error code (e.g. `PORTAL_DISABLED`), when it sent one. */
    readonly code: string | null = null,
    /** The backend's explanation for people (it never carries internals), when it sent one. */
    readonly detail: string | null = null,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

export interface ApiClient {
  /**
   * Reports in the order of `inputs` (addresses or domains), at most 100 per call. `fresh` asks the
   * backend to probe again instead of answering from its cache (`?fresh=1`, rate limited far more strictly).
   */
  lookup(inputs: readonly string[], timeoutMs: number, options?: LookupOptions): Promise<LookupReport[]>;
  policy(timeoutMs: number): Promise<PolicyDocument>;
  /** Reports an on-send decision for the admin's activity view: metadata only (domains, detection types). */
  reportDecision(event: ActivityReport, timeoutMs: number): Promise<void>;
  /** Uploads a message to the secure portal (multipart: the `message` JSON field, then the files). */
  createPortalMessage(
    message: NewPortalMessage,
    files: readonly PortalFile[],
    timeoutMs: number,
  ): Promise<PortalMessageCreated>;
  /** Whether `link` is a live portal message of the signed-in sender (the send check trusts only those). */
  portalLinkLive(link: string, timeoutMs: number): Promise<boolean>;
  /** The signed-in sender's portal messages, newest first. */
  portalMessages(timeoutMs: number): Promise<PortalMessage[]>;
  /** Destroys a portal message's key and contents; answers with the message as it is now. */
  revokePortalMessage(id: string, timeoutMs: number): Promise<PortalMessage>;
  /** Moves a portal message's expiry (ISO time, at most its `maxExpiresAt`). */
  extendPortalMessage(id: string, expiresAt: string, timeoutMs: number): Promise<PortalMessage>;
  portalReplies(id: string, timeoutMs: number): Promise<PortalReply[]>;
  /** The bytes of a file attached to a reply, fetched with the sign-in like every other call. */
  portalReplyAttachment(id: string, reply: number, index: number, timeoutMs: number): Promise<Blob>;
}

export interface PortalFile {
  name: string;
  /** The file's bytes, base64 (as Office hands them over). */
  base64: string;
  contentType?: string;
}

function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The `error.code` and `error.message` of an error answer, if it has them. */
async function errorOf(response: Response): Promise<{ code: string | null; detail: string | null }> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } } | null;
    const code = body?.error?.code;
    const message = body?.error?.message;
    return {
      code: typeof code === 'string' ? code : null,
      detail: typeof message === 'string' ? message.slice(0, 500) : null,
    };
  } catch {
    return { code: null, detail: null };
  }
}

export interface LookupOptions {
  fresh?: boolean;
}

export interface ApiClientOptions {
  baseUrl: string;
  fetch: typeof fetch;
  /** A bearer token for `entra` deployments; null sends none. */
  token?: () => Promise<string | null>;
}

export interface RequestInit {
  method: string;
  body?: string | FormData;
  headers?: Record<string, string>;
  /** `blob` for a download; JSON otherwise. */
  as?: 'json' | 'blob';
}

/** A JSON call to the backend with the bearer token, a timeout, and errors that carry the stable code. */
export type Requester = <T>(path: string, init: RequestInit, timeoutMs: number) => Promise<T>;

export function createRequester(options: ApiClientOptions): Requester {
  const base = options.baseUrl.replace(/\/+$/, '');

  return async function request<T>(path: string, init: RequestInit, timeoutMs: number): Promise<T> {
    const headers: Record<string, string> = {
      accept: init.as === 'blob' ? '*/*' : 'application/json',
      ...init.headers,
    };
    // FormData sets its own multipart content type, with the boundary.
    if (typeof init.body === 'string') headers['content-type'] = 'application/json';
    const token = options.token ? await options.token() : null;
    if (token) headers.authorization = `Bearer ${token}`;

    // AbortController is not in every Outlook runtime; the race alone still bounds the wait.
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        controller?.abort();
        reject(new ApiCallError('timeout', `TLS Gate did not answer within ${timeoutMs} ms.`));
      }, timeoutMs);
    });
    const call = (async () => {
      let response: Response;
      try {
        response = await options.fetch(`${base}${path}`, {
          method: init.method,
          headers,
          ...(init.body !== undefined ? { body: init.body } : {}),
          ...(controller ? { signal: controller.signal } : {}),
        });
      } catch {
        throw new ApiCallError('unreachable', 'TLS Gate could not be reached.');
      }
      if (!response.ok) {
        const { code, detail } = await errorOf(response);
        // A 403 with a reason (the portal is off) is a refusal, not a sign-in problem.
        if (response.status === 401 || (response.status === 403 && (code === null || code === 'FORBIDDEN')))
          throw new ApiCallError(
            'unauthorized',
            'TLS Gate did not accept the sign-in.',
            response.status,
            code,
            detail,
          );
        throw new ApiCallError(
          'rejected',
          `TLS Gate answered ${response.status}.`,
          response.status,
          code,
          detail,
        );
      }
      try {
        if (init.as === 'blob') return (await response.blob()) as T;
        return (await response.json()) as T;
      } catch {
        throw new ApiCallError('bad-response', 'TLS Gate sent an answer that is not JSON.', response.status);
      }
    })();
    try {
      return await Promise.race([call, timeout]);
    } finally {
      clearTimeout(timer);
      // The losing side's rejection is expected; keep it from surfacing as unhandled.
      call.catch(() => undefined);
    }
  };
}

/**
 * The calls the send check makes. launchevent.js is built from this alone: the task pane's portal calls
 * would be 2 KB of it that never runs.
 */
export type SendCheckApi = Pick<ApiClient, 'lookup' | 'policy' | 'reportDecision' | 'portalLinkLive'>;

export function createSendCheckClient(options: ApiClientOptions): SendCheckApi {
  return sendCheckCalls(createRequester(options));
}

function sendCheckCalls(request: Requester): SendCheckApi {
  return {
    async lookup(inputs, timeoutMs, lookupOptions = {}) {
      if (inputs.length === 0) return [];
      const batches: string[][] = [];
      for (let i = 0; i < inputs.length; i += MAX_LOOKUP_BATCH)
        batches.push(inputs.slice(i, i + MAX_LOOKUP_BATCH));
      const answers = await Promise.all(
        batches.map((domains) =>
          request<{ reports?: LookupReport[] }>(
            `/api/v1/domains/lookup${lookupOptions.fresh ? '?fresh=1' : ''}`,
            { method: 'POST', body: JSON.stringify({ domains }) },
            timeoutMs,
          ),
        ),
      );
      const reports = answers.flatMap((answer) => answer.reports ?? []);
      if (reports.length !== inputs.length)
        throw new ApiCallError('bad-response', 'TLS Gate answered for a different number of domains.');
      return reports;
    },
    async policy(timeoutMs) {
      const document = await request<PolicyDocument>('/api/v1/policy', { method: 'GET' }, timeoutMs);
      if (typeof document.version !== 'number' || typeof document.policy !== 'object')
        throw new ApiCallError('bad-response', 'TLS Gate sent a policy in an unexpected shape.');
      return document;
    },
    async reportDecision(event, timeoutMs) {
      await request<unknown>('/api/v1/events', { method: 'POST', body: JSON.stringify(event) }, timeoutMs);
    },
    async portalLinkLive(link, timeoutMs) {
      const answer = await request<{ live?: unknown } | null>(
        '/api/v1/portal/links/check',
        { method: 'POST', body: JSON.stringify({ link }) },
        timeoutMs,
      );
      return answer?.live === true;
    },
  };
}

/** Every call: the send check's and the task pane's portal calls. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const request = createRequester(options);
  return {
    ...sendCheckCalls(request),
    async createPortalMessage(message, files, timeoutMs) {
      const form = new FormData();
      // The server reads the message field first, then the files.
      form.append('message', JSON.stringify(message));
      for (const file of files)
        form.append(
          'file',
          new Blob([base64Bytes(file.base64)], { type: file.contentType ?? 'application/octet-stream' }),
          file.name,
        );
      const created = await request<PortalMessageCreated>(
        '/api/v1/portal/messages',
        { method: 'POST', body: form },
        timeoutMs,
      );
      if (typeof created.link !== 'string' || typeof created.id !== 'string')
        throw new ApiCallError('bad-response', 'TLS Gate sent a portal answer in an unexpected shape.');
      return created;
    },
    async portalMessages(timeoutMs) {
      const answer = await request<{ messages?: unknown }>(
        '/api/v1/portal/messages',
        { method: 'GET' },
        timeoutMs,
      );
      if (!Array.isArray(answer.messages))
        throw new ApiCallError('bad-response', 'TLS Gate sent a message list in an unexpected shape.');
      return answer.messages as PortalMessage[];
    },
    revokePortalMessage(id, timeoutMs) {
      return request<PortalMessage>(`${messagePath(id)}/revoke`, { method: 'POST', body: '{}' }, timeoutMs);
    },
    extendPortalMessage(id, expiresAt, timeoutMs) {
      return request<PortalMessage>(
        `${messagePath(id)}/extend`,
        { method: 'POST', body: JSON.stringify({ expiresAt }) },
        timeoutMs,
      );
    },
    async portalReplies(id, timeoutMs) {
      const answer = await request<{ replies?: unknown }>(
        `${messagePath(id)}/replies`,
        { method: 'GET' },
        timeoutMs,
      );
      if (!Array.isArray(answer.replies))
        throw new ApiCallError('bad-response', 'TLS Gate sent replies in an unexpected shape.');
      return answer.replies.map(toReply);
    },
    portalReplyAttachment(id, reply, index, timeoutMs) {
      return request<Blob>(
        `${messagePath(id)}/replies/${reply}/attachments/${index}`,
        { method: 'GET', as: 'blob' },
        timeoutMs,
      );
    },
  };
}

function messagePath(id: string): string {
  return `/api/v1/portal/messages/${encodeURIComponent(id)}`;
}

/** A reply as the backend sends it; older backends send neither `id` nor `attachments`. */
function toReply(raw: unknown, position: number): PortalReply {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const attachments = Array.isArray(r.attachments) ? (r.attachments as unknown[]) : [];
  return {
    id: typeof r.id === 'number' ? r.id : position + 1,
    from: typeof r.from === 'string' ? r.from : null,
    at: typeof r.at === 'string' ? r.at : '',
    text: typeof r.text === 'string' ? r.text : '',
    attachments: attachments.flatMap((item) => {
      const a = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
      return typeof a.index === 'number' && typeof a.name === 'string'
        ? [{ index: a.index, name: a.name, size: typeof a.size === 'number' ? a.size : 0 }]
        : [];
    }),
  };
}
