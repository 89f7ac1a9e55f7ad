import { ProtocolError } from "./base";

/** The JSON-RPC node could not be reached (connection refused, reset or timed out): nothing was sent. */
export class RpcUnreachableError extends ProtocolError {}

/**
 * The JSON-RPC node answered something that cannot be the answer (not JSON, a malformed value, a result of the wrong
 * shape): a broken or lying node, or a URL that is not a node.
 */
export class RpcResponseError extends ProtocolError {}
