/**
 * A channel's local stand-in, kept in its own file: how its request body parses, what breaks the
 * service's documented shape, and what the real service answers to a good request.
 * `startNotificationReceiver` uses these for the channels listed in `channelShapes`.
 */
import type { RecordedRequest } from '../notification-receivers.js';

export interface SuccessAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export interface ChannelShape {
  /** The body as the check sees it in `request.parsed`; default JSON (undefined when it does not parse). */
  parse?(body: string, request: Omit<RecordedRequest, 'parsed' | 'problems'>): unknown;
  /** Pushes what breaks the documented shape to `problems` (answered with 400). */
  check(request: RecordedRequest, problems: string[]): void;
  success(parsed: unknown): SuccessAnswer;
  /** The service's answer to a request that breaks the shape; default 400 `{status: "invalid", errors}`. */
  failure?(problems: string[]): SuccessAnswer;
}
