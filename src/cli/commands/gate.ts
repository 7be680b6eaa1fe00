/**
 * `sre-monitor gate --service NAME --url URL`: the release gate for CI/CD pipelines. Asks a
 * running sre-monitor (`GET /api/v1/gate`), prints the answer, and exits 0 when releases are
 * allowed, 1 when an SLO of the service is frozen or out of budget, 3 when the server could not
 * answer (so a pipeline can tell "blocked" from "broken").
 */
import { Command, Option } from 'commander';

interface GateAnswer {
  allow: boolean;
  policy: string;
  reasons: string[];
  budgets: Array<{ slo: string; policy: string; remaining_ratio: number | null }>;
}

export function gateCommand(): Command {
  return new Command('gate')
    .description('exit 0 if releases of a service are allowed by its SLO budgets, 1 if not (3: no answer)')
    .requiredOption('--service <name>', 'service to ask about')
    .addOption(new Option('--url <url>', 'sre-monitor base URL').default('http://127.0.0.1:8080').env('SRE_MONITOR_URL'))
    .addOption(new Option('--token <token>', 'API token (viewer is enough)').env('SRE_MONITOR_TOKEN'))
    .option('--timeout <ms>', 'give up after this many milliseconds', '10000')
    .action(async (options: { service: string; url: string; token?: string; timeout: string }) => {
      const url = new URL('/api/v1/gate', options.url);
      url.searchParams.set('service', options.service);
      let answer: GateAnswer;
      try {
        const response = await fetch(url, {
          headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
          signal: AbortSignal.timeout(Number(options.timeout) || 10_000),
        });
        if (!response.ok) throw new Error(`${url.origin} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
        answer = (await response.json()) as GateAnswer;
      } catch (error) {
        process.stderr.write(`gate: no answer: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 3;
        return;
      }
      const budgets = answer.budgets.map((b) => `  ${b.slo}: ${b.policy}, ${b.remaining_ratio === null ? 'no data' : `${(b.remaining_ratio * 100).toFixed(1)}% budget left`}`);
      process.stdout.write([`${answer.allow ? 'allow' : 'block'}: service ${options.service}, policy ${answer.policy}`, ...answer.reasons.map((r) => `  ${r}`), ...budgets, ''].join('\n'));
      process.exitCode = answer.allow ? 0 : 1;
    });
}
