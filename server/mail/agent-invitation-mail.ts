import { escapeHtml, type InvitationMailInput } from './invitation-mail.js';
import type { MailMessage } from './mailer.js';

const dateFormat = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});

/** The link a new support agent receives to choose their password (French, text and HTML). */
export function agentInvitationMail(input: InvitationMailInput): MailMessage {
  const until = dateFormat.format(new Date(input.expiresAt));
  const text = [
    'Bonjour,',
    '',
    `${input.invitedBy} vous a créé un compte du support (3679) de Questionnaires Risques Professionnels.`,
    '',
    'Pour activer votre compte, choisissez votre mot de passe en ouvrant ce lien :',
    input.link,
    '',
    `Ce lien est personnel, ne sert qu'une fois et reste valable jusqu'au ${until}.`,
    "Si vous n'attendiez pas ce message, ignorez-le et prévenez le support.",
    '',
    'Questionnaires Risques Professionnels',
  ].join('\n');
  const html = `<!doctype html>
<html lang="fr"><body style="font-family: system-ui, sans-serif; line-height: 1.5">
<p>Bonjour,</p>
<p><strong>${escapeHtml(input.invitedBy)}</strong> vous a créé un compte du support (3679) de Questionnaires Risques Professionnels.</p>
<p><a href="${escapeHtml(input.link)}">Activer mon compte et choisir mon mot de passe</a></p>
<p>Ce lien est personnel, ne sert qu'une fois et reste valable jusqu'au ${escapeHtml(until)}.<br>
Si vous n'attendiez pas ce message, ignorez-le et prévenez le support.</p>
</body></html>`;
  return { to: input.to, subject: 'Votre compte support QRP', text, html };
}
