import type { DeliveryState, DeliveryVerdict } from '../../core/delivery';
import {
  DELIVERY_STATE_LABELS,
  deliveryReasons,
  deliverySentence,
  FORCED_TLS_LEVEL_LABELS,
} from '../../core/delivery-messages';
import type { ForcedTlsLevel } from '../../core/policy';
import type { HealthEvent, HealthRecord, NewAlert } from '../store/health-store';

/**
 * What an alert says, per channel, in English (the admin's console language is not known to the server).
 * Addresses and the webhook URL are not part of it: they come from the config when it is sent, so the
 * outbox holds no secret.
 */

export interface EmailPayload {
  subject: string;
  text: string;
}

/** The JSON POSTed to TLSGATE_ALERT_WEBHOOK_URL: `text` for Slack and Teams, `tlsgate` for everyone else. */
export interface WebhookPayload {
  text: string;
  tlsgate: {
    event: HealthEvent['kind'];
    domain: string;
    from: DeliveryState;
    to: DeliveryState;
    level: ForcedTlsLevel;
    reasons: DeliveryVerdict['reasons'];
    /** ISO 8601. */
    checkedAt: string;
  };
}

export interface AlertChannels {
  /** The console's address (config.publicUrl). */
  publicUrl: string;
  email: boolean;
  webhook: boolean;
}

/** One line that says what happened, the same on every channel. */
export function alertHeadline(event: HealthEvent, domain: string): string {
  if (event.kind === 'reminder')
    return event.to === 'failing'
      ? `Reminder: mail to ${domain} is still not delivered.`
      : `Reminder: mail to ${domain} is still at risk.`;
  switch (event.to) {
    case 'failing':
      return `Mail to ${domain} will not be delivered.`;
    case 'at-risk':
      return `Mail to ${domain} is at risk.`;
    case 'ok':
      return `Mail to ${domain} is delivered again.`;
  }
}

const when = (at: number): string => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Each MX host as the connector judges it, one line each. */
function hostLines(verdict: DeliveryVerdict): string[] {
  if (verdict.mx.length === 0) return ['  (no mail server found)'];
  return verdict.mx.map((mx) => {
    const problems = deliveryReasons(
      { ...verdict, reasons: mx.problems.map((code) => ({ code, host: mx.host })) },
      'en',
    );
    const expiry = mx.notAfter ? `certificate valid until ${mx.notAfter.slice(0, 10)}` : 'no certificate';
    const judged = mx.accepted ? `accepted, ${problems || expiry}` : `refused: ${problems}`;
    return `  ${mx.host} (preference ${mx.preference}): ${judged}`;
  });
}

function emailText(event: HealthEvent, record: HealthRecord, consoleUrl: string): string {
  const { verdict } = record;
  const labels = DELIVERY_STATE_LABELS.en;
  const level = FORCED_TLS_LEVEL_LABELS.en[verdict.level];
  return [
    alertHeadline(event, record.domain),
    '',
    deliverySentence(record.domain, verdict, 'en'),
    '',
    `Domain:          ${record.domain}`,
    `Connector level: ${level}${verdict.tlsDomain ? ` (TlsDomain ${verdict.tlsDomain})` : ''}`,
    `Delivery:        ${labels[event.to]}${event.kind === 'changed' ? ` (was: ${labels[event.from]})` : ''}`,
    `Since:           ${when(record.since)}`,
    `Last check:      ${when(record.checkedAt)}`,
    '',
    'Mail servers:',
    ...hostLines(verdict),
    '',
    `Forced-TLS health in the TLS Gate console: ${consoleUrl}`,
    '',
    'TLS Gate sends one alert when the delivery state changes, and a reminder every day while it is not',
    `"${labels.ok}".`,
    '',
  ].join('\n');
}

/** The alerts for one event: one per configured channel. */
export function healthAlerts(event: HealthEvent, record: HealthRecord, channels: AlertChannels): NewAlert[] {
  const consoleUrl = `${channels.publicUrl}/admin`;
  const headline = alertHeadline(event, record.domain);
  const alerts: NewAlert[] = [];
  if (channels.email) {
    const payload: EmailPayload = {
      subject: `TLS Gate: ${headline.replace(/\.$/, '')}`,
      text: emailText(event, record, consoleUrl),
    };
    alerts.push({ channel: 'email', payload });
  }
  if (channels.webhook) {
    const payload: WebhookPayload = {
      text: `TLS Gate: ${headline} ${deliverySentence(record.domain, record.verdict, 'en')} ${consoleUrl}`,
      tlsgate: {
        event: event.kind,
        domain: record.domain,
        from: event.from,
        to: event.to,
        level: record.verdict.level,
        reasons: record.verdict.reasons,
        checkedAt: new Date(record.checkedAt).toISOString(),
      },
    };
    alerts.push({ channel: 'webhook', payload });
  }
  return alerts;
}
