/**
 * The Chrome build's manifest carries a fixed public key (`EXTENSION_KEY` in
 * wxt.config.ts), so its id is the same on every machine. Chrome derives it
 * from the key: the first 32 hex digits of sha256(SPKI DER), 0-f read as a-p.
 * The server allows `chrome-extension://<EXTENSION_ID>` by default.
 */
export const EXTENSION_ID = 'gonlcjclnkclgcijogoinbplcapknmbf';
