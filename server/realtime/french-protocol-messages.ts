/**
 * Engine.IO and Socket.IO refuse some requests with messages of their own, in
 * English: an unknown transport or session, a bad handshake method, an old
 * protocol version (Engine.IO, as JSON over HTTP), a namespace that does not
 * exist (Socket.IO, as a `connect_error`). Every message a client can receive
 * is French, so these are replaced where the libraries read them.
 */
import type { Server } from 'socket.io';
import { ERRORS, type ErrorCode } from '../../shared/errors.js';

/** Engine.IO's error codes (`Server.errors`) and what a client reads for each. */
const ENGINE_MESSAGES: Record<number, string> = {
  0: 'Mode de transport inconnu : utilisez « polling » ou « websocket ».',
  1: 'Cette connexion temps réel est inconnue ou terminée : reconnectez-vous.',
  2: "Une connexion temps réel s'ouvre par une requête GET.",
  3: 'La requête ne peut pas être traitée.',
  4: ERRORS.FORBIDDEN.message,
  5: "Cette version du protocole temps réel n'est pas prise en charge.",
};

/** socket.io-parser's `PacketType.CONNECT_ERROR`. */
const CONNECT_ERROR = 4;
/** The only namespace: any other is refused by Socket.IO itself. */
const UNKNOWN_NAMESPACE: ErrorCode = 'NOT_FOUND';
const UNKNOWN_NAMESPACE_MESSAGE =
  "Cette connexion temps réel n'existe pas : connectez-vous à l'espace « / ».";

type Packet = Parameters<Server['encoder']['encode']>[0];

export function sendProtocolRefusalsInFrench(io: Server): void {
  // Engine.IO reads this table (a static of its server class) each time it refuses.
  const engineClass = io.engine.constructor as { errorMessages?: Record<number, string> };
  if (engineClass.errorMessages) Object.assign(engineClass.errorMessages, ENGINE_MESSAGES);

  // Socket.IO writes its own refusal of an unknown namespace as `{ message: "Invalid
  // namespace" }`; it gets the shape of the handshake's refusals (`socketError`): the
  // code as `message`, the French message in `data`.
  const encoder = io.encoder;
  const encode = encoder.encode.bind(encoder);
  encoder.encode = (packet: Packet) =>
    encode(isLibraryRefusal(packet) ? unknownNamespaceRefusal(packet) : packet);
}

/** A `connect_error` of ours carries `data.code`; Socket.IO's own one does not. */
function isLibraryRefusal(packet: Packet): boolean {
  if (packet.type !== CONNECT_ERROR) return false;
  const data = (packet.data as { data?: { code?: unknown } } | undefined)?.data;
  return typeof data?.code !== 'string';
}

function unknownNamespaceRefusal(packet: Packet): Packet {
  return {
    ...packet,
    data: {
      message: UNKNOWN_NAMESPACE,
      data: { code: UNKNOWN_NAMESPACE, message: UNKNOWN_NAMESPACE_MESSAGE },
    },
  };
}
