import type { MeView } from '../../shared/views.js';
import type { User } from '../db/schema.js';

export function toMeView(user: User): MeView {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    status: user.status,
    spaceId: user.spaceId,
    isAdmin: user.role === 'admin',
  };
}
