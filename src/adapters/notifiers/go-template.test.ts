import { describe, expect, it } from 'vitest';
import { renderGoTemplate } from './go-template.js';
import { baseAlert, baseNotification, resolvedAlert } from './notifier-builders.contract.js';
import { templateData } from './template-rendering.js';

const data = templateData(baseNotification({ alerts: [baseAlert(), resolvedAlert({ labels: { alertname: 'HighLatency', instance: 'api-2:9100' } })] }));

describe('renderGoTemplate (Alertmanager template subset)', () => {
  it.each([
    ['plain text', 'plain text'],
    ['{{ .Status }}', 'firing'],
    ['{{ .CommonLabels.alertname }}', 'HighLatency'],
    ['{{ .CommonLabels.missing }}|', '|'],
    ['{{ .Status | toUpper }}', 'FIRING'],
    ['{{ .Alerts | len }} / {{ len .Alerts.Firing }} / {{ .Alerts.Resolved | len }}', '2 / 1 / 1'],
    ['{{ range .Alerts }}{{ .Labels.instance }};{{ end }}', 'api-1:9100;api-2:9100;'],
    ['{{ range .Alerts.Firing }}{{ .Annotations.summary }}{{ end }}', 'p99 latency above 500 ms'],
    ['{{ if eq .Status "firing" }}F{{ else }}R{{ end }}', 'F'],
    ['{{ if eq .Status "resolved" }}R{{ else if .Acknowledged }}A{{ else }}F{{ end }}', 'F'],
    ['{{ with .CommonLabels.severity }}sev={{ . }}{{ end }}', 'sev=critical'],
    ['{{ with .CommonLabels.nothing }}x{{ else }}none{{ end }}', 'none'],
    ['{{ .GroupLabels.SortedPairs.Values | join " " }}', 'HighLatency'],
    ['{{ .CommonLabels.Names | join "," }}', 'alertname,instance,service,severity'],
    ['{{ index .CommonLabels "service" }}', 'checkout'],
    ['{{ title "checkout api" }}', 'Checkout Api'],
    ['{{ reReplaceAll "(.+):(\\\\d+)" "$1" .CommonLabels.instance }}', 'api-1'],
    ['{{ if match "^api-[[:digit:]]" .CommonLabels.instance }}yes{{ end }}', 'yes'],
    ['{{ printf "%s=%d" "n" 3 }}', 'n=3'],
    ['a  {{- " b " -}}  c', 'a b c'],
    ['{{/* a comment */}}x', 'x'],
    ['{{ template "slack.default.title" . }}', '[FIRING:1] HighLatency (api-1:9100 checkout critical)'],
    ['{{ (index .Alerts 0).Labels.instance }}', 'api-1:9100'],
    ['{{ $.ExternalURL }}{{ range .Alerts }}{{ $.Receiver }}{{ end }}', 'https://sre.example.comteam-checkoutteam-checkout'],
    ['{{ range .Alerts.Firing }}{{ .AckURL }}{{ end }}', 'https://sre.example.com/ack/abc.def'],
    ['{{ range $name, $value := .GroupLabels }}{{ $name }}={{ $value }}{{ end }}', 'alertname=HighLatency'],
    ['{{ range $i, $a := .Alerts }}{{ $i }}:{{ $a.Status }} {{ end }}', '0:firing 1:resolved '],
    ['{{ range $a := .Alerts.Firing }}{{ $a.Labels.instance }}{{ end }}', 'api-1:9100'],
    ['{{ $first := index .Alerts 0 }}{{ $first.Labels.instance }}', 'api-1:9100'],
    ['{{ with $s := .CommonLabels.severity }}{{ $s }}{{ end }}', 'critical'],
    ['{{ range .Alerts }}{{ range .Labels.SortedPairs }}{{ .Name }}={{ .Value }},{{ end }};{{ end }}', 'alertname=HighLatency,instance=api-1:9100,service=checkout,severity=critical,;alertname=HighLatency,instance=api-2:9100,;'],
  ])('%s -> %j', (source, expected) => {
    const named = (name: string) => (name === 'slack.default.title' ? '[FIRING:1] HighLatency (api-1:9100 checkout critical)' : undefined);
    expect(renderGoTemplate(source, data, named)).toBe(expected);
  });

  it.each([
    ['{{ .Status', 'unclosed action'],
    ['{{ if .Status }}x', 'missing {{end}}'],
    ['{{ end }}', 'unexpected {{end}}'],
    ['{{ nosuch .Status }}', 'function "nosuch" not defined'],
    ['{{ $x = 1 }}', 'unexpected'],
    ['{{ match "(" "x" }}', 'bad regular expression'],
    ['{{ if .Status }}{{ $x := 1 }}{{ end }}{{ $x }}', 'undefined variable $x'],
    ['{{ .Status.Foo }}', "can't evaluate field Foo"],
    ['{{ template "custom.title" . }}', 'template "custom.title" not defined'],
    ['{{ define "x" }}{{ end }}', 'not supported'],
    ['{{ .StartsAt.Format "2006" }}', 'methods are not supported'],
  ])('%s throws %j', (source, message) => {
    expect(() => renderGoTemplate(source, data)).toThrow(message);
  });
});
