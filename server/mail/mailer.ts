/**
 * Outgoing e-mail. With `SMTP_URL`, through that server; without, each message
 * is written as one `.eml` file in `MAIL_DIR`, a local outbox a person (or a
 * test) can open.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** Where messages go, for people reading the start-up banner. */
  describe(): string;
  close(): void;
}

const FROM = 'Questionnaires Risques Professionnels <no-reply@qrp.localhost>';

export function createMailer(options: { smtpUrl: string | null; mailDir: string }): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    const target = new URL(options.smtpUrl);
    return {
      async send(message) {
        await transport.sendMail({ from: FROM, ...message });
      },
      describe: () => `SMTP ${target.hostname}:${target.port || 25}`,
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  let counter = 0;
  return {
    async send(message) {
      const info = await transport.sendMail({ from: FROM, ...message });
      mkdirSync(options.mailDir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const safeTo = message.to.replace(/[^a-z0-9@._-]/gi, '_');
      counter += 1;
      const file = join(options.mailDir, `${stamp}-${process.pid}-${counter}-${safeTo}.eml`);
      writeFileSync(file, info.message as Buffer, { mode: 0o600 });
    },
    describe: () => options.mailDir,
    close: () => transport.close(),
  };
}
