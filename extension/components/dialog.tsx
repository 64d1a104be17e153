import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { Button } from './button.js';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface DialogProps {
  title: string;
  /** `alertdialog` for a refusal the user must acknowledge. */
  role?: 'dialog' | 'alertdialog';
  /** Read out with the title when the dialog opens (aria-describedby). */
  description?: ComponentChildren;
  onClose: () => void;
  children: ComponentChildren;
}

/**
 * A modal dialog: focus moves in (to `[data-autofocus]` or the first control),
 * Tab stays inside, Escape closes, and focus returns where it was on close.
 */
export function Dialog({ title, role = 'dialog', description, onClose, children }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const node = ref.current;
    if (node) {
      const target =
        node.querySelector<HTMLElement>('[data-autofocus]') ?? focusables(node)[0] ?? node;
      target.focus();
    }
    return () => {
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onCloseRef.current();
      return;
    }
    if (event.key !== 'Tab' || !ref.current) return;
    const items = focusables(ref.current);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    if (
      event.shiftKey &&
      (document.activeElement === first || document.activeElement === ref.current)
    ) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    <div class="dialog-backdrop">
      <div
        ref={ref}
        class="dialog"
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} class="dialog-title">
          {title}
        </h2>
        {description && (
          <div id={descriptionId} class="dialog-body">
            {description}
          </div>
        )}
        {children}
      </div>
    </div>
  );
}

function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE));
}

export interface ConfirmDialogProps {
  title: string;
  children: ComponentChildren;
  confirmLabel?: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** "Annuler" / "Confirmer"; the safe choice has the focus first. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel = 'Confirmer',
  busy,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  return (
    <Dialog title={title} description={children} onClose={() => !busy && onCancel()}>
      <div class="dialog-actions">
        <Button data-autofocus onClick={onCancel} disabled={busy}>
          Annuler
        </Button>
        <Button variant="danger" busy={busy} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}

export interface RefusalDialogProps {
  title: string;
  message: string;
  /** What blocks, named after the portal's message (read with it). */
  details?: ComponentChildren;
  onClose: () => void;
}

/** The portal's refusal box, closed with "FERMER". */
export function RefusalDialog({ title, message, details, onClose }: RefusalDialogProps) {
  const description = (
    <>
      <p>{message}</p>
      {details}
    </>
  );
  return (
    <Dialog title={title} role="alertdialog" description={description} onClose={onClose}>
      <div class="dialog-actions">
        <Button variant="primary" data-autofocus onClick={onClose}>
          FERMER
        </Button>
      </div>
    </Dialog>
  );
}
