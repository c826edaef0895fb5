// Owns the throwaway PKI of a local environment: a CA, the API server's serving certificate (for
// 127.0.0.1/localhost, plus the addresses Pods use in the cluster tier), a client certificate the
// API server shows kubelets, and the service-account signing key pair. Made with the openssl CLI.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pki {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  saKey: string;
  saPub: string;
  /** Client certificate (group system:masters) the API server presents to kubelets. */
  kubeletClientCert: string;
  kubeletClientKey: string;
}

export interface PkiOptions {
  /** IP addresses the serving certificate names besides 127.0.0.1. */
  extraIps?: string[];
  /** DNS names the serving certificate names besides localhost. */
  extraDnsNames?: string[];
}

async function openssl(dir: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd: dir });
  } catch (err) {
    throw new Error(`openssl ${args[0] ?? ''} failed`, { cause: err });
  }
}

/** Writes the PKI files into `dir` and returns their paths. */
export async function makePki(dir: string, options: PkiOptions = {}): Promise<Pki> {
  const p = (name: string): string => path.join(dir, name);
  await openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '7',
    '-subj',
    '/CN=tac-testenv-ca',
  ]);
  await writeFile(
    p('serving.ext'),
    `subjectAltName=${subjectAltNames(options)}\nextendedKeyUsage=serverAuth\n`,
  );
  await openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'serving.key',
    '-out',
    'serving.csr',
    '-subj',
    '/CN=127.0.0.1',
  ]);
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    'serving.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'serving.crt',
    '-days',
    '7',
    '-extfile',
    'serving.ext',
  ]);
  await openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  await openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
  await writeFile(p('client.ext'), 'extendedKeyUsage=clientAuth\n');
  await openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'kubelet-client.key',
    '-out',
    'kubelet-client.csr',
    '-subj',
    '/O=system:masters/CN=kube-apiserver-kubelet-client',
  ]);
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    'kubelet-client.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'kubelet-client.crt',
    '-days',
    '7',
    '-extfile',
    'client.ext',
  ]);
  return {
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    servingCert: p('serving.crt'),
    servingKey: p('serving.key'),
    saKey: p('sa.key'),
    saPub: p('sa.pub'),
    kubeletClientCert: p('kubelet-client.crt'),
    kubeletClientKey: p('kubelet-client.key'),
  };
}

/** The serving certificate's subjectAltName value: loopback first, then the extra names. */
export function subjectAltNames(options: PkiOptions): string {
  const ips = ['127.0.0.1', ...(options.extraIps ?? [])];
  const names = ['localhost', ...(options.extraDnsNames ?? [])];
  return [...ips.map((ip) => `IP:${ip}`), ...names.map((n) => `DNS:${n}`)].join(',');
}
