/**
 * Notifiers: one Notifier per integration entry of each receiver (`receivers[i].slack_configs[j]`),
 * for the channels sre-monitor implements: webhook (Alertmanager's JSON or sre-monitor's, signed),
 * Slack (Block Kit), email (SMTP), PagerDuty (Events API v2), Microsoft Teams (MessageCard and
 * Adaptive Card), Discord, Telegram, Opsgenie, VictorOps, Pushover, Webex, incident.io, Jira,
 * Amazon SNS, Rocket.Chat, Mattermost, WeChat Work and SMS (Twilio-style). Config keys are Alertmanager's so an existing
 * alertmanager.yml works; integrations sre-monitor does not implement are reported, not
 * silently dropped. Nothing here retries: the outbox does, using each DeliveryResult's
 * `retryable`, `reason` and `retryAfterMs`.
 */
import type { Mapping, PathSegment, ConfigPathProblem } from '../../core/alerting/config-reader.js';
import { ProblemList } from '../../core/alerting/config-reader.js';
import type { Receiver } from '../../core/alerting/alertmanager-config.js';
import type { IntegrationRef, Notifier } from '../../core/alerting/notification.js';
import type { Clock } from '../../core/clock.js';
import type { ChannelFactory } from './channel.js';
import { buildDiscordIntegration } from './discord-notifier.js';
import { buildEmailIntegration } from './email-notifier.js';
import { readSecretFileTrimmed, type NotifierContext } from './http-delivery.js';
import { createHttpPost, postWithFetch, type HttpPost } from './http-post.js';
import { IntegrationConfigReader, type HttpAuth } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { buildTeamsIntegration, buildTeamsV2Integration } from './msteams-notifier.js';
import { buildPagerDutyIntegration } from './pagerduty-notifier.js';
import { buildSlackIntegration } from './slack-notifier.js';
import { buildSmsIntegration } from './sms-notifier.js';
import { buildTelegramIntegration } from './telegram-notifier.js';
import { buildIncidentioIntegration } from './incidentio-notifier.js';
import { buildJiraIntegration } from './jira-notifier.js';
import { buildMattermostIntegration } from './mattermost-notifier.js';
import { buildRocketChatIntegration } from './rocketchat-notifier.js';
import { buildSnsIntegration } from './sns-notifier.js';
import { buildWechatIntegration } from './wechat-notifier.js';
import { buildOpsgenieIntegration } from './opsgenie-notifier.js';
import { buildPushoverIntegration } from './pushover-notifier.js';
import { buildVictorOpsIntegration } from './victorops-notifier.js';
import { buildWebexIntegration } from './webex-notifier.js';
import { buildWebhookIntegration } from './webhook-notifier.js';

export { verifyWebhookSignature, signWebhookBody, signatureHeader, timestampHeader } from './webhook-signature.js';
export { pagerDutyDedupKey } from './pagerduty-notifier.js';

/** One integration of one receiver, ready for the dispatcher and the outbox. */
export interface ReceiverIntegration {
  ref: IntegrationRef;
  notifier: Notifier;
  /** `send_resolved`, with the channel's Alertmanager default applied. */
  sendResolved: boolean;
  /** `max_alerts` (webhook); 0 = no limit. */
  maxAlerts: number;
}

export interface NotifierOptions {
  /** Per request (HTTP) or per message (SMTP), on top of the AbortSignal `send` gets. */
  timeoutMs: number;
  /** Sends HTTP requests through this fetch instead of the default undici transport (tests record requests with it). */
  fetch?: typeof fetch;
  clock: Clock;
  /** Sent as User-Agent (HTTP) on every request, e.g. `sre-monitor/0.1.0`. */
  userAgent: string;
  /** Alertmanager's `global:` section (`slack_api_url`, `smtp_*`, `pagerduty_url`, `http_config` ...); problems in it are reported at `global` beside `basePath`. */
  global?: Mapping;
  /** Prefix of problem paths; default `['receivers']` (e.g. `['alerting', 'receivers']`). */
  basePath?: PathSegment[];
  /** Reads `*_file` secrets at send time; default reads the file and trims whitespace. */
  readSecretFile?: (path: string) => Promise<string>;
  /** A user template failed to render; the notification went out with the default text. Default: ignored. */
  onTemplateError?: (message: string) => void;
}

export interface ReceiverNotifiers {
  /** Receiver name -> its integrations in config order. Only built when the receiver's entries are valid. */
  integrations: Map<string, ReceiverIntegration[]>;
  problems: ConfigPathProblem[];
}

/** The integration keys sre-monitor implements, and their factories. */
export const channelFactories: Readonly<Record<string, ChannelFactory>> = {
  webhook_configs: buildWebhookIntegration,
  slack_configs: buildSlackIntegration,
  email_configs: buildEmailIntegration,
  pagerduty_configs: buildPagerDutyIntegration,
  msteams_configs: buildTeamsIntegration,
  msteamsv2_configs: buildTeamsV2Integration,
  discord_configs: buildDiscordIntegration,
  sms_configs: buildSmsIntegration,
  telegram_configs: buildTelegramIntegration,
  opsgenie_configs: buildOpsgenieIntegration,
  pushover_configs: buildPushoverIntegration,
  victorops_configs: buildVictorOpsIntegration,
  webex_configs: buildWebexIntegration,
  incidentio_configs: buildIncidentioIntegration,
  jira_configs: buildJiraIntegration,
  mattermost_configs: buildMattermostIntegration,
  rocketchat_configs: buildRocketChatIntegration,
  sns_configs: buildSnsIntegration,
  wechat_configs: buildWechatIntegration,
};

export const supportedIntegrationKeys = Object.keys(channelFactories);

/** One transport for every build (config reloads included), so keep-alive connections are shared, not leaked. */
let sharedHttpPost: HttpPost | undefined;
function defaultHttpPost(): HttpPost {
  sharedHttpPost ??= createHttpPost();
  return sharedHttpPost;
}

function notifierContext(options: NotifierOptions): NotifierContext {
  return {
    post: options.fetch === undefined ? defaultHttpPost() : postWithFetch(options.fetch),
    clock: options.clock,
    timeoutMs: options.timeoutMs,
    userAgent: options.userAgent,
    readSecretFile: options.readSecretFile ?? readSecretFileTrimmed,
    onTemplateError: options.onTemplateError ?? (() => undefined),
  };
}

/** `global.http_config`, read once and reported at `global.http_config` beside the receivers. */
function readGlobalHttpConfig(options: NotifierOptions, basePath: PathSegment[], problems: ProblemList): { defaultAuth: HttpAuth | undefined; defaultTransport: HttpTransport | undefined } {
  const global = options.global ?? {};
  if (global.http_config === undefined || global.http_config === null) return { defaultAuth: undefined, defaultTransport: undefined };
  const reader = new IntegrationConfigReader(global, [...basePath.slice(0, -1), 'global'], problems);
  return { defaultAuth: reader.httpAuth(), defaultTransport: readHttpTransport(reader) };
}

interface BuildScope {
  options: NotifierOptions;
  context: NotifierContext;
  problems: ProblemList;
  defaultAuth: HttpAuth | undefined;
  defaultTransport: HttpTransport | undefined;
}

function buildReceiver(receiver: Receiver, path: PathSegment[], scope: BuildScope): ReceiverIntegration[] {
  const { options, context, problems } = scope;
  const built: ReceiverIntegration[] = [];
  for (const [key, entries] of Object.entries(receiver.integrations)) {
    const factory = channelFactories[key];
    if (factory === undefined) {
      if (entries.length > 0) problems.add([...path, key], `${key} is not supported by sre-monitor yet (supported: ${supportedIntegrationKeys.join(', ')})`);
      continue;
    }
    entries.forEach((entry, index) => {
      const before = problems.problems.length;
      const reader = new IntegrationConfigReader(entry, [...path, key, index], problems, scope.defaultAuth, scope.defaultTransport);
      const integration = factory(reader, options.global ?? {}, context);
      if (integration === undefined || problems.problems.length > before) return;
      built.push({ ref: { receiver: receiver.name, key, index }, notifier: integration.notifier, sendResolved: integration.notifier.sendResolved, maxAlerts: integration.maxAlerts });
    });
  }
  return built.sort((a, b) => supportedIntegrationKeys.indexOf(a.ref.key) - supportedIntegrationKeys.indexOf(b.ref.key) || a.ref.index - b.ref.index);
}

/**
 * Builds the notifiers of every receiver. `receivers[i]` is reported at `[...basePath, i]`, so
 * pass them in config order. A receiver without integrations (a "blackhole") gets an empty
 * list. The caller should refuse the config when `problems` is not empty.
 */
export function buildReceiverNotifiers(receivers: readonly Receiver[], options: NotifierOptions): ReceiverNotifiers {
  const problems = new ProblemList();
  const context = notifierContext(options);
  const basePath = options.basePath ?? ['receivers'];
  const integrations = new Map<string, ReceiverIntegration[]>();
  const scope: BuildScope = { options, context, problems, ...readGlobalHttpConfig(options, basePath, problems) };
  receivers.forEach((receiver, index) => {
    integrations.set(receiver.name, buildReceiver(receiver, [...basePath, index], scope));
  });
  return { integrations, problems: problems.problems };
}

/** The notifier for an outbox item's integration, or undefined when the config no longer has it. */
export function findNotifier(integrations: ReadonlyMap<string, readonly ReceiverIntegration[]>, ref: IntegrationRef): Notifier | undefined {
  return integrations.get(ref.receiver)?.find((integration) => integration.ref.key === ref.key && integration.ref.index === ref.index)?.notifier;
}
