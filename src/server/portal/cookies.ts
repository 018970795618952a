import { signerFactory } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The portal's two cookies, signed with @fastify/cookie's signer (HMAC-SHA256; the first secret signs,
 * every secret verifies). The plugin itself is not registered: on Node 20 it loads its `cookie`
 * dependency with a dynamic import(), which jest's module sandbox refuses, and the portal needs only
 * this: read one cookie by name, set one with fixed attributes, clear one.
 */

export interface CookieAttributes {
  path: string;
  maxAgeSeconds: number;
  secure: boolean;
}

export interface CookieJar {
  /** The verified value of a signed cookie, or null (absent, altered, or signed with an unknown key). */
  read(request: FastifyRequest, name: string): string | null;
  set(reply: FastifyReply, name: string, value: string, attributes: CookieAttributes): void;
  clear(reply: FastifyReply, name: string, attributes: Omit<CookieAttributes, 'maxAgeSeconds'>): void;
}

/** The raw value of the named cookie in a Cookie header (the first one, as browsers send the most specific first). */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}

function serialize(name: string, value: string, attributes: CookieAttributes): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${attributes.path}`,
    `Max-Age=${attributes.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(attributes.secure ? ['Secure'] : []),
  ].join('; ');
}

export function cookieJar(secrets: readonly string[]): CookieJar {
  const signer = signerFactory([...secrets], 'sha256');
  const append = (reply: FastifyReply, cookie: string): void => {
    // Fastify keeps every set-cookie value given, rather than replacing the previous one.
    void reply.header('set-cookie', cookie);
  };
  return {
    read(request, name) {
      const raw = cookieValue(request.headers.cookie, name);
      if (raw === null) return null;
      const unsigned = signer.unsign(raw);
      return unsigned.valid ? unsigned.value : null;
    },
    set(reply, name, value, attributes) {
      append(reply, serialize(name, signer.sign(value), attributes));
    },
    clear(reply, name, attributes) {
      append(reply, serialize(name, '', { ...attributes, maxAgeSeconds: 0 }));
    },
  };
}
