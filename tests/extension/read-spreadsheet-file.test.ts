import { describe, expect, it } from 'vitest';
import {
  MAX_SPREADSHEET_BYTES,
  SPREADSHEET_MESSAGES,
  decodeSpreadsheetBytes,
  readSpreadsheetFile,
} from '../../extension/lib/read-spreadsheet-file.js';

const HEADER = 'Adresse email;Statut utilisateur;SIRET';

/** How French Excel saves « Désiré;Cœur’s 5 € » (windows-1252). */
const WINDOWS_1252 = new Uint8Array([
  0x44, 0xe9, 0x73, 0x69, 0x72, 0xe9, 0x3b, 0x43, 0x9c, 0x75, 0x72, 0x92, 0x73, 0x20, 0x35, 0x20,
  0x80,
]);

describe('decodeSpreadsheetBytes', () => {
  it('reads UTF-8, byte order mark included (the server knows it)', () => {
    const bytes = new TextEncoder().encode(
      `\uFEFF${HEADER}\nmarie.dupré@exemple.fr;Actif;73282932000074\n`,
    );
    expect(decodeSpreadsheetBytes(bytes)).toBe(
      `\uFEFF${HEADER}\nmarie.dupré@exemple.fr;Actif;73282932000074\n`,
    );
  });

  it('reads bytes that are not UTF-8 as windows-1252, curly apostrophe, œ and € included', () => {
    expect(decodeSpreadsheetBytes(WINDOWS_1252)).toBe('Désiré;Cœur’s 5 €');
  });

  it('keeps the code point of the bytes windows-1252 leaves unassigned', () => {
    expect(decodeSpreadsheetBytes(new Uint8Array([0x41, 0x81, 0xe9]))).toBe('A\u0081é');
  });

  it('reads plain ASCII as is', () => {
    expect(decodeSpreadsheetBytes(new TextEncoder().encode(HEADER))).toBe(HEADER);
  });
});

describe('readSpreadsheetFile', () => {
  it('reads a file', async () => {
    const file = new File([WINDOWS_1252], 'attributions.csv', { type: 'text/csv' });
    expect(await readSpreadsheetFile(file)).toEqual({ ok: true, text: 'Désiré;Cœur’s 5 €' });
  });

  it('accepts a file of exactly 2 MB', async () => {
    const file = new File([new Uint8Array(MAX_SPREADSHEET_BYTES).fill(0x41)], 'a.csv');
    const read = await readSpreadsheetFile(file);
    expect(read.ok).toBe(true);
  });

  it('refuses a file over 2 MB without reading it, in French', async () => {
    const file = new File([new Uint8Array(MAX_SPREADSHEET_BYTES + 1)], 'gros.csv');
    let readIt = false;
    Object.defineProperty(file, 'arrayBuffer', {
      value: () => {
        readIt = true;
        return Promise.resolve(new ArrayBuffer(0));
      },
    });
    expect(await readSpreadsheetFile(file)).toEqual({
      ok: false,
      message: SPREADSHEET_MESSAGES.tooLarge,
    });
    expect(readIt).toBe(false);
    expect(SPREADSHEET_MESSAGES.tooLarge).toContain('2 Mo');
  });

  it('says so when the file cannot be read', async () => {
    const file = new File(['x'], 'parti.csv');
    Object.defineProperty(file, 'arrayBuffer', {
      value: () => Promise.reject(new DOMException('gone', 'NotReadableError')),
    });
    expect(await readSpreadsheetFile(file)).toEqual({
      ok: false,
      message: SPREADSHEET_MESSAGES.unreadable,
    });
  });
});
