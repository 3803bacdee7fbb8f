/** Expands the command line's inputs: files, directories (recursively, by content) and `-`. */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface InputFile {
  /** Path as given or found; `-` for standard input. */
  readonly path: string;
}

/** Magic numbers of the formats read (pcap µs/ns both orders, pcapng, gzip). */
const MAGICS = [
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0xa1, 0xb2, 0x3c, 0x4d],
  [0x0a, 0x0d, 0x0d, 0x0a],
  [0x1f, 0x8b],
];

async function looksLikeCapture(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buf = new Uint8Array(4);
    const { bytesRead } = await handle.read(buf, 0, 4, 0);
    return MAGICS.some((m) => m.length <= bytesRead && m.every((b, i) => buf[i] === b));
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/** Most files a directory walk returns, so a mistaken `/` cannot run forever. */
const MAX_DIRECTORY_FILES = 100_000;

async function walk(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (out.length >= MAX_DIRECTORY_FILES) return;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile() && (await looksLikeCapture(p))) out.push(p);
  }
}

/**
 * Files to analyze, in the order given (directories expanded in name order).
 * A path that does not exist is kept, so the analysis reports it as unreadable.
 */
export async function expandInputs(inputs: readonly string[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const input of inputs) {
    if (input === '-') {
      out.push({ path: '-' });
      continue;
    }
    let isDir = false;
    try {
      isDir = (await stat(input)).isDirectory();
    } catch {
      isDir = false;
    }
    if (isDir) {
      const found: string[] = [];
      await walk(input, found);
      for (const p of found) out.push({ path: p });
    } else {
      out.push({ path: input });
    }
  }
  return out;
}
