// Owns the mapping of EMCO's untyped SearchAttributes (Go `map[string]interface{}`) to the SDK.
// Like the Go SDK, no type is guessed on the client: each value goes to Temporal as plain JSON
// (the SDK's untyped `searchAttributes` field, one-element lists for scalars) and the server
// applies the attribute's registered type, rejecting values that do not fit it.
import type { SearchAttributes } from '@temporalio/common';
import type { JsonValue } from '../common/emco/types.js';
import { InvokeError } from './invoke-error.js';

type Scalar = string | number | boolean;

function kind(value: JsonValue): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'list' : typeof value;
}

/**
 * Converts the body's SearchAttributes; null or empty gives undefined. Throws InvokeError (400)
 * for null, object or mixed-type list values, which no search attribute type accepts.
 */
export function searchAttributesFromGo(map: Record<string, JsonValue> | null): SearchAttributes | undefined {
  if (map === null || Object.keys(map).length === 0) return undefined;
  const out: Record<string, Scalar[]> = {};
  for (const [name, value] of Object.entries(map)) {
    const where = `workflowStartOptions.SearchAttributes.${name}`;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[name] = [value];
      continue;
    }
    if (Array.isArray(value)) {
      const kinds = new Set(value.map(kind));
      const only = [...kinds][0];
      if (
        kinds.size > 1 ||
        (only !== undefined && only !== 'string' && only !== 'number' && only !== 'boolean')
      ) {
        throw new InvokeError(
          400,
          `${where}: a list must hold only strings, only numbers or only booleans`,
          'bad_request',
        );
      }
      out[name] = value as Scalar[];
      continue;
    }
    throw new InvokeError(
      400,
      `${where}: ${kind(value)} is not a search attribute value (use a string, number, boolean or list)`,
      'bad_request',
    );
  }
  return out as SearchAttributes;
}
