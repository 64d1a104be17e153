import type { ComponentChildren } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';

export interface TabItem {
  id: string;
  label: string;
  /** The tab's accessible name when its text alone says too little (e.g. a count). */
  ariaLabel?: string;
  render: () => ComponentChildren;
}

export interface TabsProps {
  label: string;
  tabs: TabItem[];
  /** Controlled use: the selected tab is kept outside (e.g. in the store). */
  selectedId?: string;
  onSelect?: (id: string) => void;
}

/** WAI-ARIA tabs: arrows, Home and End move between tabs; the panel follows. */
export function Tabs({ label, tabs, selectedId: controlledId, onSelect }: TabsProps) {
  const [ownId, setOwnId] = useState(tabs[0]?.id ?? '');
  const selectedId = controlledId ?? ownId;
  function setSelectedId(id: string) {
    setOwnId(id);
    onSelect?.(id);
  }
  const baseId = useId();
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  // A role change (cession) swaps the tabs: fall back to the first one.
  const selected = tabs.find((tab) => tab.id === selectedId) ?? tabs[0];
  if (!selected) return null;

  function select(index: number) {
    const tab = tabs[(index + tabs.length) % tabs.length];
    if (!tab) return;
    setSelectedId(tab.id);
    refs.current[tab.id]?.focus();
  }

  function onKeyDown(event: KeyboardEvent, index: number) {
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: tabs.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    select(target);
  }

  return (
    <div class="tabs">
      <div role="tablist" aria-label={label} class="tab-list">
        {tabs.map((tab, index) => {
          const isSelected = tab.id === selected.id;
          return (
            <button
              key={tab.id}
              ref={(node) => {
                refs.current[tab.id] = node;
              }}
              type="button"
              role="tab"
              id={`${baseId}-tab-${tab.id}`}
              aria-selected={isSelected ? 'true' : 'false'}
              aria-label={tab.ariaLabel}
              aria-controls={`${baseId}-panel-${tab.id}`}
              tabIndex={isSelected ? 0 : -1}
              class="tab"
              onClick={() => setSelectedId(tab.id)}
              onKeyDown={(event) => onKeyDown(event, index)}
            >
              {tab.label}
            </button>
          );
        })}
      </div>
      <div
        role="tabpanel"
        id={`${baseId}-panel-${selected.id}`}
        aria-labelledby={`${baseId}-tab-${selected.id}`}
        tabIndex={0}
        class="tab-panel"
      >
        {selected.render()}
      </div>
    </div>
  );
}
