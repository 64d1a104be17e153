import { describe, expect, it } from 'vitest';
import { createFeedback } from '../../extension/panel/feedback.js';

describe('the panel feedback', () => {
  it('keeps at most three toasts on screen, the newest ones', () => {
    const feedback = createFeedback(async () => false);
    for (let i = 1; i <= 5; i++) feedback.toast('success', `Action ${i} enregistrée`);
    expect(feedback.toasts.value.map((t) => t.text)).toEqual([
      'Action 3 enregistrée',
      'Action 4 enregistrée',
      'Action 5 enregistrée',
    ]);
  });

  it('shows the same words once, and lets a success clear the errors it answers', () => {
    const feedback = createFeedback(async () => false);
    feedback.toast('error', 'Le serveur ne répond pas.');
    feedback.toast('info', 'Vous avez été déconnecté.');
    feedback.toast('error', 'Le serveur ne répond pas.');
    expect(feedback.toasts.value.map((t) => [t.kind, t.text])).toEqual([
      ['info', 'Vous avez été déconnecté.'],
      ['error', 'Le serveur ne répond pas.'],
    ]);
    feedback.toast('success', 'Nouveau SIRET enregistré.');
    expect(feedback.toasts.value.map((t) => t.kind)).toEqual(['info', 'success']);
  });
});
