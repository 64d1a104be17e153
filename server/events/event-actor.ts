/**
 * Who made a change, as a rule records it with its events (docs/domain.md,
 * « Historique »): the member or support agent who asked, or the system.
 */
import type { ActorView } from '../../shared/events.js';
import type { User } from '../db/schema.js';

/** Changes no person asked for: an invitation expiring, a counter locking. */
export const SYSTEM_ACTOR: ActorView = { id: null, email: null, role: 'system' };

/** A signed-in user as the actor of their change; an admin acts as the support. */
export function actorOfUser(user: Pick<User, 'id' | 'email' | 'role'>, reason?: string): ActorView {
  const role = user.role === 'admin' ? 'support' : user.role;
  const actor: ActorView = { id: user.id, email: user.email, role };
  if (reason) actor.reason = reason;
  return actor;
}
