/**
 * Reads the CSV text a spreadsheet saves: « ; » (French settings) or « , »
 * between cells, Excel quoting, any line ending, with or without a BOM. The
 * reverse of csv-file.ts, tolerant of what a spreadsheet changes on saving.
 */

export interface CsvRow {
  /** 1-based line of the file where the row starts (a quoted cell may span lines). */
  line: number;
  cells: string[];
}

/** The rows of `text`; blank lines at the end of the file are dropped. */
export function readCsv(text: string): CsvRow[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const separator = detectSeparator(body);
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;

  const endRow = () => {
    cells.push(cell);
    rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };

  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (quoted) {
      if (char === '"') {
        if (body[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (char === '\n' || (char === '\r' && body[i + 1] !== '\n')) line++;
        cell += char;
      }
    } else if (char === '"' && cell === '') {
      quoted = true;
    } else if (char === separator) {
      cells.push(cell);
      cell = '';
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && body[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += char;
    }
  }
  // The last line, unless the file ended with its line break.
  if (cell !== '' || cells.length > 0 || quoted) endRow();

  while (rows.length > 0 && isBlank(rows[rows.length - 1]!)) rows.pop();
  return rows;
}

/** « ; » unless the first line has a « , » and no « ; » outside quotes. */
function detectSeparator(text: string): ';' | ',' {
  let quoted = false;
  let commas = 0;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (char === ';') return ';';
    else if (char === ',') commas++;
    else if (char === '\r' || char === '\n') break;
  }
  return commas > 0 ? ',' : ';';
}

function isBlank(row: CsvRow): boolean {
  return row.cells.every((cell) => cell.trim() === '');
}
