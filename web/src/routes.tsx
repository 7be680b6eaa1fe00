/**
 * Every page of the dashboard, in one table: a new feature (incidents, say) is one entry here
 * plus its page file. `nav` entries appear in the header in this order.
 */
import type { ReactNode } from 'react';
import { AlertsPage } from './pages/alerts-page';
import { MonitorPage } from './pages/monitor-page';
import { MonitorsPage, firstMonitorsPath } from './pages/monitors-page';
import { OverviewPage, overviewPath } from './pages/overview-page';
import { ServicePage } from './pages/service-page';
import { SloPage } from './pages/slo-page';
import { SlosPage } from './pages/slos-page';

export interface Route {
  pattern: RegExp;
  /** API reads started before the first render, in parallel with the session check. */
  prefetch?: string[];
  render: (params: string[]) => ReactNode;
  /** Shown in the header when set; `match` marks it current for sub-pages. */
  nav?: { label: string; to: string; match: RegExp };
}

const param = (params: string[], index: number) => decodeURIComponent(params[index] ?? '');

export const routes: Route[] = [
  { pattern: /^\/$/, render: () => <OverviewPage />, prefetch: [overviewPath], nav: { label: 'Overview', to: '/', match: /^\/(services\/.*)?$/ } },
  { pattern: /^\/services\/([^/]+)$/, render: (p) => <ServicePage name={param(p, 0)} /> },
  { pattern: /^\/monitors$/, render: () => <MonitorsPage />, prefetch: [firstMonitorsPath], nav: { label: 'Monitors', to: '/monitors', match: /^\/monitors/ } },
  { pattern: /^\/monitors\/([^/]+)$/, render: (p) => <MonitorPage name={param(p, 0)} /> },
  { pattern: /^\/slos$/, render: () => <SlosPage />, nav: { label: 'SLOs', to: '/slos', match: /^\/slos/ } },
  { pattern: /^\/slos\/([^/]+)$/, render: (p) => <SloPage name={param(p, 0)} /> },
  { pattern: /^\/alerts$/, render: () => <AlertsPage />, nav: { label: 'Alerts', to: '/alerts', match: /^\/alerts/ } },
];

export function prefetchFor(path: string): string[] {
  return routes.find((route) => route.pattern.test(path))?.prefetch ?? [];
}

export function renderRoute(path: string): ReactNode {
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (match) return route.render(match.slice(1));
  }
  return (
    <section className="page">
      <h1>Not found</h1>
      <p>No page at {path}.</p>
    </section>
  );
}
