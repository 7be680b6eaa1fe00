import { describe, expect, it } from 'vitest';
import type { Receiver } from '../../core/alerting/alertmanager-config.js';
import { readAlertmanagerConfig } from '../../core/alerting/alertmanager-config.js';
import type { Mapping } from '../../core/alerting/config-reader.js';
import { createManualClock } from '../../core/clock.js';
import { buildReceiverNotifiers, findNotifier, type NotifierOptions } from './index.js';
import { baseNotification } from './notifier-builders.contract.js';

const options: NotifierOptions = { timeoutMs: 1000, clock: createManualClock(), userAgent: 'sre-monitor/test' };

function receiver(name: string, integrations: Record<string, Mapping[]>): Receiver {
  return { name, integrations };
}

function problemsOf(key: string, entry: Mapping, extra: Partial<NotifierOptions> = {}): Array<[string, string]> {
  const built = buildReceiverNotifiers([receiver('r', { [key]: [entry] })], { ...options, ...extra });
  return built.problems.map((problem) => [problem.path.join('.'), problem.message]);
}

describe('buildReceiverNotifiers', () => {
  it('builds every integration of every receiver with its ref, send_resolved default and max_alerts', () => {
    const built = buildReceiverNotifiers(
      [
        receiver('team-db', {
          webhook_configs: [{ url: 'http://127.0.0.1:1/a', max_alerts: 5 }, { url: 'http://127.0.0.1:1/b', send_resolved: false }],
          slack_configs: [{ api_url: 'http://127.0.0.1:1/s' }],
          pagerduty_configs: [{ routing_key: 'k' }],
          email_configs: [{ to: 'a@example.com', from: 'b@example.com', smarthost: '127.0.0.1:25' }],
          msteams_configs: [{ webhook_url: 'http://127.0.0.1:1/t' }],
          discord_configs: [{ webhook_url: 'http://127.0.0.1:1/d' }],
          sms_configs: [{ url: 'http://127.0.0.1:1/sms', from: '+1', to: ['+2'] }],
        }),
        receiver('blackhole', {}),
      ],
      options,
    );
    expect(built.problems).toEqual([]);
    const integrations = built.integrations.get('team-db') ?? [];
    expect(integrations.map((integration) => [integration.ref.key, integration.ref.index, integration.sendResolved, integration.maxAlerts])).toEqual([
      ['webhook_configs', 0, true, 5],
      ['webhook_configs', 1, false, 0],
      ['slack_configs', 0, false, 0],
      ['email_configs', 0, false, 0],
      ['pagerduty_configs', 0, true, 0],
      ['msteams_configs', 0, true, 0],
      ['discord_configs', 0, true, 0],
      ['sms_configs', 0, false, 0],
    ]);
    expect(integrations.every((integration) => integration.notifier.key === integration.ref.key)).toBe(true);
    expect(built.integrations.get('blackhole')).toEqual([]);
    expect(findNotifier(built.integrations, { receiver: 'team-db', key: 'webhook_configs', index: 1 })).toBe(integrations[1]?.notifier);
    expect(findNotifier(built.integrations, { receiver: 'team-db', key: 'webhook_configs', index: 2 })).toBeUndefined();
  });

  it.each<[string, string, Mapping, Array<[string, string]>]>([
    ['missing url', 'webhook_configs', {}, [['receivers.0.webhook_configs.0', 'missing url (one of url or url_file must be set)']]],
    ['a relative url', 'webhook_configs', { url: '/hook' }, [['receivers.0.webhook_configs.0.url', 'must be an absolute URL (http:// or https://)']]],
    ['an ftp url', 'webhook_configs', { url: 'ftp://example.com/x' }, [['receivers.0.webhook_configs.0.url', 'must be an http:// or https:// URL, got ftp:']]],
    ['url and url_file', 'webhook_configs', { url: 'http://a.example/x', url_file: '/s' }, [['receivers.0.webhook_configs.0.url_file', 'at most one of url and url_file may be set']]],
    ['an unknown key', 'webhook_configs', { url: 'http://a.example/x', urll: 'x' }, [['receivers.0.webhook_configs.0.urll', expect.stringContaining('unknown field')]]],
    ['a bad payload', 'webhook_configs', { url: 'http://a.example/x', payload: 'json' }, [['receivers.0.webhook_configs.0.payload', 'must be alertmanager or sre-monitor']]],
    ['negative max_alerts', 'webhook_configs', { url: 'http://a.example/x', max_alerts: -1 }, [['receivers.0.webhook_configs.0.max_alerts', 'must be a whole number >= 0']]],
    ['a bad send_resolved', 'webhook_configs', { url: 'http://a.example/x', send_resolved: 'maybe' }, [['receivers.0.webhook_configs.0.send_resolved', 'must be true or false, got the value "maybe"']]],
    ['unsupported oauth2 parts', 'webhook_configs', { url: 'http://a.example/x', http_config: { oauth2: { client_id: 'a', client_secret: 'b', token_url: 'http://a.example/t', proxy_url: 'http://p.example' }, follow_redirects: true } }, [['receivers.0.webhook_configs.0.http_config.oauth2.proxy_url', 'not supported by sre-monitor yet']]],
    ['a bad tls_config', 'webhook_configs', { url: 'http://a.example/x', http_config: { tls_config: { min_version: 'SSL3' } } }, [['receivers.0.webhook_configs.0.http_config.tls_config.min_version', expect.stringContaining('must be one of TLS10')]]],
    ['two auth methods', 'webhook_configs', { url: 'http://a.example/x', http_config: { bearer_token: 't', basic_auth: { username: 'u' } } }, [['receivers.0.webhook_configs.0.http_config', 'at most one of authorization, basic_auth, bearer_token and oauth2 may be set (got basic_auth, bearer_token)']]],
    ['slack without api_url', 'slack_configs', { channel: '#x' }, [['receivers.0.slack_configs.0', 'missing api_url (one of api_url or api_url_file must be set)']]],
    ['pagerduty without a key', 'pagerduty_configs', {}, [['receivers.0.pagerduty_configs.0', 'missing routing_key (Events API v2) or service_key (Events API v1); each may also be given as a *_file']]],
    ['pagerduty service_key and service_key_file', 'pagerduty_configs', { service_key: 'x', service_key_file: '/s' }, [['receivers.0.pagerduty_configs.0.service_key_file', 'at most one of service_key and service_key_file may be set']]],
    ['email without smarthost', 'email_configs', { to: 'a@example.com', from: 'b@example.com' }, [['receivers.0.email_configs.0.smarthost', 'missing smarthost (host:port), here or as global.smtp_smarthost']]],
    ['email smarthost without port', 'email_configs', { to: 'a@example.com', from: 'b@example.com', smarthost: 'mail.example.com' }, [['receivers.0.email_configs.0.smarthost', 'must be host:port, got "mail.example.com"']]],
    ['email without to and from', 'email_configs', { smarthost: 'm:25' }, [['receivers.0.email_configs.0', 'missing to address'], ['receivers.0.email_configs.0', 'missing from address (here or as global.smtp_from)']]],
    ['teams without webhook_url', 'msteams_configs', { title: 'x' }, [['receivers.0.msteams_configs.0', 'missing webhook_url (one of webhook_url or webhook_url_file must be set)']]],
    ['discord with a bad url', 'discord_configs', { webhook_url: 'discord' }, [['receivers.0.discord_configs.0.webhook_url', 'must be an absolute URL (http:// or https://)']]],
    ['sms without url, from and to', 'sms_configs', {}, [['receivers.0.sms_configs.0', 'missing url (or account_sid, for Twilio)'], ['receivers.0.sms_configs.0', 'missing from (the sending number)'], ['receivers.0.sms_configs.0', 'missing to (one or more numbers)']]],
  ])('reports %s with its path', (_name, key, entry, expected) => {
    expect(problemsOf(key, entry)).toEqual(expected);
  });

  it('accepts Alertmanager keys it does not use (slack color, fields, actions)', () => {
    expect(problemsOf('slack_configs', { api_url: 'https://hooks.slack.example/x', color: 'danger', fields: [], actions: [] })).toEqual([]);
  });

  it('reports integrations sre-monitor does not implement at their key, under basePath', () => {
    const built = buildReceiverNotifiers(
      [receiver('ok', { webhook_configs: [{ url: 'http://a.example/x' }] }), receiver('ops', { googlechat_configs: [{ url: 'x' }], telegram_configs: [], webhook_configs: [{}] })],
      { ...options, basePath: ['alerting', 'receivers'] },
    );
    expect(built.problems).toEqual([
      { path: ['alerting', 'receivers', 1, 'googlechat_configs'], message: expect.stringContaining('googlechat_configs is not supported by sre-monitor yet') as unknown },
      { path: ['alerting', 'receivers', 1, 'webhook_configs', 0], message: 'missing url (one of url or url_file must be set)' },
    ]);
    expect(built.integrations.get('ok')).toHaveLength(1);
    expect(built.integrations.get('ops')).toEqual([]);
  });

  it('builds from a real alertmanager.yml read by readAlertmanagerConfig, sms_configs included', () => {
    const config = readAlertmanagerConfig({
      global: { slack_api_url: 'https://hooks.slack.example/T0/B0/x', smtp_smarthost: 'smtp.example.com:587', smtp_from: 'am@example.com' },
      route: { receiver: 'default' },
      receivers: [
        { name: 'default', slack_configs: [{ channel: '#alerts', send_resolved: true }], email_configs: [{ to: 'ops@example.com' }] },
        { name: 'phones', sms_configs: [{ account_sid: 'AC1', auth_token: 't', from: '+1', to: '+2' }] },
      ],
    });
    expect(config.problems).toEqual([]);
    const built = buildReceiverNotifiers(config.config?.receivers ?? [], { ...options, global: config.config?.global ?? {} });
    expect(built.problems).toEqual([]);
    expect(built.integrations.get('default')?.map((integration) => [integration.ref.key, integration.sendResolved])).toEqual([
      ['slack_configs', true],
      ['email_configs', false],
    ]);
    expect(built.integrations.get('phones')).toHaveLength(1);
  });
});

describe('global.http_config', () => {
  it('is the default authentication of integrations without their own, and is checked once at global', async () => {
    const requests: Array<string | null> = [];
    const recordingFetch: typeof fetch = (_input, init) => {
      requests.push(new Headers(init?.headers).get('authorization'));
      return Promise.resolve(new Response('', { status: 200 }));
    };
    const built = buildReceiverNotifiers(
      [receiver('r', { webhook_configs: [{ url: 'http://127.0.0.1:1/a' }, { url: 'http://127.0.0.1:1/b', http_config: { bearer_token: 'own' } }] })],
      { ...options, fetch: recordingFetch, global: { http_config: { bearer_token: 'global-token' } }, basePath: ['alerting', 'receivers'] },
    );
    expect(built.problems).toEqual([]);
    for (const integration of built.integrations.get('r') ?? []) {
      await integration.notifier.send({ ...baseNotification(), integration: integration.ref }, { signal: new AbortController().signal });
    }
    expect(requests).toEqual(['Bearer global-token', 'Bearer own']);
    const bad = buildReceiverNotifiers([receiver('r', { webhook_configs: [{ url: 'http://127.0.0.1:1/a' }] })], { ...options, global: { http_config: { oauth2: { client_id: 'x', client_secret: 'y' } } }, basePath: ['alerting', 'receivers'] });
    expect(bad.problems).toEqual([{ path: ['alerting', 'global', 'http_config', 'oauth2'], message: 'oauth2 needs a token_url' }]);
  });
});
