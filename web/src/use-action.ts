/**
 * One button's request: busy while it runs, the server's message on failure, and a callback
 * (usually the resource's reload) on success, so a page does not repeat the same three states.
 */
import { useCallback, useState } from 'react';

export interface Action {
  busy: boolean;
  error: string | null;
  run: (request: () => Promise<unknown>, onDone?: () => void) => void;
  setError: (message: string | null) => void;
}

export function useAction(onSuccess: () => void): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback((request: () => Promise<unknown>, onDone?: () => void) => {
    setBusy(true);
    setError(null);
    request().then(
      () => { setBusy(false); onDone?.(); onSuccess(); },
      (failure: unknown) => { setBusy(false); setError(failure instanceof Error ? failure.message : String(failure)); },
    );
  }, [onSuccess]);
  return { busy, error, run, setError };
}
