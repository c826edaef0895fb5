// Generates operator/grpc/contextupdate-descriptor.ts from operator/grpc/contextupdate.proto: the
// operator runs as one bundled file, so it carries the service's descriptor as code instead of
// reading a .proto at run time. Run after editing the .proto (a unit test fails until you do).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contextUpdateDescriptorFromProto, PROTO_PATH } from './grpc-proto-source.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'operator', 'grpc', 'contextupdate-descriptor.ts');

async function main(): Promise<void> {
  const json = await contextUpdateDescriptorFromProto();
  const text =
    '// Generated from contextupdate.proto by scripts/gen-grpc-descriptor.ts: do not edit by hand.\n' +
    '// The protobuf.js JSON form of the service (what @grpc/proto-loader `fromJSON` takes).\n' +
    `export const CONTEXTUPDATE_DESCRIPTOR = ${JSON.stringify(json, null, 2)};\n`;
  await writeFile(out, text);
  console.log(`wrote ${path.relative(root, out)} from ${path.relative(root, PROTO_PATH)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
