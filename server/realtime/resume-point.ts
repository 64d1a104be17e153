/**
 * Where a reconnecting client says it stands (`HandshakeAuth.resume`). It is
 * only a hint: the session compares it with the view read from the database,
 * and a malformed one is ignored (the client gets a snapshot).
 */
import { ROLES, type Role } from '../../shared/domain.js';
import type { ResumePoint } from '../../shared/events.js';

export function parseResumePoint(value: unknown): ResumePoint | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { spaceId, role, lastEventId } = value as Record<string, unknown>;
  const isId = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!isId(lastEventId) || !(spaceId === null || isId(spaceId))) return undefined;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return undefined;
  return { spaceId, role: role as Role, lastEventId };
}
