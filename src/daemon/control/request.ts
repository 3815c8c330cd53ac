// One control line to a JSON-RPC request, or the error reply that refuses it.
import { createJSONRPCErrorResponse, type JSONRPCResponse } from 'json-rpc-2.0';
import { ErrorCode } from '../../shared/errors.js';

export type RequestId = string | number | null;
export type Parsed =
  { ok: true; value: Record<string, unknown>; id: RequestId } | { ok: false; error: JSONRPCResponse };

export function parseRequest(line: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // JSON.parse itself may run out of stack on absurd nesting: also not JSON we take.
    return { ok: false, error: createJSONRPCErrorResponse(null, ErrorCode.ParseError, 'parse error: not JSON') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid('invalid request: expected a JSON-RPC object');
  }
  const request = value as Record<string, unknown>;
  // JSON-RPC 2.0 ids are strings, numbers or null; anything else is never echoed back.
  const id = request.id;
  if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number') {
    return invalid('invalid request: id must be a string, a number or null');
  }
  return { ok: true, value: request, id: id ?? null };
}

function invalid(message: string): Parsed {
  return { ok: false, error: createJSONRPCErrorResponse(null, ErrorCode.InvalidRequest, message) };
}
