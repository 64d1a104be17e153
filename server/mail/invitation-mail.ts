import type { MailMessage } from './mailer.js';

export interface InvitationMailInput {
  to: string;
  invitedBy: string;
  link: string;
  expiresAt: string;
}

const dateFormat = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});

/** What sets one link's message apart from another's. */
interface LinkMailWords {
  subject: string;
  /** Who invites to what, after the inviter's e-mail. */
  invites: string;
  /** What to do with a message one did not expect. */
  unexpected: string;
}

/** The invitation a new secondary user receives (French, text and HTML). */
export function invitationMail(input: InvitationMailInput): MailMessage {
  return linkMail(input, {
    subject: 'Invitation : votre accès utilisateur secondaire QRP',
    invites:
      "vous invite à traiter des dossiers de risques professionnels en tant qu'utilisateur secondaire sur Questionnaires Risques Professionnels.",
    unexpected: "Si vous n'attendiez pas cette invitation, ignorez ce message.",
  });
}

/** The link a new support agent receives to choose their password. */
export function agentInvitationMail(input: InvitationMailInput): MailMessage {
  return linkMail(input, {
    subject: 'Votre compte support QRP',
    invites: 'vous a créé un compte du support (3679) de Questionnaires Risques Professionnels.',
    unexpected: "Si vous n'attendiez pas ce message, ignorez-le et prévenez le support.",
  });
}

/** A personal link to choose one's password, valid once until `expiresAt`. */
function linkMail(input: InvitationMailInput, words: LinkMailWords): MailMessage {
  const until = dateFormat.format(new Date(input.expiresAt));
  const text = [
    'Bonjour,',
    '',
    `${input.invitedBy} ${words.invites}`,
    '',
    'Pour activer votre compte, choisissez votre mot de passe en ouvrant ce lien :',
    input.link,
    '',
    `Ce lien est personnel, ne sert qu'une fois et reste valable jusqu'au ${until}.`,
    words.unexpected,
    '',
    'Questionnaires Risques Professionnels',
  ].join('\n');
  const html = `<!doctype html>
<html lang="fr"><body style="font-family: system-ui, sans-serif; line-height: 1.5">
<p>Bonjour,</p>
<p><strong>${escapeHtml(input.invitedBy)}</strong> ${escapeHtml(words.invites)}</p>
<p><a href="${escapeHtml(input.link)}">Activer mon compte et choisir mon mot de passe</a></p>
<p>Ce lien est personnel, ne sert qu'une fois et reste valable jusqu'au ${escapeHtml(until)}.<br>
${escapeHtml(words.unexpected)}</p>
</body></html>`;
  return { to: input.to, subject: words.subject, text, html };
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
