import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { PanelStore } from '../panel/store.js';

const StoreContext = createContext<PanelStore | null>(null);

export interface StoreProviderProps {
  store: PanelStore;
  children: ComponentChildren;
}

export function StoreProvider({ store, children }: StoreProviderProps) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useStore(): PanelStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore outside of StoreProvider');
  return store;
}
