import { invitationMail, type InvitationMailInput } from '../mail/invitation-mail.js';
import type { MailMessage } from '../mail/mailer.js';
import type { AppDeps } from './context.js';

export interface InvitationToSend {
  token: string;
  email: string;
  expiresAt: string;
  invitedBy: string;
}

/**
 * Sends the invitation link after the invitation is committed. A failure is
 * logged, not thrown: the invitation exists and "Renvoyer l'invitation" retries.
 */
export async function sendInvitationMail(
  services: Pick<AppDeps, 'mailer' | 'logger'> & { config: Pick<AppDeps['config'], 'publicUrl'> },
  invitation: InvitationToSend,
  /** The message's words: a secondary's invitation, or a new support agent's (agent-invitation-mail.ts). */
  compose: (input: InvitationMailInput) => MailMessage = invitationMail,
): Promise<boolean> {
  const link = `${services.config.publicUrl}/invitations/${invitation.token}`;
  try {
    await services.mailer.send(
      compose({
        to: invitation.email,
        invitedBy: invitation.invitedBy,
        link,
        expiresAt: invitation.expiresAt,
      }),
    );
    return true;
  } catch (error) {
    services.logger.error({ err: error, to: invitation.email }, 'invitation e-mail not sent');
    return false;
  }
}
