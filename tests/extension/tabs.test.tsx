import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { Tabs, type TabItem } from '../../extension/components/tabs.js';

afterEach(() => {
  cleanup();
});

const renders = { one: 0, two: 0 };

function Content({ name, tick }: { name: 'one' | 'two'; tick: number }) {
  renders[name]++;
  return (
    <p data-name={name}>
      {name} {tick}
    </p>
  );
}

let bump: () => void = () => undefined;

/** Stands for the member's home: a live event renders it again with a new state (`tick`). */
function Owner({ keepVisited }: { keepVisited: boolean }) {
  const [tick, setTick] = useState(0);
  bump = () => setTick((value) => value + 1);
  const tabs: TabItem[] = [
    { id: 'one', label: 'Un', render: () => <Content name="one" tick={tick} />, source: tick },
    { id: 'two', label: 'Deux', render: () => <Content name="two" tick={tick} />, source: tick },
  ];
  return <Tabs label="Essai" tabs={tabs} keepVisited={keepVisited} />;
}

const select = (name: string) => fireEvent.click(screen.getByRole('tab', { name }));

describe('tabs that keep the panels visited', () => {
  it('keep a visited panel in the page, hidden, and patch it when shown again', async () => {
    render(<Owner keepVisited />);
    const first = document.querySelector('[data-name="one"]');
    expect(document.querySelectorAll('[role="tabpanel"]')).toHaveLength(1);
    select('Deux');
    const panels = [...document.querySelectorAll<HTMLElement>('[role="tabpanel"]')];
    expect(panels.map((panel) => panel.hidden)).toEqual([true, false]);
    // Only the shown panel is in the accessibility tree.
    expect(screen.getByRole('tabpanel').textContent).toBe('two 0');

    // Live events while hidden: the hidden content does not render.
    const before = renders.one;
    await act(() => bump());
    await act(() => bump());
    expect(renders.one).toBe(before);
    expect(first?.textContent).toBe('one 0');
    expect(screen.getByRole('tabpanel').textContent).toBe('two 2');

    // Shown again: the same element, brought up to the latest state, not built anew.
    select('Un');
    expect(document.querySelector('[data-name="one"]')).toBe(first);
    expect(screen.getByRole('tabpanel').textContent).toBe('one 2');
    expect(screen.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe(
      screen.getByRole('tab', { name: 'Un' }).id,
    );
  });

  it('show a panel again without rendering it when its source did not change', () => {
    render(<Owner keepVisited />);
    select('Deux');
    const before = renders.one;
    select('Un');
    expect(renders.one).toBe(before);
    expect(screen.getByRole('tabpanel').textContent).toBe('one 0');
  });

  it('without keepVisited, have only the selected panel in the page', () => {
    render(<Owner keepVisited={false} />);
    select('Deux');
    expect(document.querySelectorAll('[role="tabpanel"]')).toHaveLength(1);
    expect(document.querySelector('[data-name="one"]')).toBeNull();
  });
});
