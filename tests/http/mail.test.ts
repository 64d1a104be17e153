/**
 * Invitation e-mails through a real SMTP server on loopback when SMTP_URL is
 * set, and as .eml files otherwise.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../server/mail/mailer.js';
import { invitationMail } from '../../server/mail/invitation-mail.js';

const invitation = invitationMail({
  to: 'alice@exemple.fr',
  invitedBy: 'employeur@exemple.fr',
  link: 'http://localhost:8787/invitations/abc',
  expiresAt: '2026-12-04T10:00:00.000Z',
});

describe('sending invitation e-mails', () => {
  const received: { to: string[]; raw: string }[] = [];
  let smtp: SMTPServer;
  let port = 0;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('goes through the SMTP server of SMTP_URL', async () => {
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, mailDir: '/nonexistent' });
    await mailer.send(invitation);
    mailer.close();
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['alice@exemple.fr']);
    expect(received[0]!.raw).toMatch(/^Subject: .*Invitation/m);
    expect(received[0]!.raw.replace(/=\r?\n/g, '')).toContain(
      'http://localhost:8787/invitations/abc',
    );
  });

  it('writes one .eml file per message in MAIL_DIR without SMTP_URL', async () => {
    const mailDir = join(mkdtempSync(join(tmpdir(), 'qrp-outbox-')), 'mail');
    const mailer = createMailer({ smtpUrl: null, mailDir });
    await mailer.send(invitation);
    await mailer.send({ ...invitation, to: 'bruno@exemple.fr' });
    const files = readdirSync(mailDir).sort();
    expect(files).toHaveLength(2);
    const text = readFileSync(join(mailDir, files[0]!), 'utf8');
    expect(text).toContain('To: alice@exemple.fr');
    expect(text).toMatch(/Content-Type: text\/plain; charset=utf-8/i);
  });
});
