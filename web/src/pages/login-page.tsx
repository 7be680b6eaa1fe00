import { useState, type FormEvent } from 'react';
import { api } from '../api';

/** Paste an API token once; the server answers with an httpOnly session cookie. */
export function LoginPage(props: { message: string | null; onLoggedIn: () => void; onCancel: (() => void) | undefined }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(props.message);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    api('/api/v1/session', { method: 'POST', token: token.trim() }).then(
      () => props.onLoggedIn(),
      (failure: unknown) => {
        setBusy(false);
        setError(failure instanceof Error ? failure.message : String(failure));
      },
    );
  };
  return (
    <main className="login">
      <form onSubmit={submit} className="card login-card" aria-labelledby="login-title">
        <h1 id="login-title"><span className="brand-dot" aria-hidden="true" />sre-monitor</h1>
        <p className="muted">Log in with an API token (<code>sre-monitor token create NAME --role viewer|responder|admin</code>).</p>
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} required autoFocus placeholder="srem_…" />
        {error && <p className="error" role="alert">{error}</p>}
        <div className="row">
          <button type="submit" className="primary" disabled={busy || token.trim() === ''}>{busy ? 'Logging in…' : 'Log in'}</button>
          {props.onCancel && <button type="button" className="ghost" onClick={props.onCancel}>Continue without logging in</button>}
        </div>
      </form>
    </main>
  );
}
