import { describe, expect, it } from 'vitest';
import { readCsv } from '../../server/http/read-csv.js';

const cellsOf = (text: string) => readCsv(text).map((row) => row.cells);

describe('readCsv', () => {
  it('reads the export as written: BOM, « ; », CRLF, final line break', () => {
    const text = '\uFEFFAdresse email;Statut utilisateur;SIRET\r\na@x.fr;Actif;73282932000074\r\n';
    expect(readCsv(text)).toEqual([
      { line: 1, cells: ['Adresse email', 'Statut utilisateur', 'SIRET'] },
      { line: 2, cells: ['a@x.fr', 'Actif', '73282932000074'] },
    ]);
  });

  it('detects « , » from the first line, outside quotes', () => {
    expect(cellsOf('Adresse email,Statut,SIRET\na@x.fr,Actif,1\n')).toEqual([
      ['Adresse email', 'Statut', 'SIRET'],
      ['a@x.fr', 'Actif', '1'],
    ]);
    // A « ; » inside quotes does not count; one outside wins over commas.
    expect(cellsOf('"a;b",c\nd,e')).toEqual([
      ['a;b', 'c'],
      ['d', 'e'],
    ]);
    expect(cellsOf('"a,b";c,d\n')).toEqual([['a,b', 'c,d']]);
  });

  it('keeps « ; » when the first line has no separator at all', () => {
    expect(cellsOf('a@x.fr\nb@x.fr;Actif;1')).toEqual([['a@x.fr'], ['b@x.fr', 'Actif', '1']]);
  });

  it('undoes Excel quoting: doubled quotes, separators and line breaks inside quotes', () => {
    const rows = readCsv('"il dit ""oui""";"x;y"\r\n"deux\r\nlignes";z\r\nfin;ici');
    expect(rows).toEqual([
      { line: 1, cells: ['il dit "oui"', 'x;y'] },
      { line: 2, cells: ['deux\r\nlignes', 'z'] },
      { line: 4, cells: ['fin', 'ici'] },
    ]);
  });

  it('numbers the lines the same with LF, CRLF or CR endings', () => {
    for (const end of ['\n', '\r\n', '\r']) {
      const rows = readCsv(['h;h', 'a;1', '', 'b;2'].join(end));
      expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4]);
      expect(rows[3]!.cells).toEqual(['b', '2']);
    }
  });

  it('keeps an empty last cell and empty cells in the middle', () => {
    expect(cellsOf('a;;\n;b;')).toEqual([
      ['a', '', ''],
      ['', 'b', ''],
    ]);
  });

  it('drops the blank lines at the end of the file only', () => {
    expect(readCsv('a;1\r\n\r\n;\r\n \r\n').map((r) => r.cells)).toEqual([['a', '1']]);
    expect(readCsv('\na;1').map((r) => r.line)).toEqual([1, 2]);
  });

  it('reads an empty file, or one with a BOM only, as no row', () => {
    expect(readCsv('')).toEqual([]);
    expect(readCsv('\uFEFF')).toEqual([]);
    expect(readCsv('\uFEFF\r\n\r\n')).toEqual([]);
  });

  it('keeps the quote of a cell that does not start with one, and reads an unclosed quote to the end', () => {
    expect(cellsOf('ab"c;d')).toEqual([['ab"c', 'd']]);
    expect(cellsOf('"abc;d\ne')).toEqual([['abc;d\ne']]);
  });

  it('reads a formula-guarded cell as written (the import strips the guard)', () => {
    expect(cellsOf("a@x.fr;Actif;'-1")).toEqual([['a@x.fr', 'Actif', "'-1"]]);
  });
});
