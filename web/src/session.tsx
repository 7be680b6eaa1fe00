/**
 * Who is logged in. The session cookie is httpOnly, so the page asks GET /api/v1/session; a
 * 401 means "show the login form". Responders and admins see actions; viewers do not.
 */
import { createContext, useContext } from 'react';
import type { SessionInfo } from './types';

export interface SessionValue {
  session: SessionInfo;
  canAct: boolean;
  logout: () => void;
  login: () => void;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSession outside SessionContext');
  return value;
}
