// Bundles the operator and the workflow client into one ES module each (dist/bundle/*.mjs) with
// esbuild. A bundle loads a fraction of @kubernetes/client-node's thousands of module files, which
// is most of an idle operator's memory; the container images run the bundles. The worker is not
// bundled: the Temporal SDK bundles its workflows itself and loads a native core.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Entry → output name under dist/bundle/. Two levels below the root, like dist/<program>/, so the
 * programs find crds/ and docs/ at the same relative paths. */
export const BUNDLES: Record<string, string> = {
  'operator/main.ts': 'operator.mjs',
  'client/main.ts': 'workflow-client.mjs',
};

export async function bundle(outDir = path.join(root, 'dist', 'bundle')): Promise<string[]> {
  const outputs: string[] = [];
  for (const [entry, out] of Object.entries(BUNDLES)) {
    const outfile = path.join(outDir, out);
    await build({
      entryPoints: [path.join(root, entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: true,
      logLevel: 'warning',
      // etcd3 reads its .proto files next to its own module at load time, so it stays a package
      // (the images carry the production node_modules) and is imported only when gRPC is on.
      external: ['etcd3'],
      // CommonJS dependencies call require(); give the ES module one.
      banner: {
        js: "import { createRequire as __tacCreateRequire } from 'node:module'; const require = __tacCreateRequire(import.meta.url);",
      },
    });
    outputs.push(outfile);
  }
  return outputs;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  bundle().then(
    (files) => console.log(`bundled: ${files.map((f) => path.relative(root, f)).join(', ')}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
