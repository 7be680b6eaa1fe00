/**
 * Loads data from the API and keeps it fresh: re-reads when a matching /ws event arrives
 * (coalesced over 150 ms so a burst of events costs one request) and after a reconnect.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { live } from './live';
import type { LiveEvent } from './types';

export interface Resource<T> {
  data: T | undefined;
  error: string | null;
  reload: () => void;
}

const coalesceMs = 150;

/**
 * `initial`, when it returns a value (an early read that has already answered), is the first
 * render's data and the first load is skipped.
 */
export function useResource<T>(load: () => Promise<T>, key: string, refreshOn: (event: LiveEvent) => boolean, initial?: () => T | undefined): Resource<T> {
  const [initialData] = useState(() => ({ key, data: initial?.() }));
  const [data, setData] = useState<T | undefined>(initialData.data);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const refreshRef = useRef(refreshOn);
  refreshRef.current = refreshOn;
  const generation = useRef(0);

  const reload = useCallback(() => {
    const mine = (generation.current += 1);
    loadRef.current().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(null);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setError(failure instanceof Error ? failure.message : String(failure));
      },
    );
  }, []);

  useEffect(() => {
    if (initialData.data !== undefined && initialData.key === key && generation.current === 0) {
      generation.current += 1;
    } else {
      setData(undefined);
      reload();
    }
    let timer: number | undefined;
    const schedule = () => {
      if (timer === undefined) timer = window.setTimeout(() => {
        timer = undefined;
        reload();
      }, coalesceMs);
    };
    const offEvent = live.onEvent((event) => {
      if (refreshRef.current(event)) schedule();
    });
    const offResync = live.onResync(reload);
    return () => {
      window.clearTimeout(timer);
      offEvent();
      offResync();
    };
  }, [key, reload, initialData]);

  return { data, error, reload };
}

/** Event filters by family, e.g. `families('monitor', 'alert')`. */
export function families(...prefixes: string[]): (event: LiveEvent) => boolean {
  return (event) => prefixes.some((prefix) => event.type.startsWith(`${prefix}.`));
}
