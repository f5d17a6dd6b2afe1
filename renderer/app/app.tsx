// The window: the sidebar of profiles and tools, the current screen, the connection banner and
// the notices; the keyboard shortcuts.
import { useEffect, useState } from 'react';
import { Notices } from '../components/notices';
import { ExplainScreen } from '../features/explain/explain-screen';
import { ExportDialog } from '../features/export/export-dialog';
import { CompareScreen } from '../features/history/compare-screen';
import { HistoryScreen } from '../features/history/history-screen';
import { ProfileEditor } from '../features/profiles/profile-editor';
import { Sidebar } from '../features/profiles/profile-list';
import { RunView } from '../features/run/run-view';
import { RunAllScreen } from '../features/run-all/run-all-screen';
import { SettingsScreen } from '../features/settings/settings-screen';
import { InspectScreen } from '../features/token/inspect-screen';
import { isRunning } from '../state/app-state';
import { useAppState, useController } from './app-context';
import { commandFor } from './shortcuts';

function ConnectionBanner() {
  const connection = useAppState((s) => s.connection);
  if (connection.kind !== 'closed') return null;
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner">
      <strong>Not connected.</strong> {connection.message}
    </div>
  );
}

function Main({ searchRequest }: { searchRequest: number }) {
  const view = useAppState((s) => s.view);
  const editing = useAppState((s) => s.editing);
  switch (view) {
    case 'run':
      return <RunView searchRequest={searchRequest} />;
    case 'history':
      return <HistoryScreen />;
    case 'compare':
      return <CompareScreen />;
    case 'edit':
      return <ProfileEditor key={editing?.profile?.id ?? 'new'} profile={editing?.profile ?? null} />;
    case 'explain':
      return <ExplainScreen />;
    case 'inspect':
      return <InspectScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'run-all':
      return <RunAllScreen />;
  }
}

export function App() {
  const controller = useController();
  const view = useAppState((s) => s.view);
  const running = useAppState(isRunning);
  const [searchRequest, setSearchRequest] = useState(0);

  useEffect(() => controller.start(), [controller]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const command = commandFor(e);
      if (command === null) return;
      if (command === 'run' && view === 'run') {
        e.preventDefault();
        controller.run();
      } else if (command === 'cancel' && running) {
        e.preventDefault();
        controller.cancel();
      } else if (command === 'search' && view === 'run') {
        e.preventDefault();
        setSearchRequest((n) => n + 1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [controller, view, running]);

  return (
    <div className="app">
      <Sidebar />
      <main className="main" id="main">
        <ConnectionBanner />
        <Main searchRequest={searchRequest} />
      </main>
      <ExportDialog />
      <Notices />
    </div>
  );
}
