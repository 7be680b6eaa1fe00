import { describe, expect, it } from 'vitest';
import { compileScopedTemplate, goSprintf, renderTemplate, templateProblem, type TemplateData } from './template.js';

const data: TemplateData = {
  labels: { monitor: 'checkout-http', service: 'checkout', 'odd-name': 'x' },
  value: 1234.5678,
  externalLabels: { cluster: 'eu-1' },
  externalUrl: 'http://sre.example:8080',
};

describe('templates', () => {
  it.each([
    ['plain text', 'plain text'],
    ['{{ $labels.monitor }} is down', 'checkout-http is down'],
    ['{{ .Labels.service }}', 'checkout'],
    ['{{ $value }}', '1234.5678'],
    ['{{ .Value }}', '1234.5678'],
    ['{{ humanize $value }}', '1.235k'],
    ['{{ $value | humanize }}', '1.235k'],
    ['{{ .Value | humanizeDuration }}', '20m 34s'],
    ['{{ printf "%.2f" $value }} ms', '1234.57 ms'],
    ['{{ $value | printf "%.1f" }}', '1234.6'],
    ['[{{ $labels.missing }}]', '[]'],
    ['[{{ .Labels.missing }}]', '[]'],
    // What Prometheus 2.42 rendered for the same annotation (checked against the Debian package):
    ['{{ $value }} {{ humanize 1234567 }} {{ $labels.missing }} {{ 1234567.0 }} {{ humanizeDuration 3661 }} {{ printf "%.2f" 0.125 }}', '1234.5678 1.235M  1.234567e+06 1h 1m 1s 0.12'],
    ['{{ index $labels "odd-name" }}', 'x'],
    ['{{ $externalLabels.cluster }}', 'eu-1'],
    ['{{ .ExternalLabels.cluster }}', 'eu-1'],
    ['{{ $externalURL }}/alerts', 'http://sre.example:8080/alerts'],
    ['{{ $labels.service | toUpper }}', 'CHECKOUT'],
    ['{{ title "hello world" }}', 'Hello World'],
    ['a  {{- $labels.service -}}  b', 'acheckoutb'],
    ['a{{/* a comment */}}b', 'ab'],
    ['{{ humanizePercentage (printf "%f" 0.5) }}', '50%'],
    ['{{ "quoted }} text" }}', 'quoted }} text'],
  ])('%s renders as %s', (source, text) => {
    expect(renderTemplate(source, data)).toEqual({ text, error: null });
  });

  it.each([
    ['{{ $labels.monitor ', 'unclosed action'],
    ['{{ if $value }}x{{ end }}', 'is not supported'],
    ['{{ $foo }}', 'undefined variable "$foo"'],
    ['{{ nosuch $value }}', 'function "nosuch" not defined'],
    ['{{ }}', 'empty action'],
    ['{{ $x := 1 }}', 'variable declarations'],
    ['{{ .Nope }}', "can't evaluate field Nope"],
  ])('%s does not compile: %s', (source, message) => {
    expect(templateProblem(source)).toContain(message);
    const result = renderTemplate(source, data);
    expect(result.text).toBe(source);
    expect(result.error).toContain(message);
  });

  it('a failure while rendering keeps the raw text and says why', () => {
    const result = renderTemplate('{{ humanize $labels.monitor }}', data);
    expect(result.text).toBe('{{ humanize $labels.monitor }}');
    expect(result.error).toContain(`can't convert "checkout-http" to a number`);
  });

  it('humanize accepts numbers written as label values', () => {
    expect(renderTemplate('{{ humanize $labels.bytes }}', { labels: { bytes: '2048' }, value: 0 }).text).toBe('2.048k');
  });
});

describe('printf', () => {
  it.each([
    ['%s/%s', ['a', 'b'], 'a/b'],
    ['%d%%', [42], '42%'],
    ['%5.1f|', [3.14159], '  3.1|'],
    ['%q', ['x'], '"x"'],
    ['%s', [], '%!s(MISSING)'],
    ['%d', [1.5], '%!d(float64=1.5)'],
    ['x', [1], 'x%!(EXTRA 1)'],
  ] as const)('%s with %j is %s', (format, args, text) => {
    expect(goSprintf(format, args)).toBe(text);
  });
});

describe('compileScopedTemplate', () => {
  const scope = { variables: ['incident', 'labels'], dotRoots: { Incident: 'incident', Labels: 'labels' } };

  it('renders its own variables and lists every reference', () => {
    const compiled = compileScopedTemplate('{{ $incident.id }} {{ .Labels.team | toUpper }} {{ .Incident.title }}', scope);
    expect(compiled.references).toEqual([
      { variable: 'incident', fields: ['id'] },
      { variable: 'labels', fields: ['team'] },
      { variable: 'incident', fields: ['title'] },
    ]);
    expect(compiled.render({ incident: { id: 'INC-1', title: 'Down' }, labels: { team: 'db' } })).toEqual({ text: 'INC-1 DB Down', error: null });
  });

  it.each([
    ['{{ $labelz.a }}', 'undefined variable "$labelz" (use $incident or $labels)'],
    ['{{ .Value }}', "can't evaluate field Value (use .Incident or .Labels)"],
    ['{{ . }}', '{{ . }} is not supported; use .Incident or .Labels'],
  ])('rejects %s naming the scope', (source, message) => {
    expect(() => compileScopedTemplate(source, scope)).toThrow(message);
  });
});
