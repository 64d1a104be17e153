/**
 * Outgoing e-mail. With `SMTP_URL`, through that server; without, each message
 * is written as one `.eml` file in `MAIL_DIR`, a local outbox a person (or a
 * test) can open.
 */
import { createHash } from 'node:crypto';
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
      counter += 1;
      const file = join(options.mailDir, outboxFileName(message.to, process.pid, counter));
      writeFileSync(file, info.message as Buffer, { mode: 0o600 });
    },
    describe: () => options.mailDir,
    close: () => transport.close(),
  };
}

/** Room left for the address in a file name: systems cap a name at 255 bytes. */
const MAX_ADDRESS_IN_NAME = 64;

/**
 * `<time>-<pid>-<n>-<address>.eml`. A long address (up to 254 characters are
 * valid) is cut, with a digest of the whole address so that the name still
 * tells addresses apart.
 */
export function outboxFileName(to: string, pid: number, counter: number): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let safeTo = to.replace(/[^a-z0-9@._-]/gi, '_');
  if (safeTo.length > MAX_ADDRESS_IN_NAME) {
    const digest = createHash('sha256').update(to).digest('hex').slice(0, 12);
    safeTo = `${safeTo.slice(0, MAX_ADDRESS_IN_NAME - 13)}~${digest}`;
  }
  return `${stamp}-${pid}-${counter}-${safeTo}.eml`;
}
