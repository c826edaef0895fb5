// `npm run bench:scale-out -- [--steps=1000,10000,100000] [--namespaces=100] [--concurrency=32]
// [--reuse-env[=FILE]] [--tsx]`: runs the scale-out scenario alone (the full benchmark runs it at
// the end) at the sizes given, writes bench/results/scale-out-<time>.json (and scale-out-latest.json) and
// bench/figures/scale-out-growth.svg. Smaller steps than the full run's are for trying it out or
// for a machine that cannot hold 100,000 intents; the result states the sizes it measured.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV_FILE } from '../testenv/env.js';
import { imageLauncher, tsxLauncher } from './build.js';
import { evaluate } from './result.js';
import { scaleOut, type ScaleOutPlan } from './scenarios/scale-out.js';
import { FULL } from './sizes.js';
import { startStack } from './stack.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const t0 = Date.now();
function log(message: string): void {
  process.stderr.write(`${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s ${message}\n`);
}

function value(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const full = FULL.scaleOut;
  if (full === undefined) throw new Error('the full sizes define no scale-out plan');
  const steps = value('steps')?.split(',').map(Number) ?? full.steps;
  if (steps.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`bad --steps ${value('steps')}`);
  const plan: ScaleOutPlan = {
    ...full,
    steps,
    namespaces: Number(value('namespaces') ?? full.namespaces),
    createConcurrency: Number(value('concurrency') ?? full.createConcurrency),
  };
  const reuse = process.argv.includes('--reuse-env') ? ENV_FILE : value('reuse-env');
  const launcher = process.argv.includes('--tsx') ? tsxLauncher() : await imageLauncher(log);
  const loadAverageAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
  log(`[bench] scale-out alone: ${plan.steps.join(' → ')} intents over ${plan.namespaces} namespaces`);
  const stack = await startStack({
    launcher,
    log,
    ...(reuse !== undefined ? { reuseEnvFile: path.resolve(reuse) } : {}),
  });
  const startedAt = new Date();
  try {
    const figures = path.join(here, 'figures');
    await mkdir(figures, { recursive: true });
    const { samples, steps: measured } = await scaleOut({ stack, sizes: FULL, log }, plan, figures);
    const results = samples.map(evaluate);
    for (const r of results)
      log(`[bench] ${r.id}: ${r.measured?.median ?? '—'} ${r.unit} → ${r.status} (${r.target.text})`);
    const out = path.join(
      here,
      'results',
      `scale-out-${startedAt
        .toISOString()
        .replace(/:/g, '-')
        .replace(/\.\d+Z$/, 'Z')}.json`,
    );
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(
      out,
      JSON.stringify(
        {
          startedAt: startedAt.toISOString(),
          loadAverageAtStart,
          cpus: os.cpus().length,
          plan,
          steps: measured,
          scenarios: results,
        },
        null,
        2,
      ) + '\n',
    );
    const latest = path.join(here, 'results', 'scale-out-latest.json');
    await copyFile(out, latest);
    log(`[bench] wrote ${out}, ${latest} and ${path.join(figures, 'scale-out-growth.svg')}`);
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  log(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
