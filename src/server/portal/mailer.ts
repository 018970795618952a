import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { createTransport, type Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config';

/** Mail the portal sends: codes to recipients, notices to senders. Plain text, no message content. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * Sends through the TLSGATE_SMTP_URL relay, always encrypted: smtps:// is TLS from the first byte, and
 * smtp:// must upgrade with STARTTLS (requireTLS: nodemailer refuses to send when the relay does not offer
 * it or the upgrade fails). The certificate is verified against the system's CAs plus TLSGATE_SMTP_CA_FILE.
 */
export function smtpMailer(config: SmtpConfig): Mailer {
  const ca = config.caFile ? [...rootCertificates, readFileSync(config.caFile, 'utf8')] : undefined;
  const transport: Transporter = createTransport(
    {
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: true,
      ignoreTLS: false,
      ...(config.user !== null ? { auth: { user: config.user, pass: config.pass ?? '' } } : {}),
      tls: {
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        ...(ca ? { ca } : {}),
        ...(isIP(config.host) ? {} : { servername: config.host }),
      },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      logger: false,
    },
    { from: config.from, headers: { 'Auto-Submitted': 'auto-generated' } },
  );
  return {
    async send(mail) {
      await transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
    },
    close() {
      transport.close();
    },
  };
}
