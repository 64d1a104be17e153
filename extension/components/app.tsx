import { Spinner } from './button.js';
import { LazyAdminHome } from './lazy-screens.js';
import { LiveAnnouncer } from './live-announcer.js';
import { MemberHome } from './member-home.js';
import { OutageBanner } from './outage-banner.js';
import { PanelHeader } from './panel-header.js';
import { ServiceName } from './service-brand.js';
import { SettingsScreen } from './settings-screen.js';
import { SignInScreen } from './sign-in-screen.js';
import { SignUpScreen } from './sign-up-screen.js';
import { useStore } from './store-context.js';
import { ToastRegion } from './toast-region.js';

/** The side panel: who is signed in decides the screens; the live view fills them. */
export function App() {
  return (
    <div class="app">
      <Screens />
      <ToastRegion />
      <LiveAnnouncer />
    </div>
  );
}

function Screens() {
  const store = useStore();
  const session = store.session.value;
  if (session.status === 'loading') return <Loading text="Chargement…" />;
  if (session.status === 'signed-out') {
    return (
      <>
        <header class="brand-bar">
          <ServiceName />
        </header>
        <OutageBanner />
        {store.settingsOpen.value ? (
          <SettingsScreen />
        ) : store.authScreen.value === 'sign-up' ? (
          <SignUpScreen />
        ) : (
          <SignInScreen />
        )}
      </>
    );
  }
  return (
    <>
      <PanelHeader />
      <OutageBanner />
      {store.settingsOpen.value ? <SettingsScreen /> : <SignedInHome />}
    </>
  );
}

function SignedInHome() {
  const view = useStore().view.value;
  return (
    <main class="panel-main" aria-label="Contenu">
      {view === null ? (
        <Loading text="Chargement de votre espace…" />
      ) : view.kind === 'admin' ? (
        <LazyAdminHome state={view} />
      ) : (
        <MemberHome state={view} />
      )}
    </main>
  );
}

export interface LoadingProps {
  text: string;
}

function Loading({ text }: LoadingProps) {
  return (
    <p class="loading" role="status">
      <Spinner />
      {text}
    </p>
  );
}
