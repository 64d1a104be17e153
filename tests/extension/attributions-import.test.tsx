import { act, createEvent, fireEvent, render, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { AttributionsImport } from '../../extension/components/attributions-import.js';
import { StoreProvider } from '../../extension/components/store-context.js';
import { ApiError } from '../../extension/panel/api-client.js';
import { MAX_SPREADSHEET_BYTES } from '../../extension/lib/read-spreadsheet-file.js';
import type { ImportReport } from '../../extension/panel/space-actions.js';
import { ERRORS } from '../../shared/errors.js';
import { flush } from './support/fake-socket.js';
import { press, renderPanel, toastTexts } from './support/panel-harness.js';
import { PRINCIPAL, SIRET_A, SIRET_B, SIRET_C, principalSnapshot } from './support/snapshots.js';

const CSV = [
  'Adresse email;Statut utilisateur;SIRET',
  `marie@exemple.fr;Actif;${SIRET_A}`,
  `marie@exemple.fr;Actif;${SIRET_B}`,
  `nouveau@exemple.fr;;${SIRET_C}`,
].join('\n');

function report(overrides: Partial<ImportReport> = {}): ImportReport {
  return {
    applied: false,
    add: [],
    remove: [],
    invite: [],
    errors: [],
    mailsNotSent: [],
    ...overrides,
  };
}

const CHANGES = report({
  add: [
    { email: 'marie@exemple.fr', siret: SIRET_A },
    { email: 'marie@exemple.fr', siret: SIRET_B },
    { email: 'nouveau@exemple.fr', siret: SIRET_C },
  ],
  remove: [{ email: 'paul@exemple.fr', siret: SIRET_A }],
  invite: ['nouveau@exemple.fr'],
});

/** The principal's panel, with the import rendered on its store (the tab that holds it comes later). */
async function openImport() {
  const panel = await renderPanel({ signedInAs: PRINCIPAL });
  await panel.serverSends(principalSnapshot());
  const view = render(
    <StoreProvider store={panel.store}>
      <AttributionsImport />
    </StoreProvider>,
  );
  const part = within(view.container as HTMLElement);
  const fileInput = view.container.querySelector<HTMLInputElement>('input[type="file"]')!;
  /** The progress and outcome line, outside the dialog (which has its own). */
  const status = () => view.container.querySelector<HTMLElement>('section > [role="status"]')!;

  /** The user picks this file in the browser's chooser. */
  async function choose(file: File) {
    await act(async () => {
      // A real `change`: `fireEvent.change` sends `input` once preact/compat is loaded.
      fireEvent(fileInput, createEvent.change(fileInput, { target: { files: [file] } }));
      // Reading the bytes, then the preview's request.
      for (let i = 0; i < 5; i++) await flush();
    });
  }
  return { panel, view, part, fileInput, status, choose };
}

function csvFile(text: string | Uint8Array<ArrayBuffer>, name = 'attributions.csv'): File {
  return new File([text], name, { type: 'text/csv' });
}

function dialog() {
  return within(document.body).getByRole('dialog', { name: 'Aperçu de l’import' });
}

function importButton(): HTMLButtonElement {
  return within(dialog()).getByRole('button', { name: 'Importer' }) as HTMLButtonElement;
}

describe('Attributions — import from a spreadsheet', () => {
  it('explains the file, exports it, and opens the file chooser from a real button', async () => {
    const { panel, part, fileInput } = await openImport();
    expect(part.getByText(/pour chaque utilisateur qu’il nomme, la liste complète/)).toBeTruthy();
    await press(part.getByRole('button', { name: 'Exporter (CSV)' }));
    expect(panel.api.exportAttributions).toHaveBeenCalledOnce();
    expect(fileInput.accept).toBe('.csv,text/csv');
    const click = vi.spyOn(fileInput, 'click').mockImplementation(() => {});
    const opener = part.getByRole('button', { name: 'Importer un fichier…' });
    expect(opener.tagName).toBe('BUTTON');
    await press(opener);
    expect(click).toHaveBeenCalledOnce();
  });

  it('reads the file and previews it: summary, then the changes by address', async () => {
    const { panel, status, choose } = await openImport();
    let answer!: (value: ImportReport) => void;
    panel.api.importAttributions.mockImplementation(
      () => new Promise<ImportReport>((resolve) => (answer = resolve)),
    );
    await choose(csvFile(CSV, 'équipe.csv'));
    expect(panel.api.importAttributions).toHaveBeenCalledWith(CSV, true);
    expect(status().textContent).toBe('Analyse du fichier…');
    await act(async () => {
      answer(CHANGES);
      await flush();
    });
    expect(status().textContent).toBe('');
    const preview = dialog();
    expect(within(preview).getByText('équipe.csv')).toBeTruthy();
    expect(
      within(preview).getByText('3 attributions ajoutées · 1 retirée · 1 invitation'),
    ).toBeTruthy();
    const added = within(preview).getByRole('heading', { name: 'Attributions ajoutées (3)' });
    expect(added).toBeTruthy();
    expect(
      within(preview).getByRole('list', { name: 'SIRETs de marie@exemple.fr' }).textContent,
    ).toBe('732 829 320 00074356 000 000 00048');
    expect(
      within(within(preview).getByRole('list', { name: 'SIRETs de paul@exemple.fr' })).getByText(
        '732 829 320 00074',
      ),
    ).toBeTruthy();
    expect(
      within(preview).getByRole('heading', { name: 'Attributions retirées (1)' }),
    ).toBeTruthy();
    expect(within(preview).getByRole('heading', { name: 'Invitations (1)' })).toBeTruthy();
    expect(importButton().disabled).toBe(false);
    // The safe choice has the focus first.
    expect(document.activeElement?.textContent).toBe('Annuler');
  });

  it('folds a long group, which the keyboard still reaches', async () => {
    const { panel, choose } = await openImport();
    const many = Array.from({ length: 8 }, (_, index) => ({
      email: `agent${index}@exemple.fr`,
      siret: SIRET_A,
    }));
    panel.api.importAttributions.mockResolvedValue(report({ add: many }));
    await choose(csvFile(CSV));
    const folded = dialog().querySelector('details')!;
    expect(folded.open).toBe(false);
    const summary = folded.querySelector('summary')!;
    expect(summary.textContent).toBe('Attributions ajoutées (8) — 8 adresses');
    expect(summary.tabIndex).toBe(0);
  });

  it('lists the wrong lines first, announced, and keeps « Importer » disabled with the reason', async () => {
    const { panel, choose } = await openImport();
    panel.api.importAttributions.mockResolvedValue(
      report({
        add: [{ email: 'marie@exemple.fr', siret: SIRET_A }],
        errors: [
          { line: 4, message: 'Ce SIRET n’appartient pas à votre espace employeur.' },
          { line: 7, message: 'Adresse email invalide.' },
        ],
      }),
    );
    await choose(csvFile(CSV));
    const preview = dialog();
    expect(within(preview).getByRole('alert').textContent).toBe(
      'Le fichier contient 2 erreurs : corrigez-les dans votre tableur, puis importez-le à nouveau.',
    );
    const lines = within(preview).getByRole('list', { name: 'Lignes à corriger' });
    expect(
      within(lines)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      'Ligne 4 : Ce SIRET n’appartient pas à votre espace employeur.',
      'Ligne 7 : Adresse email invalide.',
    ]);
    // The errors come before the changes.
    const changes = within(preview).getByRole('heading', { name: 'Attributions ajoutées (1)' });
    expect(lines.compareDocumentPosition(changes) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    const button = importButton();
    expect(button.disabled).toBe(true);
    // Looked up in the dialog: this test renders a second root beside the panel, ids repeat.
    const reason = preview.querySelector(`[id="${button.getAttribute('aria-describedby')}"]`);
    expect(reason?.textContent).toContain('tant que le fichier contient des erreurs');
    await press(button);
    expect(panel.api.importAttributions).toHaveBeenCalledTimes(1);
  });

  it('says a file that changes nothing, and offers only « Fermer »', async () => {
    const { panel, choose } = await openImport();
    panel.api.importAttributions.mockResolvedValue(report());
    await choose(csvFile(CSV));
    const preview = dialog();
    expect(within(preview).getByText('Le fichier ne change aucune attribution.')).toBeTruthy();
    expect(
      within(preview)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(['Fermer']);
    await press(within(preview).getByRole('button', { name: 'Fermer' }));
    expect(document.querySelector('[role="dialog"]')).toBeNull();
  });

  it('« Importer » sends the real import, closes and says what was applied', async () => {
    const { panel, status, choose } = await openImport();
    panel.api.importAttributions.mockResolvedValueOnce(CHANGES);
    await choose(csvFile(CSV));
    let answer!: (value: ImportReport) => void;
    panel.api.importAttributions.mockImplementationOnce(
      () => new Promise<ImportReport>((resolve) => (answer = resolve)),
    );
    await press(importButton());
    expect(panel.api.importAttributions).toHaveBeenLastCalledWith(CSV, false);
    expect(within(dialog()).getByText('Import en cours…')).toBeTruthy();
    expect(importButton().getAttribute('aria-busy')).toBe('true');
    await act(async () => {
      answer({ ...CHANGES, applied: true, mailsNotSent: ['nouveau@exemple.fr'] });
      await flush();
    });
    expect(document.querySelector('[role="dialog"]')).toBeNull();
    const outcome = status();
    expect(
      within(outcome).getByText(
        'Import terminé : 3 attributions ajoutées · 1 retirée · 1 invitation.',
      ),
    ).toBeTruthy();
    expect(
      within(outcome).getByText('Cette invitation n’a pas pu être envoyée par e-mail :'),
    ).toBeTruthy();
    expect(within(outcome).getByText('nouveau@exemple.fr')).toBeTruthy();
    expect(toastTexts()).toEqual([]);
  });

  it('shows the lines of a refused import (the space changed since the preview), applying nothing', async () => {
    const { panel, choose } = await openImport();
    panel.api.importAttributions.mockResolvedValueOnce(CHANGES);
    await choose(csvFile(CSV));
    panel.api.importAttributions.mockRejectedValueOnce(
      new ApiError(
        'ATTRIBUTIONS_IMPORT_INVALID',
        ERRORS.ATTRIBUTIONS_IMPORT_INVALID.message,
        ERRORS.ATTRIBUTIONS_IMPORT_INVALID.status,
        { lines: [{ line: 3, message: 'Ce SIRET a été retiré de l’espace.' }] },
      ),
    );
    importButton().focus();
    await press(importButton());
    const preview = dialog();
    expect(within(preview).getByRole('alert').textContent).toBe(
      `${ERRORS.ATTRIBUTIONS_IMPORT_INVALID.message} Les attributions ont changé depuis l’aperçu :`,
    );
    const lines = within(preview).getByRole('list', { name: 'Lignes à corriger' });
    expect(lines.textContent).toBe('Ligne 3 : Ce SIRET a été retiré de l’espace.');
    expect(importButton().disabled).toBe(true);
    // The focus, lost with the disabled button, is back inside the dialog.
    expect(document.activeElement).toBe(lines);
    expect(toastTexts()).toEqual([]);
  });

  it('stops being busy on an outage, which the banner says', async () => {
    const { panel, choose } = await openImport();
    panel.api.importAttributions.mockResolvedValueOnce(CHANGES);
    await choose(csvFile(CSV));
    panel.api.importAttributions.mockRejectedValueOnce(
      new ApiError('NETWORK', 'Le serveur http://localhost:8787 ne répond pas.', 0),
    );
    await press(importButton());
    expect(importButton().disabled).toBe(false);
    expect(within(dialog()).queryByRole('alert')).toBeNull();
    expect(document.querySelector('.outage')?.textContent).toContain('ne répond pas');
  });

  it('decodes a file saved by French Excel (windows-1252)', async () => {
    const { panel, choose } = await openImport();
    panel.api.importAttributions.mockResolvedValue(report());
    // « Adresse email;Statut utilisateur;SIRET\nhélène.cœur@exemple.fr;Actif; » in windows-1252.
    const latin = new Uint8Array([
      ...new TextEncoder().encode('Adresse email;Statut utilisateur;SIRET\nh'),
      0xe9,
      ...new TextEncoder().encode('l'),
      0xe8,
      ...new TextEncoder().encode('ne.c'),
      0x9c,
      ...new TextEncoder().encode(`ur@exemple.fr;Actif;${SIRET_A}\n`),
    ]);
    await choose(csvFile(latin));
    expect(panel.api.importAttributions).toHaveBeenCalledWith(
      `Adresse email;Statut utilisateur;SIRET\nhélène.cœur@exemple.fr;Actif;${SIRET_A}\n`,
      true,
    );
  });

  it('refuses a file over 2 MB without sending it', async () => {
    const { panel, part, choose } = await openImport();
    await choose(csvFile(new Uint8Array(MAX_SPREADSHEET_BYTES + 1), 'enorme.csv'));
    expect(panel.api.importAttributions).not.toHaveBeenCalled();
    expect(part.getByRole('alert').textContent).toContain('dépasse 2 Mo');
    expect(document.querySelector('[role="dialog"]')).toBeNull();
  });

  it('says a refusal of the preview itself beside the buttons, not as a toast', async () => {
    const { panel, part, choose } = await openImport();
    panel.api.importAttributions.mockRejectedValue(
      new ApiError('FORBIDDEN', ERRORS.FORBIDDEN.message, ERRORS.FORBIDDEN.status),
    );
    await choose(csvFile(CSV));
    expect(part.getByRole('alert').textContent).toBe(ERRORS.FORBIDDEN.message);
    expect(toastTexts()).toEqual([]);
  });
});
