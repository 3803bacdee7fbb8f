/**
 * NDJSON of a file that has to wait for the files before it (`--jobs` over many files): held in
 * memory up to a bound, then appended to a temporary file, so a worker never waits for the head
 * file and memory stays bounded whatever the outputs weigh. Written out, in order, when the file
 * comes to the head; the temporary file is removed then (or by `dispose`).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NdjsonWrite } from './file-task.js';

/** Characters of waiting output kept in memory per file before it goes to a temporary file. */
export const MAX_HELD_CHARS = 8 * 1024 * 1024;
const READ_BYTES = 1024 * 1024;

/** The temporary folder of one run, made on first use. */
export class SpillFolder {
  private path: string | null = null;

  file(name: string): string {
    this.path ??= mkdtempSync(join(tmpdir(), 'tlsautopsy-'));
    return join(this.path, name);
  }

  dispose(): void {
    if (this.path !== null) rmSync(this.path, { recursive: true, force: true });
    this.path = null;
  }
}

export class HeldOutput {
  private chunks: string[] = [];
  private chars = 0;
  private fd: number | null = null;
  private path: string | null = null;
  /** The temporary folder could not be used: text stays in memory (the worker then waits). */
  private inMemoryOnly = false;

  constructor(
    private readonly folder: SpillFolder,
    private readonly name: string,
    private readonly maxChars = MAX_HELD_CHARS,
  ) {}

  /** Holds `text`; returns how many characters left memory now (moved to the temporary file). */
  add(text: string): number {
    if (this.fd !== null && this.chunks.length === 0) {
      try {
        writeSync(this.fd, text);
        return text.length;
      } catch {
        // A full disk: what comes next stays in memory, after what the file holds.
        this.inMemoryOnly = true;
      }
    }
    this.chunks.push(text);
    this.chars += text.length;
    if (this.chars <= this.maxChars || this.inMemoryOnly || this.fd !== null) return 0;
    try {
      this.path = this.folder.file(this.name);
      this.fd = openSync(this.path, 'w+');
      for (const chunk of this.chunks) writeSync(this.fd, chunk);
    } catch {
      this.close();
      this.inMemoryOnly = true;
      return 0;
    }
    const moved = this.chars;
    this.chunks = [];
    this.chars = 0;
    return moved;
  }

  /** Writes out everything held, in order, and forgets it; returns the characters that were in memory. */
  drain(write: NdjsonWrite): number {
    const fd = this.fd;
    if (fd !== null) {
      // Each piece is a buffer of its own: the writer may keep it until it is flushed.
      for (let at = 0; ; ) {
        const piece = Buffer.allocUnsafe(READ_BYTES);
        const n = readSync(fd, piece, 0, READ_BYTES, at);
        if (n <= 0) break;
        write(piece.subarray(0, n));
        at += n;
      }
      this.close();
    }
    for (const chunk of this.chunks) write(chunk);
    const chars = this.chars;
    this.chunks = [];
    this.chars = 0;
    return chars;
  }

  /** Closes and removes the temporary file, if there is one. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    if (this.path !== null) rmSync(this.path, { force: true });
    this.fd = null;
    this.path = null;
  }
}
