import https from 'node:https';
import tls from 'node:tls';
import type { FindingCode } from '../core/report';
import { probeContext } from './tls-context';

/**
 * Fetches https://mta-sts.D/.well-known/mta-sts.txt the way RFC 8461 §3.3 asks: a valid certificate for
 * mta-sts.D, no redirects, only 200 counts, a size cap and a deadline. The caller resolves and vets the
 * address, so the connection goes exactly where the SSRF guard allowed.
 */

export const MTA_STS_MAX_BODY_BYTES = 64 * 1024;

export type PolicyFetchResult =
  { ok: true; text: string } | { ok: false; code: FindingCode; message: string };

export interface PolicyFetchOptions {
  address: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
  extraCa?: readonly string[];
}

export function fetchMtaStsPolicy(domain: string, options: PolicyFetchOptions): Promise<PolicyFetchResult> {
  const host = `mta-sts.${domain}`;
  const url = `https://${host}/.well-known/mta-sts.txt`;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PolicyFetchResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      request.destroy();
      resolve(result);
    };
    const failed = (message: string): void => {
      finish({ ok: false, code: 'MTA_STS_FETCH_FAILED', message: `${url}: ${message}` });
    };
    const onAbort = (): void => {
      failed('cut off by the deadline');
    };
    const timer = setTimeout(() => {
      failed(`no complete answer within ${options.timeoutMs} ms`);
    }, options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const request = https.request({
      host: options.address,
      port: options.port,
      servername: host,
      path: '/.well-known/mta-sts.txt',
      method: 'GET',
      headers: { host, accept: 'text/plain', 'user-agent': 'TLS Gate MTA-STS check' },
      agent: false,
      rejectUnauthorized: true,
      // The certificate must name mta-sts.D, whatever address we connected to.
      checkServerIdentity: (_hostname, cert) => tls.checkServerIdentity(host, cert),
      ...(options.extraCa?.length ? { secureContext: probeContext('https', options.extraCa) } : {}),
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      failed(error.code ?? error.message);
    });
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        const where = response.headers.location
          ? ` (redirect to ${response.headers.location.slice(0, 100)})`
          : '';
        failed(`HTTP ${response.statusCode ?? '?'}${where}; only 200 counts and redirects are not followed`);
        return;
      }
      const declared = Number(response.headers['content-length'] ?? 0);
      if (declared > MTA_STS_MAX_BODY_BYTES) {
        failed(`the policy is ${declared} bytes; the limit is ${MTA_STS_MAX_BODY_BYTES}`);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MTA_STS_MAX_BODY_BYTES) {
          failed(`the policy is larger than ${MTA_STS_MAX_BODY_BYTES} bytes`);
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', (error) => {
        failed(error.message);
      });
    });
    request.end();
  });
}
