import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ImportLineError } from '../../shared/errors.js';
import { plural } from '../../shared/french-format.js';
import { formatSiret } from '../../shared/siret.js';
import { readSpreadsheetFile } from '../lib/read-spreadsheet-file.js';
import type { ImportReport } from '../panel/space-actions.js';
import { Button, Spinner } from './button.js';
import { Dialog } from './dialog.js';
import { FormError } from './form-error.js';
import { useStore } from './store-context.js';

/** Beyond this many addresses a group of the preview starts folded. */
const LONG_GROUP = 5;

interface Preview {
  fileName: string;
  csv: string;
  report: ImportReport;
  /** The import's own refusal: the space changed since the preview. */
  refused: { message: string; lines: ImportLineError[] } | null;
  /** Any other refusal of the import, said in the dialog. */
  refusal: string | null;
}

/**
 * « Attributions » by spreadsheet: the export, edited, comes back with a
 * preview of what it changes before « Importer » applies it (all or nothing).
 */
export function AttributionsImport() {
  const store = useStore();
  const titleId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [reading, setReading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [done, setDone] = useState<ImportReport | null>(null);
  const analysing = reading || store.isBusy('previewImport');

  function chooseFile() {
    if (!analysing) inputRef.current?.click();
  }

  async function onFile(input: HTMLInputElement) {
    const file = input.files?.[0];
    // The same file, edited again, must be read again when chosen again.
    input.value = '';
    if (!file) return;
    setProblem(null);
    setDone(null);
    setReading(true);
    try {
      const read = await readSpreadsheetFile(file);
      if (!read.ok) {
        setProblem(read.message);
        return;
      }
      const result = await store.previewImport(read.text);
      if (result.ok) {
        setPreview({
          fileName: file.name,
          csv: read.text,
          report: result.report,
          refused: null,
          refusal: null,
        });
      } else if (!result.outage) {
        // An outage is said by the panel's banner; a refusal belongs here.
        setProblem(result.message);
      }
    } finally {
      setReading(false);
    }
  }

  async function onImport(current: Preview) {
    const result = await store.importAttributions(current.csv);
    if (result.ok) {
      setPreview(null);
      setDone(result.report);
    } else if (result.outage) {
      return;
    } else if (result.code === 'ATTRIBUTIONS_IMPORT_INVALID' && result.details?.lines?.length) {
      setPreview({
        ...current,
        refused: { message: result.message, lines: result.details.lines },
        refusal: null,
      });
    } else {
      setPreview({ ...current, refusal: result.message });
    }
  }

  return (
    <section class="attributions-import" aria-labelledby={titleId}>
      <h3 id={titleId}>Modifier dans un tableur</h3>
      <p class="hint">
        Exportez le fichier, modifiez-le dans votre tableur, puis importez-le : il indique, pour
        chaque utilisateur qu’il nomme, la liste complète de ses SIRETs. Une adresse inconnue reçoit
        une invitation.
      </p>
      <div class="import-actions">
        <Button
          busy={store.isBusy('exportAttributions')}
          onClick={() => void store.exportAttributions()}
        >
          Exporter (CSV)
        </Button>
        {/* Not disabled while the file is read: the focus stays on it and comes back to it. */}
        <Button
          variant="primary"
          aria-disabled={analysing ? 'true' : undefined}
          onClick={chooseFile}
        >
          {analysing && <Spinner />}
          Importer un fichier…
        </Button>
        <input
          ref={inputRef}
          type="file"
          accept=".csv,text/csv"
          hidden
          aria-label="Fichier des attributions"
          onChange={(event) => void onFile(event.currentTarget)}
        />
      </div>
      <div role="status" class="import-status">
        {analysing ? <p>Analyse du fichier…</p> : done && <ImportDone report={done} />}
      </div>
      <FormError message={problem} />
      {preview && (
        <ImportPreviewDialog
          preview={preview}
          busy={store.isBusy('importAttributions')}
          onImport={() => void onImport(preview)}
          onClose={() => setPreview(null)}
        />
      )}
    </section>
  );
}

interface ImportPreviewDialogProps {
  preview: Preview;
  busy: boolean;
  onImport: () => void;
  onClose: () => void;
}

function ImportPreviewDialog({ preview, busy, onImport, onClose }: ImportPreviewDialogProps) {
  const { report, refused } = preview;
  const reasonId = useId();
  const errorsRef = useRef<HTMLUListElement>(null);
  const actionsRef = useRef<HTMLDivElement>(null);
  const lines = refused?.lines ?? report.errors;

  // « Importer » was disabled while sending, taking the focus with it: give it back inside.
  useEffect(() => {
    if (busy || !focusLost()) return;
    (errorsRef.current ?? actionsRef.current?.querySelector('button'))?.focus();
  }, [busy]);
  // Refused because the space changed: the lines to read take the focus (their alert says why).
  useEffect(() => {
    if (refused) errorsRef.current?.focus();
  }, [refused]);
  const changes = changesSomething(report);
  const headline =
    lines.length > 0 ? (
      <p class="form-error" role="alert">
        {refused
          ? `${refused.message} Les attributions ont changé depuis l’aperçu :`
          : `Le fichier contient ${plural(lines.length, 'erreur', 'erreurs')} : corrigez-${lines.length > 1 ? 'les' : 'la'} dans votre tableur, puis importez-le à nouveau.`}
      </p>
    ) : (
      <p class="import-summary">
        {changes ? summarise(report) : 'Le fichier ne change aucune attribution.'}
      </p>
    );
  const description = (
    <>
      <p class="import-file">
        Fichier : <strong>{preview.fileName}</strong>
      </p>
      {headline}
    </>
  );

  return (
    <Dialog title="Aperçu de l’import" description={description} onClose={() => !busy && onClose()}>
      {lines.length > 0 && (
        <ul ref={errorsRef} class="import-errors" aria-label="Lignes à corriger" tabIndex={-1}>
          {lines.map((line) => (
            <li key={`${line.line}:${line.message}`}>
              Ligne {line.line} : {line.message}
            </li>
          ))}
        </ul>
      )}
      {lines.length > 0 && changes && <p class="import-summary">{summarise(report)}</p>}
      {report.add.length > 0 && (
        <ChangeGroup
          title={`Attributions ajoutées (${report.add.length})`}
          entries={groupByEmail(report.add)}
        />
      )}
      {report.remove.length > 0 && (
        <ChangeGroup
          title={`Attributions retirées (${report.remove.length})`}
          entries={groupByEmail(report.remove)}
        />
      )}
      {report.invite.length > 0 && (
        <ChangeGroup
          title={`Invitations (${report.invite.length})`}
          hint="Ces adresses sont inconnues de votre espace : chacune recevra une invitation."
          entries={report.invite.map((email) => ({ email, sirets: [] }))}
        />
      )}
      <FormError message={preview.refusal} />
      <p role="status" class="import-status">
        {busy && 'Import en cours…'}
      </p>
      {changes || lines.length > 0 ? (
        <>
          {lines.length > 0 && (
            <p id={reasonId} class="hint">
              « Importer » est indisponible tant que le fichier contient des erreurs : rien n’est
              importé à moitié.
            </p>
          )}
          <div ref={actionsRef} class="dialog-actions">
            <Button data-autofocus onClick={onClose} disabled={busy}>
              Annuler
            </Button>
            <Button
              variant="primary"
              busy={busy}
              disabled={lines.length > 0}
              aria-describedby={lines.length > 0 ? reasonId : undefined}
              onClick={onImport}
            >
              Importer
            </Button>
          </div>
        </>
      ) : (
        <div class="dialog-actions">
          <Button variant="primary" data-autofocus onClick={onClose}>
            Fermer
          </Button>
        </div>
      )}
    </Dialog>
  );
}

function focusLost(): boolean {
  const active = document.activeElement;
  return (
    !active ||
    active === document.body ||
    !active.isConnected ||
    (active instanceof HTMLButtonElement && active.disabled)
  );
}

interface ChangeEntry {
  email: string;
  sirets: string[];
}

interface ChangeGroupProps {
  title: string;
  hint?: string;
  entries: ChangeEntry[];
}

/** One kind of change, by address; a long one starts folded so the buttons stay in reach. */
function ChangeGroup({ title, hint, entries }: ChangeGroupProps) {
  const list = (
    <>
      {hint && <p class="hint">{hint}</p>}
      <ul class="import-list">
        {entries.map((entry) => (
          <li key={entry.email} class="import-entry">
            <span class="import-email">{entry.email}</span>
            {entry.sirets.length > 0 && (
              <ul class="import-sirets" aria-label={`SIRETs de ${entry.email}`}>
                {entry.sirets.map((siret) => (
                  <li key={siret} class="siret">
                    {formatSiret(siret)}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </>
  );
  if (entries.length > LONG_GROUP) {
    return (
      <details class="import-group">
        {/* tabIndex: the dialog keeps Tab among the elements that carry one. */}
        <summary tabIndex={0}>
          {title} — {plural(entries.length, 'adresse', 'adresses')}
        </summary>
        {list}
      </details>
    );
  }
  return (
    <div class="import-group">
      <h3>{title}</h3>
      {list}
    </div>
  );
}

/** What an applied import did, and the invitations whose e-mail did not leave. */
function ImportDone({ report }: { report: ImportReport }) {
  return (
    <div class="import-done">
      <p class="import-success">
        {changesSomething(report)
          ? `Import terminé : ${summarise(report)}.`
          : 'Import terminé : aucune attribution n’a changé.'}
      </p>
      {report.mailsNotSent.length > 0 && (
        <div class="notice-warning">
          <p>
            {report.mailsNotSent.length > 1
              ? 'Ces invitations n’ont pas pu être envoyées par e-mail :'
              : 'Cette invitation n’a pas pu être envoyée par e-mail :'}
          </p>
          <ul class="import-list">
            {report.mailsNotSent.map((email) => (
              <li key={email} class="import-email">
                {email}
              </li>
            ))}
          </ul>
          <p>
            Renvoyez-{report.mailsNotSent.length > 1 ? 'les' : 'la'} depuis la liste des
            utilisateurs secondaires (« Renvoyer l'invitation »).
          </p>
        </div>
      )}
    </div>
  );
}

function changesSomething(report: ImportReport): boolean {
  return report.add.length + report.remove.length + report.invite.length > 0;
}

/** « 12 attributions ajoutées · 3 retirées · 2 invitations »: only what happens. */
function summarise(report: ImportReport): string {
  const parts: string[] = [];
  if (report.add.length > 0) {
    parts.push(plural(report.add.length, 'attribution ajoutée', 'attributions ajoutées'));
  }
  if (report.remove.length > 0) {
    parts.push(
      parts.length > 0
        ? plural(report.remove.length, 'retirée', 'retirées')
        : plural(report.remove.length, 'attribution retirée', 'attributions retirées'),
    );
  }
  if (report.invite.length > 0) {
    parts.push(plural(report.invite.length, 'invitation', 'invitations'));
  }
  return parts.join(' · ');
}

/** The pairs by address, in the report's order. */
function groupByEmail(pairs: readonly { email: string; siret: string }[]): ChangeEntry[] {
  const byEmail = new Map<string, string[]>();
  for (const { email, siret } of pairs) {
    const sirets = byEmail.get(email);
    if (sirets) sirets.push(siret);
    else byEmail.set(email, [siret]);
  }
  return Array.from(byEmail, ([email, sirets]) => ({ email, sirets }));
}
