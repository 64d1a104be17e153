/**
 * Reads the attributions file the principal edited in a spreadsheet. The
 * panel's own export is UTF-8, but French Excel saves « CSV (séparateur :
 * point-virgule) » in windows-1252: bytes that are not valid UTF-8 are read
 * that way. Nothing is stripped (the server knows the byte order mark).
 */

/** The largest file sent: far above a space's attributions, well below what would stall the panel. */
export const MAX_SPREADSHEET_BYTES = 2 * 1024 * 1024;

export const SPREADSHEET_MESSAGES = {
  tooLarge:
    'Ce fichier dépasse 2 Mo, la taille maximale d’un import : vérifiez que vous avez choisi le fichier CSV des attributions.',
  unreadable:
    'Ce fichier n’a pas pu être lu. Enregistrez-le à nouveau au format CSV puis réessayez.',
} as const;

export type SpreadsheetRead = { ok: true; text: string } | { ok: false; message: string };

export async function readSpreadsheetFile(file: Blob): Promise<SpreadsheetRead> {
  // Said before reading a byte: the file is never sent.
  if (file.size > MAX_SPREADSHEET_BYTES)
    return { ok: false, message: SPREADSHEET_MESSAGES.tooLarge };
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch {
    // The file was moved or deleted between the choice and the reading.
    return { ok: false, message: SPREADSHEET_MESSAGES.unreadable };
  }
  return { ok: true, text: decodeSpreadsheetBytes(bytes) };
}

/** UTF-8 when the bytes are valid UTF-8, else windows-1252. */
export function decodeSpreadsheetBytes(bytes: Uint8Array): string {
  try {
    // ignoreBOM keeps the byte order mark in the text rather than dropping it.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

/**
 * 0x80–0x9F of windows-1252, where it differs from Latin-1 (’ œ € …); the five
 * bytes it leaves unassigned keep their own code point, as the WHATWG decoder
 * does. Written out because not every runtime's TextDecoder maps them.
 */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  const chars: string[] = [];
  for (const byte of bytes) {
    const code = byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH[byte - 0x80]! : byte;
    chars.push(String.fromCharCode(code));
  }
  return chars.join('');
}
