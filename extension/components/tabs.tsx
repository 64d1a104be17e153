import type { Component, ComponentChildren } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';

export interface TabItem {
  id: string;
  label: string;
  /** The tab's accessible name when its text alone says too little (e.g. a count). */
  ariaLabel?: string;
  render: () => ComponentChildren;
  /**
   * All that `render` reads besides signals (e.g. the live state): while it is
   * the same, the tab's content is not rendered again, shown or not.
   */
  source?: unknown;
}

export interface TabsProps {
  label: string;
  tabs: TabItem[];
  /** Controlled use: the selected tab is kept outside (e.g. in the store). */
  selectedId?: string;
  onSelect?: (id: string) => void;
  /**
   * A tab's panel, once shown, stays in the page while another is selected:
   * hidden (out of the tab order and of the accessibility tree) and left as it
   * was, so that coming back patches it with what changed meanwhile instead of
   * building it anew. Without it, only the selected panel is in the page.
   */
  keepVisited?: boolean;
}

/** WAI-ARIA tabs: arrows, Home and End move between tabs; the panel follows. */
export function Tabs({
  label,
  tabs,
  selectedId: controlledId,
  onSelect,
  keepVisited = false,
}: TabsProps) {
  const [ownId, setOwnId] = useState(tabs[0]?.id ?? '');
  const selectedId = controlledId ?? ownId;
  function setSelectedId(id: string) {
    setOwnId(id);
    onSelect?.(id);
  }
  const baseId = useId();
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const visited = useRef(new Set<string>());
  // A role change (cession) swaps the tabs: fall back to the first one.
  const selected = tabs.find((tab) => tab.id === selectedId) ?? tabs[0];
  if (!selected) return null;
  if (!keepVisited) visited.current.clear();
  visited.current.add(selected.id);

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
      {tabs
        .filter((tab) => visited.current.has(tab.id))
        .map((tab) => {
          const shown = tab.id === selected.id;
          return (
            <div
              key={tab.id}
              role="tabpanel"
              id={`${baseId}-panel-${tab.id}`}
              aria-labelledby={`${baseId}-tab-${tab.id}`}
              tabIndex={0}
              class="tab-panel"
              hidden={!shown}
            >
              <TabContent shown={shown} render={tab.render} source={tab.source} />
            </div>
          );
        })}
    </div>
  );
}

interface TabContentProps {
  shown: boolean;
  render: () => ComponentChildren;
  source: unknown;
}

type TabContentInstance = Component<TabContentProps> & { renderedFrom?: unknown };

/**
 * A panel's content renders while shown; hidden, it skips every update (a live
 * event re-renders the tabs' owner) until it is shown again, and then only if
 * its source changed since it last rendered.
 */
function TabContent(this: TabContentInstance, { render, source }: TabContentProps) {
  this.shouldComponentUpdate = renderedWhileShown;
  // Not `this.props`: a skipped update moves the props on all the same.
  this.renderedFrom = source;
  return <>{render()}</>;
}

function renderedWhileShown(this: TabContentInstance, next: TabContentProps): boolean {
  return next.shown && (next.source === undefined || next.source !== this.renderedFrom);
}
