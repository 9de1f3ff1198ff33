/** Request bodies for the sandbox's servers (the AWS endpoint and the Kubernetes APIs), with a size limit. */
import type { IncomingMessage } from "node:http";

/**
 * The whole body, or undefined once it passes `limit` bytes. The rest is read and dropped rather than the
 * socket destroyed, so the caller can still answer 413 and the client sees that answer.
 */
/** Past the limit the rest is drained so the client reads the 413, up to this many times the limit. */
const DRAIN_FACTOR = 8;

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      // A sender that goes on far past the limit is cut off rather than read forever.
      if (size > DRAIN_FACTOR * limit) {
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
