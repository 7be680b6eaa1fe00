/**
 * Every page of the dashboard, in one table: a new feature (incidents, say) is one entry here
 * plus its page file. `nav` entries appear in the header in this order.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { AlertsPage } from './pages/alerts-page';
import { MonitorsPage } from './pages/monitors-page';
import { OverviewPage } from './pages/overview-page';
import { ServicePage } from './pages/service-page';
import { SlosPage } from './pages/slos-page';

// The chart pages carry uPlot; loading them on first visit keeps it out of the first bundle.
const MonitorPage = lazy(() => import('./pages/monitor-page').then((module) => ({ default: module.MonitorPage })));
const SloPage = lazy(() => import('./pages/slo-page').then((module) => ({ default: module.SloPage })));
// Incidents are opened less often than the overview; their pages load on first visit too.
const IncidentsPage = lazy(() => import('./pages/incidents-page').then((module) => ({ default: module.IncidentsPage })));
const IncidentPage = lazy(() => import('./pages/incident-page').then((module) => ({ default: module.IncidentPage })));

export interface Route {
  pattern: RegExp;
  render: (params: string[]) => ReactNode;
  /** Shown in the header when set; `match` marks it current for sub-pages. */
  nav?: { label: string; to: string; match: RegExp };
}

const param = (params: string[], index: number) => decodeURIComponent(params[index] ?? '');

export const routes: Route[] = [
  { pattern: /^\/$/, render: () => <OverviewPage />, nav: { label: 'Overview', to: '/', match: /^\/(services\/.*)?$/ } },
  { pattern: /^\/services\/([^/]+)$/, render: (p) => <ServicePage name={param(p, 0)} /> },
  { pattern: /^\/monitors$/, render: () => <MonitorsPage />, nav: { label: 'Monitors', to: '/monitors', match: /^\/monitors/ } },
  { pattern: /^\/monitors\/([^/]+)$/, render: (p) => <MonitorPage name={param(p, 0)} /> },
  { pattern: /^\/slos$/, render: () => <SlosPage />, nav: { label: 'SLOs', to: '/slos', match: /^\/slos/ } },
  { pattern: /^\/slos\/([^/]+)$/, render: (p) => <SloPage name={param(p, 0)} /> },
  { pattern: /^\/alerts$/, render: () => <AlertsPage />, nav: { label: 'Alerts', to: '/alerts', match: /^\/alerts/ } },
  { pattern: /^\/incidents$/, render: () => <IncidentsPage />, nav: { label: 'Incidents', to: '/incidents', match: /^\/incidents/ } },
  { pattern: /^\/incidents\/([^/]+)$/, render: (p) => <IncidentPage id={param(p, 0)} /> },
];

export function renderRoute(path: string): ReactNode {
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (match) return <Suspense fallback={<p className="page muted" role="status">Loading…</p>}>{route.render(match.slice(1))}</Suspense>;
  }
  return (
    <section className="page">
      <h1>Not found</h1>
      <p>No page at {path}.</p>
    </section>
  );
}
