/**
 * The page behind the invitation link: the invited person chooses a password
 * and their account becomes "Actif". Plain HTML form, works without the
 * extension and without JavaScript.
 */
import type { Hono } from 'hono';
import { MIN_PASSWORD_LENGTH, tokenSchema } from '../../../shared/schemas.js';
import { isDomainError } from '../../rules/domain-error.js';
import { escapeHtml } from '../../mail/invitation-mail.js';
import { ERRORS } from '../../../shared/errors.js';
import type { AppEnv, AppServices } from '../context.js';
import type { CountedAttempt } from '../rate-limit.js';
import {
  acceptWithPassword,
  limitInvitationAttempt,
  previewInvitation,
} from '../routes/invitation-routes.js';
import { pageLayout } from './page-layout.js';
import {
  PASSWORD_FORM_SCRIPT,
  PASSWORD_FORM_SCRIPT_HASH,
  passwordFormProblems,
  type PasswordFormProblems,
} from './password-form-checks.js';

const SECURITY_HEADERS = {
  // The form's own checks are the one script allowed, by its hash.
  'Content-Security-Policy': `default-src 'none'; script-src ${PASSWORD_FORM_SCRIPT_HASH}; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'`,
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
      ? await previewInvitation(services.db, token)
      : null;
    const html = invitation ? passwordForm(token, invitation) : invalidPage();
    return c.html(html, invitation ? 200 : 410, SECURITY_HEADERS);
  });

  app.post('/invitations/:token', async (c) => {
    let attempt: CountedAttempt;
    try {
      // Counted like the API's accepts: both share one limit per client address.
      attempt = await limitInvitationAttempt(c, services);
    } catch (error) {
      if (isDomainError(error) && error.code === 'RATE_LIMITED') {
        return c.html(tooManyAttemptsPage(), 429, SECURITY_HEADERS);
      }
      throw error;
    }
    const token = c.req.param('token');
    const invitation = tokenSchema.safeParse(token).success
      ? await previewInvitation(services.db, token)
      : null;
    if (!invitation) return c.html(invalidPage(), 410, SECURITY_HEADERS);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const password = typeof form.password === 'string' ? form.password : '';
    const confirmation = typeof form.confirmation === 'string' ? form.confirmation : '';
    const problems = passwordFormProblems(password, confirmation);
    if (problems.password || problems.confirmation) {
      // A typo on a valid link is no attack.
      await attempt.release();
      return c.html(passwordForm(token, invitation, problems), 400, SECURITY_HEADERS);
    }
    try {
      await acceptWithPassword(services, token, password);
    } catch (error) {
      if (isDomainError(error)) return c.html(invalidPage(error.message), 410, SECURITY_HEADERS);
      throw error;
    }
    await attempt.release();
    return c.html(successPage(invitation.email), 200, SECURITY_HEADERS);
  });
}

function passwordForm(
  token: string,
  invitation: { email: string; invitedBy: string; expiresAt: string; forAgent: boolean },
  problems: PasswordFormProblems = {},
): string {
  const welcome = invitation.forAgent
    ? `<h1>Activer votre compte support (3679)</h1>
<p><strong>${escapeHtml(invitation.invitedBy)}</strong> vous a créé un compte du support de Questionnaires Risques Professionnels.</p>`
    : `<h1>Activer votre compte utilisateur secondaire</h1>
<p><strong>${escapeHtml(invitation.invitedBy)}</strong> vous invite à traiter des dossiers de risques professionnels.</p>`;
  return pageLayout(
    'Activer votre compte',
    `${welcome}
<p class="hint">Invitation valable jusqu'au ${escapeHtml(dateFormat.format(new Date(invitation.expiresAt)))}.</p>
<form id="password-form" method="post" action="/invitations/${escapeHtml(token)}" novalidate>
  <label for="email">Adresse e-mail</label>
  <input id="email" name="email" type="email" value="${escapeHtml(invitation.email)}" readonly autocomplete="username">
  <label for="password">Mot de passe</label>
  <input id="password" name="password" type="password" aria-required="true" autocomplete="new-password" aria-describedby="password-hint password-error"${problems.password ? ' aria-invalid="true" autofocus' : ''}>
  <p id="password-hint" class="hint">Au moins ${MIN_PASSWORD_LENGTH} caractères.</p>
  ${fieldError('password', problems.password)}
  <label for="confirmation">Confirmer le mot de passe</label>
  <input id="confirmation" name="confirmation" type="password" aria-required="true" autocomplete="new-password" aria-describedby="confirmation-error"${problems.confirmation ? ` aria-invalid="true"${problems.password ? '' : ' autofocus'}` : ''}>
  ${fieldError('confirmation', problems.confirmation)}
  <button type="submit">Activer mon compte</button>
</form>
<script>${PASSWORD_FORM_SCRIPT}</script>`,
  );
}

/** The message under a field: present but hidden when empty, for the page's script to fill. */
function fieldError(name: string, message: string | undefined): string {
  return `<p id="${name}-error" class="error" role="alert"${message ? '' : ' hidden'}>${message ? escapeHtml(message) : ''}</p>`;
}

function tooManyAttemptsPage(): string {
  return pageLayout(
    'Trop de tentatives',
    `<h1>Trop de tentatives</h1>
<p class="error" role="alert">${escapeHtml(ERRORS.RATE_LIMITED.message)}</p>`,
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
