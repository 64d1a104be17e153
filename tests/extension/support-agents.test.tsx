import { act, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import type { AgentView } from '../../shared/views.js';
import { LIVE_REFRESH_MS } from '../../extension/panel/support-admin-store.js';
import {
  clickButton,
  inlineErrors,
  openTab,
  refusal,
  renderPanel,
  toastTexts,
  typeInto,
} from './support/panel-harness.js';
import { flush } from './support/fake-socket.js';
import { ADMIN, adminSnapshot, event } from './support/snapshots.js';

const ME: AgentView = {
  id: ADMIN.id,
  email: ADMIN.email,
  status: 'active',
  createdAt: '2025-01-02T09:00:00.000Z',
};
const PAUL: AgentView = {
  id: 41,
  email: 'paul@support.fr',
  status: 'active',
  createdAt: '2025-02-03T10:30:00.000Z',
};
const LINA: AgentView = {
  id: 42,
  email: 'lina@support.fr',
  status: 'pending',
  createdAt: '2025-03-01T08:00:00.000Z',
};
const OLD: AgentView = {
  id: 43,
  email: 'ancien@support.fr',
  status: 'removed',
  createdAt: '2024-12-01T08:00:00.000Z',
};

afterEach(() => {
  vi.useRealTimers();
});

async function openAgents(agents: AgentView[] = [OLD, ME, PAUL, LINA]) {
  const panel = await renderPanel({ signedInAs: ADMIN });
  panel.api.agents.mockResolvedValue(agents);
  await panel.serverSends(adminSnapshot());
  await openTab('Agents');
  const region = screen.getByRole('region', { name: 'Agents du support' });
  const rows = () =>
    within(within(region).getByRole('list', { name: 'Agents du support' }))
      .getAllByRole('listitem')
      .map((item) => item.textContent ?? '');
  const form = within(region).getByRole('form', { name: 'Ajouter un agent' });
  return { panel, region, rows, form };
}

async function fillAndAdd(form: HTMLElement, email: string, reason: string) {
  typeInto('Adresse e-mail', email, form);
  typeInto(/^Motif/, reason, form);
  await clickButton('Ajouter un agent', form);
}

describe('Agents', () => {
  it('lists every support account with its status and creation date', async () => {
    const { rows, region } = await openAgents();
    expect(rows()).toEqual([
      'ancien@support.frDésactivé · créé le 01/12/2024 09:00',
      'support@exemple.fr (vous)Actif · créé le 02/01/2025 10:00',
      'paul@support.frActif · créé le 03/02/2025 11:30Désactiver',
      'lina@support.frEn attente de validation · créé le 01/03/2025 09:00Désactiver',
    ]);
    // Neither one's own account nor a deactivated one offers « Désactiver ».
    expect(
      within(region)
        .getAllByRole('button', { name: /^Désactiver/ })
        .map((button) => button.getAttribute('aria-label')),
    ).toEqual([
      'Désactiver le compte support de paul@support.fr',
      'Désactiver le compte support de lina@support.fr',
    ]);
  });

  it('adds an agent with a reason, says so, empties the form and reads the list again', async () => {
    const { panel, form, rows } = await openAgents([ME]);
    const nora: AgentView = { ...LINA, id: 44, email: 'nora@support.fr' };
    panel.api.createAgent.mockResolvedValue({ agent: nora, mailSent: true });
    panel.api.agents.mockResolvedValue([ME, nora]);
    await fillAndAdd(form, '  nora@support.fr ', '  Renfort du lundi ');
    expect(panel.api.createAgent).toHaveBeenCalledWith({
      email: 'nora@support.fr',
      reason: 'Renfort du lundi',
    });
    expect(toastTexts()).toEqual([
      'Agent ajouté : nora@support.fr a reçu un lien pour choisir son mot de passe.',
    ]);
    expect(within(form).getByLabelText('Adresse e-mail')).toHaveProperty('value', '');
    expect(within(form).getByLabelText(/^Motif/)).toHaveProperty('value', '');
    expect(rows()[1]).toContain('nora@support.frEn attente de validation');
  });

  it('says at each field what is missing, and sends nothing', async () => {
    const { panel, form } = await openAgents();
    await fillAndAdd(form, 'pas-une-adresse', '   ');
    expect(inlineErrors(form)).toEqual([
      "L'adresse e-mail n'est pas valide.",
      'Le motif est obligatoire.',
    ]);
    expect(document.activeElement).toBe(within(form).getByLabelText('Adresse e-mail'));
    expect(panel.api.createAgent).not.toHaveBeenCalled();
  });

  it('says an address already used at its field, not as a toast', async () => {
    const { panel, form } = await openAgents();
    panel.api.createAgent.mockRejectedValue(refusal('EMAIL_ALREADY_USED'));
    await fillAndAdd(form, 'chef@acme.fr', 'Nouvel agent');
    expect(inlineErrors(form)).toEqual([ERRORS.EMAIL_ALREADY_USED.message]);
    const field = within(form).getByLabelText('Adresse e-mail');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(toastTexts()).toEqual([]);
    // Typing again clears it.
    typeInto('Adresse e-mail', 'autre@acme.fr', form);
    expect(inlineErrors(form)).toEqual([]);
  });

  it('tells when the new agent’s link could not be e-mailed', async () => {
    const { panel, form } = await openAgents();
    panel.api.createAgent.mockResolvedValue({
      agent: { ...LINA, id: 45, email: 'x@support.fr' },
      mailSent: false,
    });
    await fillAndAdd(form, 'x@support.fr', 'Renfort');
    expect(toastTexts()).toEqual([
      'Agent ajouté, mais l’e-mail n’a pas pu être envoyé à x@support.fr : désactivez ce compte puis ajoutez-le à nouveau.',
    ]);
  });

  it('deactivates another agent with a required reason, in a dialog', async () => {
    const { panel, region } = await openAgents();
    await clickButton('Désactiver le compte support de paul@support.fr', region);
    const dialog = screen.getByRole('dialog', { name: 'Désactiver ce compte support ?' });
    expect(dialog.textContent).toContain('paul@support.fr ne pourra plus se connecter');
    const reason = within(dialog).getByLabelText(/^Motif/);
    expect(document.activeElement).toBe(reason);
    await clickButton('Désactiver', dialog);
    expect(inlineErrors(dialog)).toEqual(['Le motif est obligatoire.']);
    expect(panel.api.deactivateAgent).not.toHaveBeenCalled();
    panel.api.agents.mockResolvedValue([OLD, ME, { ...PAUL, status: 'removed' }, LINA]);
    typeInto(/^Motif/, 'A quitté le service', dialog);
    await clickButton('Désactiver', dialog);
    expect(panel.api.deactivateAgent).toHaveBeenCalledWith(41, 'A quitté le service');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(toastTexts()).toEqual(['Le compte support de paul@support.fr est désactivé.']);
    expect(within(region).queryByRole('button', { name: /paul@support\.fr/ })).toBeNull();
    // Its button is gone: the keyboard goes on from the list's title, not from the page's top.
    expect(document.activeElement).toBe(
      within(region).getByRole('heading', { name: 'Agents du support' }),
    );
  });

  it.each(['LAST_ACTIVE_AGENT', 'AGENT_SELF_DEACTIVATION'] as const)(
    'shows the server’s refusal %s in the dialog, not as a toast',
    async (code) => {
      const { panel, region } = await openAgents();
      panel.api.deactivateAgent.mockRejectedValue(refusal(code));
      await clickButton('Désactiver le compte support de paul@support.fr', region);
      const dialog = screen.getByRole('dialog');
      typeInto(/^Motif/, 'Départ', dialog);
      await clickButton('Désactiver', dialog);
      expect(within(dialog).getByRole('alert').textContent).toBe(ERRORS[code].message);
      expect(toastTexts()).toEqual([]);
      // Escape closes it, nothing changed.
      await act(async () => {
        fireEvent.keyDown(dialog, { key: 'Escape' });
        await flush();
      });
      expect(screen.queryByRole('dialog')).toBeNull();
    },
  );

  it('reads the list again once when agents’ events arrive', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    const { panel, rows } = await openAgents([ME]);
    expect(panel.api.agents).toHaveBeenCalledTimes(1);
    panel.api.agents.mockResolvedValue([ME, PAUL]);
    await panel.server((socket) => {
      socket.sendEvent(event(4, 'agent.created', { agent: { ...PAUL, status: 'pending' } }));
      socket.sendEvent(event(5, 'agent.activated', { userId: PAUL.id }));
    });
    // Invitations move the figures, not the agents.
    await panel.server((socket) =>
      socket.sendEvent(event(6, 'invitation.expired', { invitationId: 1, userId: 9 })),
    );
    expect(panel.api.agents).toHaveBeenCalledTimes(1);
    await act(async () => {
      vi.advanceTimersByTime(LIVE_REFRESH_MS);
    });
    await act(async () => {
      await Promise.resolve();
    });
    expect(panel.api.agents).toHaveBeenCalledTimes(2);
    expect(rows()[1]).toContain('paul@support.frActif');
  });

  it('forgets the list at sign-out: the next agent reads their own', async () => {
    const { panel } = await openAgents();
    await clickButton('Se déconnecter');
    expect(panel.store.supportAgents.data.value).toBeNull();
    expect(panel.store.supportOverview.data.value).toBeNull();
  });
});
