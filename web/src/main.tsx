import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { prefetch } from './api';
import { prefetchFor } from './routes';
import { applyTheme, storedTheme } from './theme';
import './styles.css';

applyTheme(storedTheme());
// Ask who we are and load the page's first data at the same time.
prefetch(['/api/v1/session', ...prefetchFor(location.pathname)]);
const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode><App /></StrictMode>);
