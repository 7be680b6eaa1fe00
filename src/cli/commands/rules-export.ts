/**
 * `sre-monitor rules export --config FILE [--out DIR]`: Prometheus recording and alerting rules
 * (Sloth-style, one group per SLO) for the SLOs with a Prometheus SLI, so teams that keep
 * Prometheus can alert there. Without --out one rules file goes to stdout; with --out one file
 * per SLO, `DIR/<slo>.rules.yaml`. SLOs that cannot be exported are named on stderr with the
 * reason (exit 0); a config with problems exits 2, as `validate` does.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { configOption } from '../config-option.js';
import { reportCliError } from '../report-error.js';
import { exportPrometheusRules, rulesFileText } from '../rules-export/export-rules.js';

interface ExportFlags {
  config: string;
  out?: string;
}

export function rulesCommand(): Command {
  return new Command('rules').description('Prometheus rules for the configured SLOs').addCommand(exportCommand());
}

function exportCommand(): Command {
  return new Command('export')
    .description('print Prometheus recording and alerting rules (one group per SLO) for the SLOs with a prometheus SLI')
    .addOption(configOption())
    .option('-o, --out <dir>', 'write one rules file per SLO into this directory (created if missing) instead of printing one to stdout')
    .action(async (flags: ExportFlags) => {
      try {
        process.exitCode = await exportRules(flags);
      } catch (error) {
        process.exitCode = reportCliError(error);
      }
    });
}

async function exportRules(flags: ExportFlags): Promise<number> {
  const loaded = await loadConfig(flags.config);
  const exported = exportPrometheusRules(loaded.runtime.slos, loaded.runtime.services);
  for (const { slo, reason } of exported.skipped) process.stderr.write(`note: skipped SLO '${slo}': ${reason}\n`);
  if (exported.groups.length === 0) process.stderr.write('note: no SLO with a prometheus SLI to export\n');
  const source = path.basename(loaded.file);
  if (flags.out === undefined) {
    process.stdout.write(rulesFileText(exported.groups.map(({ group }) => group), source));
    return 0;
  }
  await mkdir(flags.out, { recursive: true });
  for (const { slo, group } of exported.groups) {
    const file = path.join(flags.out, `${slo}.rules.yaml`);
    await writeFile(file, rulesFileText([group], source));
    process.stderr.write(`wrote ${file}\n`);
  }
  return 0;
}
