// Owns reading the contextupdate .proto into a protobuf.js JSON descriptor: used by the generator
// script and the test that keeps the generated descriptor in step. Not loaded by the running operator.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { INamespace } from 'protobufjs';

export const PROTO_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'operator',
  'grpc',
  'contextupdate.proto',
);

/** The .proto parsed with its field names as written (snake_case, as EMCO's generated code sees them). */
export async function contextUpdateDescriptorFromProto(file = PROTO_PATH): Promise<INamespace> {
  const text = await readFile(file, 'utf8');
  const parsed = protobuf.parse(text, { keepCase: true, alternateCommentMode: false });
  return parsed.root.toJSON({ keepComments: false });
}
