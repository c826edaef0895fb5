// Bundles the operator and the workflow client into one ES module each (dist/bundle/*.mjs) with
// esbuild. A bundle loads a fraction of @kubernetes/client-node's thousands of module files, which
// is most of an idle operator's memory; the container images run the bundles. The worker is not
// bundled: the Temporal SDK bundles its workflows itself and loads a native core.
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Entry → output name under dist/bundle/. Two levels below the root, like dist/<program>/, so the
 * programs find crds/ and docs/ at the same relative paths. */
export const BUNDLES: Record<string, string> = {
  'operator/main.ts': 'operator.mjs',
  'client/main.ts': 'workflow-client.mjs',
};

/** Folder under dist/bundle/ with the etcd3 client's .proto files (the image copies it). */
export const ETCD3_PROTO_DIR = 'etcd3-proto';

const etcd3Dir = path.join(root, 'node_modules', 'etcd3');

/** etcd3 loads `${__dirname}/../proto/rpc.proto` when its connection pool module is evaluated;
 * in the bundle that module's __dirname would be undefined, so the path is rewritten to the
 * protos copied beside the bundle. Fails the build if the library's code no longer matches. */
const etcd3Protos: Plugin = {
  name: 'etcd3-protos',
  setup(b) {
    b.onLoad({ filter: /[\\/]etcd3[\\/]lib[\\/]connection-pool\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const needle = '`${__dirname}/../proto/rpc.proto`';
      if (!source.includes(needle))
        throw new Error(`etcd3 no longer loads ${needle}; update scripts/bundle.ts`);
      // __tacBundleDir comes from the banner (import.meta here would make esbuild treat this
      // CommonJS file as an ES module).
      const replacement = `require('node:path').join(__tacBundleDir, '${ETCD3_PROTO_DIR}', 'rpc.proto')`;
      return { contents: source.replace(needle, replacement), loader: 'js' };
    });
  },
};

async function copyEtcd3Protos(outDir: string): Promise<void> {
  const target = path.join(outDir, ETCD3_PROTO_DIR);
  await mkdir(target, { recursive: true });
  for (const file of await readdir(path.join(etcd3Dir, 'proto')))
    if (file.endsWith('.proto')) await copyFile(path.join(etcd3Dir, 'proto', file), path.join(target, file));
}

/**
 * The bundle with every character outside tab…tilde (every non-ASCII one) written as a `\\uXXXX` escape. esbuild already escapes
 * them in code (its default ASCII charset) but keeps the comments it preserves as they are; one
 * non-ASCII character anywhere makes V8 hold the whole module source (kept for lazy compilation)
 * as a two-byte string, twice the memory of the one-byte string an ASCII source gets.
 */
export function asciiOnly(source: string): string {
  return source.replace(/[^\t-~]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

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
      // etcd3 reads its .proto files at load time: they are copied beside the bundle.
      plugins: [etcd3Protos],
      // CommonJS dependencies call require(); give the ES module one, and the bundle's folder.
      banner: {
        js: [
          "import { createRequire as __tacCreateRequire } from 'node:module';",
          "import { fileURLToPath as __tacFileURLToPath } from 'node:url';",
          'const require = __tacCreateRequire(import.meta.url);',
          "const __tacBundleDir = __tacFileURLToPath(new URL('.', import.meta.url));",
        ].join(' '),
      },
    });
    // Escapes mean the same characters in strings, templates, regular expressions and identifiers,
    // and nothing in comments: the program is unchanged.
    const source = await readFile(outfile, 'utf8');
    const ascii = asciiOnly(source);
    if (ascii !== source) await writeFile(outfile, ascii);
    outputs.push(outfile);
  }
  await copyEtcd3Protos(outDir);
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
