import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyComponent } from '../../extension/components/lazy-component.js';
import { flush } from './support/fake-socket.js';

afterEach(() => {
  cleanup();
});

interface GreetingProps {
  name: string;
}

function Greeting({ name }: GreetingProps) {
  return <h2>Bonjour {name}</h2>;
}

/** A chunk the test delivers (or refuses) when it chooses. */
function controlledChunk() {
  const calls: Array<{ resolve(): void; reject(): void }> = [];
  const fetchChunk = () =>
    new Promise<typeof Greeting>((resolve, reject) =>
      calls.push({ resolve: () => resolve(Greeting), reject: () => reject(new Error('réseau')) }),
    );
  return { fetchChunk, calls };
}

describe('a screen in a chunk of its own', () => {
  it('says « Chargement… » as a busy status until its chunk is there, then shows itself', async () => {
    const { fetchChunk, calls } = controlledChunk();
    const Lazy = lazyComponent(fetchChunk);
    render(<Lazy name="Alice" />);
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('Chargement…');
    expect(status.getAttribute('aria-busy')).toBe('true');
    await act(async () => {
      calls[0]!.resolve();
      await flush();
    });
    expect(screen.getByRole('heading', { name: 'Bonjour Alice' })).toBeTruthy();
    expect(screen.queryByRole('status')).toBeNull();
    // Fetched once: shown again, it renders at once.
    cleanup();
    render(<Lazy name="Bob" />);
    expect(screen.getByRole('heading', { name: 'Bonjour Bob' })).toBeTruthy();
    expect(calls).toHaveLength(1);
  });

  it('offers to try again when its chunk cannot be loaded', async () => {
    const { fetchChunk, calls } = controlledChunk();
    const Lazy = lazyComponent(fetchChunk);
    render(<Lazy name="Alice" />);
    await act(async () => {
      calls[0]!.reject();
      await flush();
    });
    expect(screen.getByRole('alert').textContent).toContain('Cet écran n’a pas pu être chargé.');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Réessayer' }));
      await flush();
    });
    expect(screen.getByRole('status').textContent).toBe('Chargement…');
    await act(async () => {
      calls[1]!.resolve();
      await flush();
    });
    expect(screen.getByRole('heading', { name: 'Bonjour Alice' })).toBeTruthy();
  });

  it('can be fetched ahead, and then renders at once', async () => {
    const { fetchChunk, calls } = controlledChunk();
    const Lazy = lazyComponent(fetchChunk);
    const loading = Lazy.load();
    calls[0]!.resolve();
    await loading;
    render(<Lazy name="Alice" />);
    expect(screen.getByRole('heading', { name: 'Bonjour Alice' })).toBeTruthy();
  });
});
