// Owns the workflow-client token of one integration run: written once into the environment's work
// dir, required by the test workflow client (stack.ts) and sent by test operators to 127.0.0.1.
import { writeInvokeAuth, type InvokeAuth } from '../../testenv/invoke-auth.js';
import { testEnv } from './env.js';

let auth: Promise<InvokeAuth> | undefined;

export function testInvokeAuth(): Promise<InvokeAuth> {
  auth ??= writeInvokeAuth(testEnv().workDir);
  return auth;
}
