/** Request bodies for the sandbox's servers (the AWS endpoint and the Kubernetes APIs), with a size limit. */
import type { IncomingMessage } from "node:http";

/**
 * The whole body, or undefined once it passes `limit` bytes. The rest is read and dropped rather than the
 * socket destroyed, so the caller can still answer 413 and the client sees that answer.
 */
/** Past the limit the rest is drained so the client reads the 413, up to 8× the limit (at least 32 MiB). */
const drainLimit = (limit: number) => Math.max(8 * limit, 32 * 1024 * 1024);

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      // A sender that goes on far past the limit is cut off rather than read forever.
      if (size > drainLimit(limit)) {
        req.destroy();
        resolve(undefined);
        return;
      }
      if (size > limit) chunks.length = 0;
      else chunks.push(c);
    });
    req.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
