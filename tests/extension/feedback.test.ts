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
});
