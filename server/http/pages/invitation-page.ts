/**
 * The page behind the invitation link: the invited person chooses a password
 * and their account becomes "Actif". Plain HTML form, works without the
 * extension and without JavaScript.
 */
import type { Hono } from 'hono';
import { MIN_PASSWORD_LENGTH, passwordSchema, tokenSchema } from '../../../shared/schemas.js';
import { findInvitationByToken } from '../../db/queries/invitations.js';
import { isDomainError } from '../../rules/domain-error.js';
import { escapeHtml } from '../../mail/invitation-mail.js';
import { ERRORS } from '../../../shared/errors.js';
import type { AppEnv, AppServices } from '../context.js';
import { acceptWithPassword } from '../routes/invitation-routes.js';
import { pageLayout } from './page-layout.js';

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

const dateFormat = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});

export function invitationPage(app: Hono<AppEnv>, services: AppServices): void {
  app.get('/invitations/:token', async (c) => {
    const token = c.req.param('token');
    const invitation = tokenSchema.safeParse(token).success
      ? await findInvitationByToken(services.db, token)
      : null;
    const html = invitation ? passwordForm(token, invitation) : invalidPage();
    return c.html(html, invitation ? 200 : 410, SECURITY_HEADERS);
  });

  app.post('/invitations/:token', async (c) => {
    const token = c.req.param('token');
    const invitation = tokenSchema.safeParse(token).success
      ? await findInvitationByToken(services.db, token)
      : null;
    if (!invitation) return c.html(invalidPage(), 410, SECURITY_HEADERS);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const password = typeof form.password === 'string' ? form.password : '';
    const confirmation = typeof form.confirmation === 'string' ? form.confirmation : '';
    const parsed = passwordSchema.safeParse(password);
    if (!parsed.success) {
      return c.html(
        passwordForm(token, invitation, parsed.error.issues[0]?.message),
        400,
        SECURITY_HEADERS,
      );
    }
    if (password !== confirmation) {
      return c.html(
        passwordForm(token, invitation, 'Les deux mots de passe ne sont pas identiques.'),
        400,
        SECURITY_HEADERS,
      );
    }
    try {
      await acceptWithPassword(services, token, password);
    } catch (error) {
      if (isDomainError(error)) return c.html(invalidPage(error.message), 410, SECURITY_HEADERS);
      throw error;
    }
    return c.html(successPage(invitation.email), 200, SECURITY_HEADERS);
  });
}

function passwordForm(
  token: string,
  invitation: { email: string; invitedBy: string; expiresAt: string },
  error?: string,
): string {
  return pageLayout(
    'Activer votre compte',
    `<h1>Activer votre compte utilisateur secondaire</h1>
<p><strong>${escapeHtml(invitation.invitedBy)}</strong> vous invite à traiter des dossiers de risques professionnels.</p>
<p class="hint">Invitation valable jusqu'au ${escapeHtml(dateFormat.format(new Date(invitation.expiresAt)))}.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/invitations/${escapeHtml(token)}">
  <label for="email">Adresse e-mail</label>
  <input id="email" name="email" type="email" value="${escapeHtml(invitation.email)}" readonly autocomplete="username">
  <label for="password">Mot de passe</label>
  <input id="password" name="password" type="password" required minlength="${MIN_PASSWORD_LENGTH}" autocomplete="new-password" aria-describedby="password-hint">
  <p id="password-hint" class="hint">Au moins ${MIN_PASSWORD_LENGTH} caractères.</p>
  <label for="confirmation">Confirmer le mot de passe</label>
  <input id="confirmation" name="confirmation" type="password" required minlength="${MIN_PASSWORD_LENGTH}" autocomplete="new-password">
  <button type="submit">Activer mon compte</button>
</form>`,
  );
}

function successPage(email: string): string {
  return pageLayout(
    'Compte activé',
    `<h1>Votre compte est actif</h1>
<p class="ok" role="status">Le compte ${escapeHtml(email)} est maintenant « Actif ».</p>
<p>Connectez-vous depuis le panneau « Paramétrage » de Questionnaires Risques Professionnels avec cette adresse et votre nouveau mot de passe.</p>`,
  );
}

function invalidPage(message: string = ERRORS.INVITATION_INVALID.message): string {
  return pageLayout(
    'Invitation invalide',
    `<h1>Lien d'invitation invalide</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>`,
  );
}
