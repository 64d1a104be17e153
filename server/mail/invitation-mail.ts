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

/** The invitation a new secondary user receives (French, text and HTML). */
export function invitationMail(input: InvitationMailInput): MailMessage {
  const until = dateFormat.format(new Date(input.expiresAt));
  const text = [
    'Bonjour,',
    '',
    `${input.invitedBy} vous invite à traiter des dossiers de risques professionnels en tant qu'utilisateur secondaire sur Questionnaires Risques Professionnels.`,
    '',
    'Pour activer votre compte, choisissez votre mot de passe en ouvrant ce lien :',
    input.link,
    '',
    `Ce lien est personnel, ne sert qu'une fois et reste valable jusqu'au ${until}.`,
    "Si vous n'attendiez pas cette invitation, ignorez ce message.",
    '',
    'Questionnaires Risques Professionnels',
  ].join('\n');
  const html = `<!doctype html>
<html lang="fr"><body style="font-family: system-ui, sans-serif; line-height: 1.5">
<p>Bonjour,</p>
<p><strong>${escapeHtml(input.invitedBy)}</strong> vous invite à traiter des dossiers de risques professionnels en tant qu'utilisateur secondaire sur Questionnaires Risques Professionnels.</p>
<p><a href="${escapeHtml(input.link)}">Activer mon compte et choisir mon mot de passe</a></p>
<p>Ce lien est personnel, ne sert qu'une fois et reste valable jusqu'au ${escapeHtml(until)}.<br>
Si vous n'attendiez pas cette invitation, ignorez ce message.</p>
</body></html>`;
  return {
    to: input.to,
    subject: 'Invitation : votre accès utilisateur secondaire QRP',
    text,
    html,
  };
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
