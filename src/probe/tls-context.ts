import tls from 'node:tls';

/**
 * Secure contexts for probing, built once per trust configuration: building one that carries Node's
 * whole root store costs milliseconds, far more than the handshake on a fast network.
 */

const cache = new Map<string, tls.SecureContext>();

export type ContextPurpose = 'smtp-probe' | 'https';

export function probeContext(
  purpose: ContextPurpose,
  extraCa: readonly string[] | undefined,
): tls.SecureContext {
  const key = `${purpose}\n${(extraCa ?? []).join('\n')}`;
  let context = cache.get(key);
  if (!context) {
    context = tls.createSecureContext({
      ...(extraCa?.length ? { ca: [...tls.rootCertificates, ...extraCa] } : {}),
      // The SMTP probe accepts TLS 1.0/1.1 and weak parameters so it can report them; HTTPS keeps defaults.
      ...(purpose === 'smtp-probe' ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
    });
    cache.set(key, context);
  }
  return context;
}
