/** Request bodies for the sandbox's servers (the AWS endpoint and the Kubernetes APIs), with a size limit. */
import type { IncomingMessage } from "node:http";

/**
 * The whole body, or undefined once it passes `limit` bytes. The rest is read and dropped rather than the
 * socket destroyed, so the caller can still answer 413 and the client sees that answer.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) chunks.length = 0;
      else chunks.push(c);
    });
    req.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
