import { useEffect, useMemo, useState } from 'react';
import { api, takeEarly } from '../api';
import { StatusBadge } from '../components/status';
import { VirtualList } from '../components/virtual-list';
import { ago } from '../format';
import { live } from '../live';
import { Link } from '../router';
import type { MonitorStatus } from '../types';

const statuses: MonitorStatus[] = ['down', 'degraded', 'pending', 'maintenance', 'paused', 'up'];
const statusRank = new Map(statuses.map((status, index) => [status, index]));
const rowHeightPx = 44;
/** index.html starts this read early; keep the two in step. */
const monitorRowsPath = '/api/v1/overview/monitors';

/** One row of GET /api/v1/overview/monitors. */
interface MonitorRow {
  name: string;
  service: string;
  kind: string;
  tags: string[];
  paused: boolean;
  status: MonitorStatus;
  since: string;
  message: string;
  last_check_at: string | null;
}

/**
 * Loads every monitor as a short row in one read; status events then patch rows in place, and
 * only created/changed/deleted monitors (or a reconnect) re-read the list.
 */
function useMonitors(): { monitors: MonitorRow[]; loading: boolean; error: string | null } {
  // index.html's early read, when it has already answered, is the first render's list.
  const [early] = useState(() => takeEarly<{ items: MonitorRow[] }>(monitorRowsPath));
  const [monitors, setMonitors] = useState<MonitorRow[]>(() => early?.items ?? []);
  const [loading, setLoading] = useState(early === undefined);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (generation === 0 && early !== undefined) return;
    let cancelled = false;
    api<{ items: MonitorRow[] }>(monitorRowsPath).then(
      (answer) => {
        if (cancelled) return;
        setMonitors(answer.items);
        setLoading(false);
        setError(null);
      },
      (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      cancelled = true;
    };
  }, [generation, early]);

  useEffect(() => {
    let timer: number | undefined;
    const reread = () => {
      if (timer === undefined) timer = window.setTimeout(() => {
        timer = undefined;
        setGeneration((value) => value + 1);
      }, 150);
    };
    const offEvent = live.onEvent((event) => {
      if (event.type === 'monitor.created' || event.type === 'monitor.updated' || event.type === 'monitor.deleted') return reread();
      if (!event.type.startsWith('monitor.')) return;
      const name = event.data.monitor as string;
      const to = event.data.to as MonitorStatus;
      const message = typeof event.data.message === 'string' ? event.data.message : '';
      setMonitors((current) => current.map((monitor) => (monitor.name === name ? { ...monitor, paused: to === 'paused', status: to, since: event.at, message, last_check_at: event.at } : monitor)));
    });
    const offResync = live.onResync(reread);
    return () => {
      window.clearTimeout(timer);
      offEvent();
      offResync();
    };
  }, []);

  return { monitors, loading, error };
}

function readFilters() {
  const search = new URLSearchParams(location.search);
  return { status: search.get('status') ?? '', kind: search.get('kind') ?? '', query: search.get('q') ?? '', sort: search.get('sort') === 'name' ? 'name' : 'problems' };
}

/** Every monitor in one virtualized list, filtered by status, kind and text; problems first. */
export function MonitorsPage() {
  const { monitors, loading, error } = useMonitors();
  const [filters, setFilters] = useState(readFilters);
  const [viewportPx, setViewportPx] = useState(() => Math.max(320, window.innerHeight - 260));

  useEffect(() => {
    const onResize = () => setViewportPx(Math.max(320, window.innerHeight - 260));
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);

  useEffect(() => {
    const search = new URLSearchParams();
    if (filters.status) search.set('status', filters.status);
    if (filters.kind) search.set('kind', filters.kind);
    if (filters.query) search.set('q', filters.query);
    if (filters.sort === 'name') search.set('sort', 'name');
    const text = search.toString();
    history.replaceState(null, '', text === '' ? location.pathname : `${location.pathname}?${text}`);
  }, [filters]);

  const kinds = useMemo(() => [...new Set(monitors.map((monitor) => monitor.kind))].sort(), [monitors]);
  const counts = useMemo(() => {
    const result = new Map<string, number>();
    for (const monitor of monitors) result.set(monitor.status, (result.get(monitor.status) ?? 0) + 1);
    return result;
  }, [monitors]);
  const shown = useMemo(() => {
    const query = filters.query.trim().toLowerCase();
    const list = monitors.filter((monitor) =>
      (filters.status === '' || monitor.status === filters.status) &&
      (filters.kind === '' || monitor.kind === filters.kind) &&
      (query === '' || monitor.name.toLowerCase().includes(query) || monitor.service.toLowerCase().includes(query) || monitor.tags.some((tag) => tag.toLowerCase().includes(query))));
    // The server answers in name order and sort() is stable, so ranking by status keeps names in
    // order within each status without a (slow, for 5,000 rows) string comparison.
    if (filters.sort === 'problems') list.sort((a, b) => (statusRank.get(a.status) ?? 9) - (statusRank.get(b.status) ?? 9));
    return list;
  }, [monitors, filters]);

  const nowMs = Date.now();
  return (
    <section className="page" aria-labelledby="monitors-title">
      <h1 id="monitors-title">Monitors</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="filters" role="search">
        <label>
          <span className="sr-only">Search monitors</span>
          <input type="search" placeholder="Search name, service or tag" value={filters.query} onChange={(e) => setFilters({ ...filters, query: e.target.value })} />
        </label>
        <label>
          <span className="label-inline">Status</span>
          <select value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value })}>
            <option value="">all ({monitors.length})</option>
            {statuses.map((status) => <option key={status} value={status}>{status} ({counts.get(status) ?? 0})</option>)}
          </select>
        </label>
        <label>
          <span className="label-inline">Kind</span>
          <select value={filters.kind} onChange={(e) => setFilters({ ...filters, kind: e.target.value })}>
            <option value="">all</option>
            {kinds.map((kind) => <option key={kind} value={kind}>{kind}</option>)}
          </select>
        </label>
        <label>
          <span className="label-inline">Sort</span>
          <select value={filters.sort} onChange={(e) => setFilters({ ...filters, sort: e.target.value })}>
            <option value="problems">problems first</option>
            <option value="name">name</option>
          </select>
        </label>
        <span className="muted small" role="status">{loading ? `Loading… ${monitors.length}` : `${shown.length} of ${monitors.length}`}</span>
      </div>
      <div className="vlist-head" aria-hidden="true">
        <span>Status</span><span>Monitor</span><span className="hide-narrow">Service</span><span className="hide-narrow">Kind</span><span>Last check</span><span className="hide-narrow">Message</span>
      </div>
      <VirtualList
        items={shown}
        rowHeightPx={rowHeightPx}
        heightPx={Math.min(viewportPx, Math.max(rowHeightPx * 4, shown.length * rowHeightPx + 2))}
        label="Monitors"
        rowKey={(monitor) => monitor.name}
        renderRow={(monitor) => (
          <div className="monitor-row" data-monitor={monitor.name} data-status={monitor.status}>
            <span role="gridcell"><StatusBadge status={monitor.status} /></span>
            <span role="gridcell" className="ellipsis"><Link to={`/monitors/${encodeURIComponent(monitor.name)}`}>{monitor.name}</Link></span>
            <span role="gridcell" className="ellipsis hide-narrow">{monitor.service}</span>
            <span role="gridcell" className="hide-narrow">{monitor.kind}</span>
            <span role="gridcell">{ago(monitor.last_check_at, nowMs)}</span>
            <span role="gridcell" className="ellipsis muted hide-narrow" title={monitor.message}>{monitor.message}</span>
          </div>
        )}
      />
    </section>
  );
}
