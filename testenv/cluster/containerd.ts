// Owns the node's container runtime: Debian's containerd with a config, root, state dir and socket
// of its own under the environment's work dir (the CRI plugin set up for this machine kind), the
// CNI network its Pods join, and taking every container and shim down again.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive, startProcess, stopProcess, waitReady, type ManagedProcess } from '../processes.js';
import type { ClusterPlan } from './plan.js';
import { PATH_WITH_SBIN, run, which } from './run.js';

/** The CRI plugin's containerd namespace: where Pods' containers and images live. */
export const K8S_NAMESPACE = 'k8s.io';

export interface ContainerdPaths {
  root: string;
  state: string;
  socket: string;
  config: string;
  log: string;
  cniConfDir: string;
  /** host-local IPAM's allocation records (kept out of /var/lib/cni). */
  cniDataDir: string;
}

export function containerdPaths(workDir: string): ContainerdPaths {
  const base = path.join(workDir, 'containerd');
  return {
    root: path.join(base, 'root'),
    state: path.join(base, 'state'),
    socket: path.join(base, 'containerd.sock'),
    config: path.join(base, 'config.toml'),
    log: path.join(workDir, 'containerd.log'),
    cniConfDir: path.join(workDir, 'cni', 'net.d'),
    cniDataDir: path.join(workDir, 'cni', 'networks'),
  };
}

/** Debian's CNI plugins directory. */
export const CNI_BIN_DIR = '/usr/lib/cni';

/**
 * containerd's config. `restrict_oom_score_adj`: root here lacks CAP_SYS_RESOURCE, so no sandbox
 * may lower its OOM score; `SystemdCgroup = false`: cgroups are hybrid and managed as cgroupfs;
 * network namespaces live under the state dir so teardown finds them there.
 */
export function containerdConfig(paths: ContainerdPaths, sandboxImage: string, runcPath: string): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `version = 2
root = ${JSON.stringify(paths.root)}
state = ${JSON.stringify(paths.state)}
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${JSON.stringify(paths.socket)}

[ttrpc]
  address = ${JSON.stringify(`${paths.socket}.ttrpc`)}

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = ${JSON.stringify(path.join(paths.root, 'opt'))}

[${cri}]
  sandbox_image = ${JSON.stringify(sandboxImage)}
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  enable_selinux = false
  disable_apparmor = true
  max_container_log_line_size = 16384

[${cri}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

[${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[${cri}.containerd.runtimes.runc.options]
  SystemdCgroup = false
  BinaryName = ${JSON.stringify(runcPath)}

[${cri}.cni]
  bin_dir = ${JSON.stringify(CNI_BIN_DIR)}
  conf_dir = ${JSON.stringify(paths.cniConfDir)}
  max_conf_num = 1
`;
}

/**
 * The Pods' network: a bridge (the one the environment made, with the host address as gateway and
 * default route; a second default route from IPAM would fail with "file exists"), host-local
 * addresses from the Pod CIDR, portmap for hostPorts (the runtime adds loopback itself). No IP
 * masquerade: Pods talk to this host and to each other only.
 */
export function cniConfList(plan: ClusterPlan, dataDir: string): string {
  return JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: plan.cniNetwork,
      plugins: [
        {
          type: 'bridge',
          bridge: plan.bridge,
          isGateway: true,
          isDefaultGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir,
            ranges: [
              [
                {
                  subnet: plan.podCidr,
                  rangeStart: plan.podRangeStart,
                  rangeEnd: plan.podRangeEnd,
                  gateway: plan.hostAddress,
                },
              ],
            ],
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

/** Runs `ctr` against this containerd in the k8s.io namespace. */
export async function ctr(socket: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return run(which('ctr'), ['--address', socket, '--namespace', K8S_NAMESPACE, ...args], { timeoutMs });
}

export async function startContainerd(
  workDir: string,
  plan: ClusterPlan,
  sandboxImage: string,
): Promise<{ proc: ManagedProcess; paths: ContainerdPaths }> {
  const paths = containerdPaths(workDir);
  await mkdir(path.dirname(paths.config), { recursive: true });
  await mkdir(paths.cniConfDir, { recursive: true });
  await mkdir(paths.cniDataDir, { recursive: true });
  await writeFile(paths.config, containerdConfig(paths, sandboxImage, which('runc')));
  await writeFile(
    path.join(paths.cniConfDir, '10-tac-testenv.conflist'),
    cniConfList(plan, paths.cniDataDir),
  );
  // The shims containerd starts find runc and the CNI plugins on PATH.
  const env = { ...process.env, PATH: PATH_WITH_SBIN };
  const proc = startProcess('containerd', which('containerd'), ['--config', paths.config], paths.log, env);
  try {
    await waitReady(
      proc,
      async () => (await ctr(paths.socket, ['version'], 5000)).includes('Server:'),
      30_000,
    );
  } catch (err) {
    await stopProcess(proc.pid);
    throw err;
  }
  return { proc, paths };
}

/** PIDs of the runc shims of this containerd (from their bundle dirs under the state dir). */
export async function shimPids(state: string): Promise<number[]> {
  const tasks = path.join(state, 'io.containerd.runtime.v2.task');
  if (!existsSync(tasks)) return [];
  const pids: number[] = [];
  for (const ns of await readdir(tasks)) {
    for (const id of await readdir(path.join(tasks, ns)).catch(() => [] as string[])) {
      const file = path.join(tasks, ns, id, 'shim.pid');
      if (!existsSync(file)) continue;
      const pid = Number((await readFile(file, 'utf8')).trim());
      if (Number.isInteger(pid) && pid > 0) pids.push(pid);
    }
  }
  return [...new Set(pids)];
}

interface TaskRow {
  id: string;
  pid: number;
}

/** Tasks (running containers, sandboxes included) with their init PIDs. */
export async function listTasks(socket: string): Promise<TaskRow[]> {
  const out = await ctr(socket, ['tasks', 'ls']);
  return out
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 2 && f[0] !== '')
    .map((f) => ({ id: f[0] ?? '', pid: Number(f[1]) }));
}

/**
 * Kills and deletes every task and container of the k8s.io namespace, through containerd (which
 * also unmounts their root filesystems and lets their shims exit). containerd must be running.
 */
export async function removeAllContainers(socket: string): Promise<void> {
  for (const task of await listTasks(socket)) {
    try {
      await ctr(socket, ['tasks', 'kill', '--all', '--signal', 'SIGKILL', task.id]);
    } catch (err) {
      // A task that ended meanwhile cannot be killed; `tasks delete --force` below handles it.
      if (!/not found|already finished|process already/i.test(String(err))) throw err;
    }
  }
  for (const task of await listTasks(socket)) {
    await ctr(socket, ['tasks', 'delete', '--force', task.id]);
  }
  const containers = (await ctr(socket, ['containers', 'ls', '--quiet'])).split('\n').filter((l) => l !== '');
  for (const id of containers) await ctr(socket, ['containers', 'delete', id]);
}

/** Stops containerd, then any shim still running, each by its own PID. */
export async function stopContainerd(pid: number, state: string): Promise<void> {
  const shims = await shimPids(state);
  await stopProcess(pid);
  for (const shim of shims) if (isAlive(shim)) await stopProcess(shim, 2000);
}
