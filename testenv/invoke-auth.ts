// Owns the workflow-client token of locally started programs (tests, demo, benchmarks, chaos): a
// fresh random token in a file, and the environment that gives it to the workflow client and makes
// the operator call that client (on 127.0.0.1) and send it the token there only.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface InvokeAuth {
  /** The token itself (for tests that call /invoke directly). */
  token: string;
  tokenFile: string;
  /** Environment of the workflow client: the token it requires. */
  clientEnv: Record<string, string>;
  /** Environment of the operator: the workflow client on 127.0.0.1 is its own, and gets the token. */
  operatorEnv: Record<string, string>;
}

/** Writes a fresh token (mode 0600) into `dir` and returns the programs' environment for it. */
export async function writeInvokeAuth(dir: string): Promise<InvokeAuth> {
  await mkdir(dir, { recursive: true });
  const token = randomBytes(24).toString('hex');
  const tokenFile = path.join(dir, `invoke-token-${randomBytes(4).toString('hex')}`);
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  return {
    token,
    tokenFile,
    clientEnv: { TAC_CLIENT_TOKEN_FILE: tokenFile },
    operatorEnv: { TAC_OWN_CLIENT_ENDPOINTS: '127.0.0.1', TAC_INVOKE_TOKEN_FILE: tokenFile },
  };
}
