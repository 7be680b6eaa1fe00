import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, clearPrefetch, onUnauthorized, takeEarly } from './api';
import { live, useConnectionState } from './live';
import { LoginPage } from './pages/login-page';
import { Link, navigate, useLocation } from './router';
import { renderRoute, routes } from './routes';
import { SessionContext, type SessionValue } from './session';
import { applyTheme, effectiveTheme, storedTheme } from './theme';
import type { SessionInfo } from './types';

type SessionState = { kind: 'loading' } | { kind: 'login'; message: string | null; canCancel: boolean } | { kind: 'ready'; session: SessionInfo };

/** Ready at once when index.html's early session read has already answered. */
function initialState(): SessionState {
  const session = takeEarly<SessionInfo>('/api/v1/session');
  return session === undefined ? { kind: 'loading' } : { kind: 'ready', session };
}

export function App() {
  const [state, setState] = useState<SessionState>(initialState);

  const check = useCallback(() => {
    api<SessionInfo>('/api/v1/session').then(
      (session) => setState({ kind: 'ready', session }),
      (error: unknown) => {
        clearPrefetch();
        setState({ kind: 'login', canCancel: false, message: error instanceof ApiError && error.status === 401 ? null : String(error) });
      },
    );
  }, []);
  useEffect(() => {
    if (state.kind === 'loading') check();
    // Only on mount (and not when the early read already answered): later checks come from
    // login, logout and 401s.
  }, [check]);

  useEffect(() => {
    if (state.kind !== 'ready') return;
    live.start();
    onUnauthorized(check);
    return () => {
      onUnauthorized(null);
      live.stop();
    };
  }, [state.kind, check]);

  const value = useMemo<SessionValue | null>(() => {
    if (state.kind !== 'ready') return null;
    return {
      session: state.session,
      canAct: state.session.role !== 'viewer',
      login: () => setState({ kind: 'login', message: null, canCancel: true }),
      logout: () => {
        const done = () => {
          live.stop();
          check();
        };
        api('/api/v1/session', { method: 'DELETE' }).then(done, done);
      },
    };
  }, [state, check]);

  if (state.kind === 'loading') return <p className="loading" role="status">Loading…</p>;
  if (state.kind === 'login' || value === null) {
    return <LoginPage message={state.kind === 'login' ? state.message : null} onLoggedIn={check} onCancel={state.kind === 'login' && state.canCancel ? check : undefined} />;
  }
  return (
    <SessionContext.Provider value={value}>
      <Shell value={value} />
    </SessionContext.Provider>
  );
}

function Shell({ value }: { value: SessionValue }) {
  const { path } = useLocation();
  const connection = useConnectionState();
  const [theme, setTheme] = useState(storedTheme);
  const toggleTheme = () => {
    const next = effectiveTheme(theme) === 'dark' ? 'light' : 'dark';
    applyTheme(next);
    setTheme(next);
  };
  const { session } = value;
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="sre-monitor home">
          <span className="brand-dot" aria-hidden="true" />sre-monitor
        </Link>
        <nav aria-label="Main">
          <ul>
            {routes.filter((route) => route.nav).map((route) => {
              const nav = route.nav!;
              const current = nav.match.test(path);
              return (
                <li key={nav.to}>
                  <Link to={nav.to} aria-current={current ? 'page' : undefined}>{nav.label}</Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="topbar-tools">
          <span className={`connection connection-${connection}`} role="status" aria-live="polite" title="Live updates over /ws">
            <span className="connection-dot" aria-hidden="true" />
            {connection === 'live' ? 'Live' : connection === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
          </span>
          <button type="button" className="ghost" onClick={toggleTheme} aria-label={`Switch to ${effectiveTheme(theme) === 'dark' ? 'light' : 'dark'} theme`}>
            {effectiveTheme(theme) === 'dark' ? '☀' : '☾'}
          </button>
          <span className="who" title={`authenticated by ${session.via}`}>
            {session.name} <span className="role">{session.role}</span>
          </span>
          {session.via === 'session' ? (
            <button type="button" className="ghost" onClick={value.logout}>Log out</button>
          ) : (
            <button type="button" className="ghost" onClick={() => { value.login(); navigate(path); }}>Log in</button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>{renderRoute(path)}</main>
    </>
  );
}
