/**
 * The live event stream: one WebSocket to /ws for the whole dashboard. It reconnects with
 * exponential back-off (0.5 s doubling to 15 s, with jitter so a restarted server is not hit by
 * every tab at once) and, after a reconnect, tells subscribers to re-read what they show, since
 * events sent while disconnected are gone: the REST API is the source of truth, /ws the nudge.
 */
import { useEffect, useState } from 'react';
import type { LiveEvent } from './types';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

type EventListener = (event: LiveEvent) => void;
type Listener = () => void;

const minDelayMs = 500;
const maxDelayMs = 15_000;

class LiveStream {
  state: ConnectionState = 'connecting';
  private socket: WebSocket | null = null;
  private attempt = 0;
  private everConnected = false;
  private readonly eventListeners = new Set<EventListener>();
  private readonly stateListeners = new Set<Listener>();
  private readonly resyncListeners = new Set<Listener>();
  private timer: number | undefined;

  start(): void {
    if (this.socket !== null || this.timer !== undefined) return;
    this.connect();
  }

  stop(): void {
    window.clearTimeout(this.timer);
    this.timer = undefined;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'logged out');
  }

  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onState(listener: Listener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called after a reconnect: events may have been missed, so re-read from the API. */
  onResync(listener: Listener): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  private connect(): void {
    this.timer = undefined;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setState('live');
      if (this.everConnected) for (const listener of this.resyncListeners) listener();
      this.everConnected = true;
    };
    socket.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as LiveEvent;
      for (const listener of this.eventListeners) listener(event);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return; // stopped on purpose
      this.socket = null;
      this.setState('reconnecting');
      const delayMs = Math.min(maxDelayMs, minDelayMs * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
      this.attempt += 1;
      this.timer = window.setTimeout(() => this.connect(), delayMs);
    };
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener();
  }
}

export const live = new LiveStream();

export function useConnectionState(): ConnectionState {
  const [state, setState] = useState(live.state);
  useEffect(() => live.onState(() => setState(live.state)), []);
  return state;
}
