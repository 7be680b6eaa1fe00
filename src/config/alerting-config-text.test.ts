import { describe, expect, it } from 'vitest';
import { useTempTrees } from '../../test/support/temp-tree.js';
import { alertingConfigText } from './alerting-config-text.js';
import { loadConfig } from './load-config.js';

const writeTree = useTempTrees('sre-alerting-text-');

describe('the alerting config shown by /api/v2/status', () => {
  it('masks every credential and keeps the routing readable', async () => {
    const cwd = await writeTree({
      'main.yaml': [
        'alerting:',
        '  external_url: https://sre.example.com',
        '  ack_links: { secret: ack-secret-0123456789-0123456789-0123 }',
        '  route: { receiver: team, group_by: [service] }',
        '  receivers:',
        '    - name: team',
        '      webhook_configs: [{ url: "https://hooks.example.com/T0/B0/xyz", signing_secret: s3cret-signing }]',
        '      discord_configs:',
        '        - webhook_url: "https://discord.example.com/api/webhooks/1/d1sc0rd"',
        '          http_config:',
        '            oauth2: { client_id: sre, client_secret: 0auth-s3cret, token_url: "https://idp.example.com/token" }',
        '            http_headers: { X-Api-Key: { secrets: [h3ader-s3cret], values: [plain-value] } }',
        '      slack_configs: [{ api_url: "https://hooks.slack.com/services/T/B/C", channel: "#ops" }]',
        '      pagerduty_configs: [{ routing_key: 0123456789abcdef }]',
        '      email_configs: [{ to: a@example.com, from: sre@example.com, smarthost: "mail:587", auth_username: u, auth_password: hunter2 }]',
        '',
      ].join('\n'),
    });
    const loaded = await loadConfig('main.yaml', { cwd, env: {} });
    const text = alertingConfigText(loaded.raw);
    for (const secret of ['xyz', 's3cret-signing', 'hooks.slack.com', '0123456789abcdef', 'hunter2', 'ack-secret', 'd1sc0rd', '0auth-s3cret', 'h3ader-s3cret']) expect(text).not.toContain(secret);
    expect(text).toContain('plain-value');
    expect(text).toContain('external_url: https://sre.example.com');
    expect(text).toContain('channel: "#ops"');
    expect(text).toContain('group_by:');
    expect(text).toContain('<secret>');
  });
});
