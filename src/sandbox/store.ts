/**
 * The persistent AWS state of a sandbox (D/aws.json, mode 0600: it holds secret keys). Requests read the
 * in-memory state and mutate it synchronously (Node runs one handler at a time, so a mutation never
 * interleaves with another); `mutate` then waits for a durable write. Writes are atomic (temp file + rename)
 * and coalesced: many concurrent mutations share one write.
 */
import { existsSync, readFileSync } from "node:fs";
import { replaceFile, replaceFileSync } from "../fs/index.js";
import type { AwsState } from "./model.js";

export class AwsStore {
  private writing: Promise<void> | undefined;
  private dirty = false;

  constructor(
    readonly file: string,
    readonly state: AwsState,
  ) {}

  static load(file: string): AwsStore | undefined {
    if (!existsSync(file)) return undefined;
    const state = JSON.parse(readFileSync(file, "utf8")) as AwsState;
    if (state.version !== 1)
      throw new Error(`${file}: unsupported sandbox state version ${String(state.version)}`);
    return new AwsStore(file, state);
  }

  read<T>(fn: (s: AwsState) => T): T {
    return fn(this.state);
  }

  /** Runs `fn` on the state and resolves once the result is on disk. If `fn` throws, nothing is written. */
  async mutate<T>(fn: (s: AwsState) => T): Promise<T> {
    const result = fn(this.state);
    await this.persist();
    return result;
  }

  /** Resolves after a write that started after this call has completed. */
  persist(): Promise<void> {
    this.dirty = true;
    if (!this.writing) this.writing = this.drain();
    return this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        await replaceFile(this.file, JSON.stringify(this.state), 0o600);
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** Synchronous final write (shutdown). */
  flushSync(): void {
    replaceFileSync(this.file, JSON.stringify(this.state), 0o600);
    this.dirty = false;
  }
}
