/**
 * The `runbooks:` section: the built-in runbooks (seed 000's five cases) on or off, folders of
 * Markdown runbooks with YAML front matter, runbooks written inline, and the allow-list of local
 * programs `command` steps may run (empty by default: no command runs). The runbook documents
 * themselves are typed loosely here and checked by src/core/runbooks/runbook-document.ts, which
 * names the field of every problem (`runbooks.items[0].steps[2].http.url`).
 */
import Type from 'typebox';

export const RunbooksSection = Type.Object(
  {
    builtin: Type.Boolean({ default: true, description: 'Load the built-in runbooks: service-outage, performance-degradation, database-issues, api-failures, security-incident (see docs/runbooks.md).' }),
    dirs: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Folders (relative to this file) of Markdown runbooks (`*.md`): YAML front matter holds name, match rules and steps; the body is the description shown to responders. A runbook named like a built-in one replaces it.',
    }),
    items: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
      default: [],
      description: 'Runbooks written here, in the front-matter shape (name, title, description, estimated, match, steps); see docs/runbooks.md.',
    }),
    allow_commands: Type.Array(Type.String({ pattern: '^/', minLength: 2 }), {
      default: [],
      description: 'Absolute paths of programs `command` steps may run (matched exactly, run without a shell). Empty: no command step may run, and a runbook with one is refused when started.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Runbooks for incidents; see docs/runbooks.md.' },
);
