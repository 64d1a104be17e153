import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { Dialog } from '../../extension/components/dialog.js';

afterEach(() => {
  cleanup();
});

function Harness() {
  const [open, setOpen] = useState(false);
  return (
    <div>
      <button type="button" onClick={() => setOpen(true)}>
        Ouvrir
      </button>
      {open && (
        <Dialog title="Titre" description={<p>Explication</p>} onClose={() => setOpen(false)}>
          <input aria-label="Champ" />
          <button type="button" onClick={() => setOpen(false)}>
            Fermer
          </button>
        </Dialog>
      )}
    </div>
  );
}

async function openDialog() {
  render(<Harness />);
  const opener = screen.getByRole('button', { name: 'Ouvrir' });
  opener.focus();
  await act(async () => {
    fireEvent.click(opener);
  });
  return opener;
}

describe('Dialog', () => {
  it('is a labelled, described modal that takes the focus', async () => {
    await openDialog();
    const dialog = screen.getByRole('dialog', { name: 'Titre' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(dialog.getAttribute('aria-describedby')!)?.textContent).toBe(
      'Explication',
    );
    expect(document.activeElement).toBe(screen.getByLabelText('Champ'));
  });

  it('keeps Tab and Shift+Tab inside', async () => {
    await openDialog();
    const field = screen.getByLabelText('Champ');
    const close = screen.getByRole('button', { name: 'Fermer' });
    close.focus();
    fireEvent.keyDown(close, { key: 'Tab' });
    expect(document.activeElement).toBe(field);
    fireEvent.keyDown(field, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(close);
  });

  it('closes with Escape and gives the focus back to the opener', async () => {
    const opener = await openDialog();
    await act(async () => {
      fireEvent.keyDown(screen.getByLabelText('Champ'), { key: 'Escape' });
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
