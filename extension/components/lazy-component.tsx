import type { ComponentType, FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Button, Spinner } from './button.js';

/** A component whose code comes in its own chunk, fetched the first time it is shown. */
export interface LazyComponent<P> extends FunctionComponent<P> {
  /** Fetches the chunk now (resolves once the component renders at once). */
  load(): Promise<void>;
}

/**
 * Screens that most users never open (the « Attributions » matrix, the support
 * desk) stay out of the code parsed at sign-in. Until the chunk is there, a
 * busy status stands in their place; a chunk that fails to load (the extension
 * was updated meanwhile) can be asked again.
 */
export function lazyComponent<P extends object>(
  fetchChunk: () => Promise<ComponentType<P>>,
): LazyComponent<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<void> | null = null;
  const load = () =>
    (loading ??= fetchChunk().then(
      (component) => void (loaded = component),
      (error: unknown) => {
        loading = null;
        throw error;
      },
    ));

  function Lazy(props: P) {
    const [failed, setFailed] = useState(false);
    const [, setReady] = useState(false);
    const ready = loaded !== null;
    useEffect(() => {
      if (ready || failed) return;
      let shown = true;
      load().then(
        () => shown && setReady(true),
        () => shown && setFailed(true),
      );
      return () => void (shown = false);
    }, [ready, failed]);
    if (loaded) {
      const Loaded = loaded;
      return <Loaded {...props} />;
    }
    if (failed) {
      return (
        <div class="loading" role="alert">
          <span>Cet écran n’a pas pu être chargé.</span>
          <Button variant="link" onClick={() => setFailed(false)}>
            Réessayer
          </Button>
        </div>
      );
    }
    return (
      <p class="loading" role="status" aria-busy="true">
        <Spinner />
        Chargement…
      </p>
    );
  }
  return Object.assign(Lazy, { load });
}
