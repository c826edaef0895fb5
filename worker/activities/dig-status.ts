// Owns the reading of EMCO's DIG status answer (`GET …/status?status=ready`) into a readiness
// verdict for a migration: is every migrated app running on the target cluster only, and ready.

export interface ClusterRef {
  clusterProvider: string;
  cluster: string;
}

export interface DigReadiness {
  /** Every migrated app is on the target cluster only and EMCO says it is ready. */
  ready: boolean;
  /** EMCO reports a failed lifecycle state: waiting longer will not help. */
  failed: boolean;
  deployedStatus: string;
  readyStatus: string;
  /** One line saying what is missing (or "ready"), for logs and the workflow's failure text. */
  detail: string;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function clusterName(ref: ClusterRef): string {
  return `${ref.clusterProvider}+${ref.cluster}`;
}

/**
 * Judges a status answer. `apps` are the migrated apps; when the answer lists apps, each must
 * appear with the target cluster as its only cluster (and that cluster ready when the answer
 * says). Without an app list, EMCO's overall `readyStatus` decides.
 */
export function evaluateDigStatus(
  status: unknown,
  apps: readonly string[],
  target: ClusterRef,
): DigReadiness {
  const doc = isObject(status) ? status : {};
  const deployedStatus = str(doc['deployedStatus']);
  const readyStatus = str(doc['readyStatus']);
  const verdict = (ready: boolean, failed: boolean, detail: string): DigReadiness => ({
    ready,
    failed,
    deployedStatus,
    readyStatus,
    detail,
  });

  if (/fail/i.test(deployedStatus)) return verdict(false, true, `deployedStatus is ${deployedStatus}`);
  if (readyStatus.toLowerCase() !== 'ready') {
    return verdict(false, false, `readyStatus is ${readyStatus === '' ? 'missing' : readyStatus}`);
  }
  const listed = doc['apps'];
  if (!Array.isArray(listed)) return verdict(true, false, 'ready');

  const want = clusterName(target);
  for (const app of apps) {
    const entry = listed.find((a): a is JsonObject => isObject(a) && a['name'] === app);
    if (entry === undefined) return verdict(false, false, `app ${app} is not in the status yet`);
    const clusters = Array.isArray(entry['clusters']) ? entry['clusters'].filter(isObject) : [];
    const names = clusters.map((c) =>
      clusterName({ clusterProvider: str(c['clusterProvider']), cluster: str(c['cluster']) }),
    );
    if (!names.includes(want)) return verdict(false, false, `app ${app} is not on ${want} yet`);
    const others = names.filter((n) => n !== want);
    if (others.length > 0) return verdict(false, false, `app ${app} is still on ${others.join(', ')}`);
    const onTarget = clusters[names.indexOf(want)];
    const clusterReady = str(onTarget?.['readyStatus']);
    if (clusterReady !== '' && clusterReady.toLowerCase() !== 'ready') {
      return verdict(false, false, `app ${app} on ${want} is ${clusterReady}`);
    }
  }
  return verdict(true, false, 'ready');
}
