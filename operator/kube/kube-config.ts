// Owns the operator's KubeConfig tuning: @kubernetes/client-node 1.4.0 builds a new https.Agent for
// every request, so every API call paid a TCP connect and a full TLS handshake, and native memory
// grew with the number of calls. Here agents are kept-alive and shared per (server, credentials).
import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

type AgentFactory = (cluster: unknown, options: Record<string, unknown>) => Agent;

function fingerprint(value: unknown): string {
  if (value === undefined || value === null) return '';
  const bytes = Buffer.isBuffer(value)
    ? value
    : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/**
 * Makes every API client built from `kc` share keep-alive agents. The agent is chosen by the
 * cluster's server and proxy and by the TLS material (so rotated certificates get a new agent).
 * Returns the same KubeConfig.
 */
export function withKeepAliveAgents(kc: KubeConfig): KubeConfig {
  const target = kc as unknown as { createAgent: AgentFactory };
  const original = target.createAgent.bind(kc);
  const agents = new Map<string, Agent>();
  target.createAgent = (cluster, options) => {
    const c = (cluster ?? {}) as { server?: string; proxyUrl?: string };
    const key = [
      c.server,
      c.proxyUrl,
      fingerprint(options.ca),
      fingerprint(options.cert),
      fingerprint(options.key),
      fingerprint(options.pfx),
      String(options.rejectUnauthorized),
      String(options.servername),
    ].join('|');
    let agent = agents.get(key);
    if (agent === undefined) {
      agent = original(cluster, { ...options, keepAlive: true });
      agents.set(key, agent);
    }
    return agent;
  };
  return kc;
}
