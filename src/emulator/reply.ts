import type { ServerResponse } from 'node:http';

/** A response that is built but not sent yet, so that a fault can still drop it. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function sendReply(response: ServerResponse, reply: Reply): void {
  response.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
  response.end(reply.body);
}

/**
 * Sends the status line and headers of `reply` with the full `Content-Length`,
 * writes the first `keepBytes` bytes of its body and then destroys the
 * connection, so the client sees a body that ends early. `keepBytes` is capped
 * at the body length minus one. An empty body cannot be cut short, so the
 * client then gets a complete response before the connection closes.
 * @returns the number of body bytes written
 */
export function sendTruncatedReply(response: ServerResponse, reply: Reply, keepBytes: number | undefined): number {
  const body = Buffer.from(reply.body, 'utf8');
  const requested = keepBytes ?? Math.floor(body.length / 2);
  const kept = Math.max(0, Math.min(requested, body.length - 1));

  response.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
  // The callback runs once the bytes are handed to the socket, also on a write
  // error, so the connection is destroyed in both cases. `end()` is never
  // called because Node would reject a body shorter than Content-Length.
  response.write(body.subarray(0, kept), () => response.socket?.destroy());
  return kept;
}
