import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * TLSGATE_HEALTH_INTERVAL and the alert channels (docs/forced-tls.md#health-monitoring-and-alerts), checked
 * with the rest of the config.
 */

export interface HealthConfig {
  /** How often each forced-TLS domain is re-probed (ms). */
  intervalMs: number;
  /** Who alert mail goes to (through TLSGATE_SMTP_URL); empty: no alert mail. */
  alertEmails: string[];
  /** Where alerts are POSTed as JSON; null: none. https, or http to a loopback address. */
  alertWebhookUrl: string | null;
}

/** Merged into the environment schema in config.ts, so one pass reports every bad value. */
export const HEALTH_ENV = {
  TLSGATE_HEALTH_INTERVAL: z.string().min(1).optional(),
  TLSGATE_ALERT_EMAILS: z.string().optional(),
  TLSGATE_ALERT_WEBHOOK_URL: z.string().min(1).optional(),
};

export const DEFAULT_HEALTH_INTERVAL_MS = 6 * 3_600_000;
const MIN_INTERVAL_MS = 60_000;
const MAX_INTERVAL_MS = 7 * 86_400_000;
const MAX_ALERT_EMAILS = 50;
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

/** "6h", "30m", "900s", "1d" in ms; null when it is not one of those. */
export function parseDuration(value: string): number | null {
  const match = /^(\d{1,7})\s*([smhd])$/i.exec(value.trim());
  if (!match?.[1] || !match[2]) return null;
  return Number(match[1]) * (UNITS[match[2].toLowerCase()] ?? Number.NaN);
}

/** Only this machine can be reached there, so plain http reveals nothing on the way. */
function isLoopback(hostname: string): boolean {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

export function healthConfig(
  env: { [K in keyof typeof HEALTH_ENV]?: string | undefined },
  hasRelay: boolean,
  problems: string[],
): HealthConfig {
  let intervalMs = DEFAULT_HEALTH_INTERVAL_MS;
  if (env.TLSGATE_HEALTH_INTERVAL !== undefined) {
    const parsed = parseDuration(env.TLSGATE_HEALTH_INTERVAL);
    if (parsed === null || parsed < MIN_INTERVAL_MS || parsed > MAX_INTERVAL_MS)
      problems.push(
        'TLSGATE_HEALTH_INTERVAL: give a number with s, m, h or d (e.g. 6h, 30m, 900s), from 1 minute to 7 days.',
      );
    else intervalMs = parsed;
  }

  const alertEmails = (env.TLSGATE_ALERT_EMAILS ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address.length > 0);
  const bad = alertEmails.find((address) => !ADDRESS.test(address) || address.length > 254);
  if (bad !== undefined)
    problems.push(
      `TLSGATE_ALERT_EMAILS: "${bad.slice(0, 80)}" is not an address; give addresses, comma separated.`,
    );
  if (alertEmails.length > MAX_ALERT_EMAILS)
    problems.push(`TLSGATE_ALERT_EMAILS: at most ${MAX_ALERT_EMAILS} addresses; use a list address.`);
  if (alertEmails.length > 0 && !hasRelay)
    problems.push('TLSGATE_ALERT_EMAILS needs TLSGATE_SMTP_URL: alert mail goes through that relay.');

  let alertWebhookUrl: string | null = null;
  if (env.TLSGATE_ALERT_WEBHOOK_URL !== undefined) {
    const hint = 'TLSGATE_ALERT_WEBHOOK_URL: give an https:// URL (http:// only to a loopback address).';
    let url: URL | null = null;
    try {
      url = new URL(env.TLSGATE_ALERT_WEBHOOK_URL.trim());
    } catch {
      problems.push(hint);
    }
    if (url) {
      const plainLoopback = url.protocol === 'http:' && isLoopback(url.hostname);
      if ((url.protocol !== 'https:' && !plainLoopback) || url.hostname === '') problems.push(hint);
      else alertWebhookUrl = url.href;
    }
  }
  return { intervalMs, alertEmails, alertWebhookUrl };
}
