// Owns the smoke tests' containers: each image run the way the chart runs it (numeric user 1000,
// read-only root filesystem with only /tmp writable, no capabilities, no privilege escalation) on
// the host network so it reaches the test environment on 127.0.0.1; logs for failure messages;
// every container removed at the end, also when a test failed.
import { randomBytes } from 'node:crypto';
import { podman } from '../../scripts/images/podman.js';
import { lastLines } from '../../scripts/images/run.js';

export interface RunSpec {
  image: string;
  /** Environment of the container (the chart's variables plus test overrides). */
  env: Record<string, string>;
  /** Host file → container path, mounted read-only. */
  mounts?: Record<string, string>;
}

const started: string[] = [];

/** `podman run -d` with the chart's security settings; returns the container name. */
export async function runContainer(prefix: string, spec: RunSpec): Promise<string> {
  const name = `tac-images-${prefix}-${randomBytes(4).toString('hex')}`;
  started.push(name);
  await podman([
    'run',
    '--detach',
    '--name',
    name,
    '--user',
    '1000:1000',
    '--read-only',
    // Like the chart: nothing writable but an emptyDir at /tmp (podman would add /run and /var/tmp).
    '--read-only-tmpfs=false',
    '--tmpfs',
    '/tmp:rw,size=64m,mode=1777',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--network',
    'host',
    ...Object.entries(spec.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...Object.entries(spec.mounts ?? {}).flatMap(([host, inside]) => ['--volume', `${host}:${inside}:ro`]),
    spec.image,
  ]);
  return name;
}

/** The last lines of a container's output (stdout and stderr). */
export async function containerLogs(name: string, lines = 40): Promise<string> {
  try {
    const { stdout, stderr } = await podman(['logs', '--tail', String(lines), name]);
    return lastLines(`${stdout}\n${stderr}`, lines);
  } catch (err) {
    return `(no logs of ${name}: ${err instanceof Error ? err.message : String(err)})`;
  }
}

interface ContainerInspect {
  State: { Running: boolean; ExitCode: number };
  HostConfig: { ReadonlyRootfs: boolean };
  Config: { User: string };
}

export async function inspectContainer(name: string): Promise<ContainerInspect> {
  const { stdout } = await podman(['container', 'inspect', name]);
  const first = (JSON.parse(stdout) as ContainerInspect[])[0];
  if (first === undefined) throw new Error(`podman container inspect ${name} returned nothing`);
  return first;
}

/** Runs `node -e script` inside a running container as its user; resolves with stdout. */
export async function execNode(name: string, script: string): Promise<string> {
  const { stdout } = await podman(['exec', name, '/usr/local/bin/node', '-e', script]);
  return stdout;
}

/**
 * Awaits `fn`; when it throws, rethrows with the container's last log lines in the message (the
 * component that failed, and what it said).
 */
export async function withLogsOnFailure<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${reason}\n--- last lines of container ${name} ---\n${await containerLogs(name)}`, {
      cause: err,
    });
  }
}

/** Removes every container this run started (`podman rm -f`), running or not. */
export async function removeContainers(): Promise<void> {
  const names = started.splice(0);
  if (names.length === 0) return;
  await podman(['rm', '--force', '--ignore', '--time', '5', ...names]);
}
