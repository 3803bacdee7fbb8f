/**
 * Reads a Java SSL debug log in one pass, line by line, whatever its size: only the handshake
 * summaries are kept (bounded by `maxJavaLogHandshakes`), each line is cut at
 * `maxJavaLogLineChars`, and bytes that are not text (a binary file given by mistake) simply
 * match nothing.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { HandshakeCollector } from './collector.js';
import { Jdk11LogParser } from './jdk11.js';
import { Jdk8LogParser } from './jdk8.js';
import { JAVA_LOG_DEFAULTS } from './types.js';
import type { JavaLog, JavaLogFormat, JavaLogLimits } from './types.js';

/** Parses log text given in chunks; `finish` returns what was read. */
export class JavaLogReader {
  private readonly limits: Required<JavaLogLimits>;
  private readonly collector: HandshakeCollector;
  private readonly jdk11: Jdk11LogParser;
  private readonly jdk8: Jdk8LogParser;
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private partialTooLong = false;
  private lineNo = 0;

  constructor(
    private readonly file: string,
    limits: JavaLogLimits = {},
  ) {
    this.limits = { ...JAVA_LOG_DEFAULTS, ...limits };
    this.collector = new HandshakeCollector(this.limits.maxJavaLogHandshakes);
    this.jdk11 = new Jdk11LogParser(this.collector, this.limits.maxJavaLogBodyLines);
    this.jdk8 = new Jdk8LogParser(this.collector);
  }

  push(chunk: Uint8Array): void {
    this.text(this.decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
  }

  private text(s: string): void {
    let start = 0;
    for (;;) {
      const nl = s.indexOf('\n', start);
      if (nl < 0) {
        this.keepPartial(s.slice(start));
        return;
      }
      this.keepPartial(s.slice(start, nl));
      this.emit();
      start = nl + 1;
    }
  }

  /** Holds the line being read, up to the limit; a longer line keeps its beginning. */
  private keepPartial(piece: string): void {
    if (this.partialTooLong || piece.length === 0) return;
    const room = this.limits.maxJavaLogLineChars - this.partial.length;
    if (piece.length > room) {
      this.partial += piece.slice(0, Math.max(0, room));
      this.partialTooLong = true;
    } else this.partial += piece;
  }

  private emit(): void {
    this.lineNo++;
    const line = this.partial.endsWith('\r') ? this.partial.slice(0, -1) : this.partial;
    if (this.partialTooLong) {
      this.collector.issue({ code: 'javalog.long_line', message: `Line ${this.lineNo} is longer than ${this.limits.maxJavaLogLineChars} characters; only its beginning was read (raise --limit maxJavaLogLineChars).`, line: this.lineNo });
    }
    this.partial = '';
    this.partialTooLong = false;
    this.jdk11.line(line, this.lineNo);
    this.jdk8.line(line, this.lineNo);
  }

  finish(): JavaLog {
    this.text(this.decoder.end());
    if (this.partial.length > 0 || this.partialTooLong) this.emit();
    this.jdk11.end();
    this.jdk8.end();
    this.collector.finish();
    const formats: JavaLogFormat[] = [];
    if (this.jdk11.seen) formats.push('jdk11');
    if (this.jdk8.seen) formats.push('jdk8');
    if (formats.length === 0) {
      this.collector.issue({ code: 'javalog.no_handshake', message: `${this.file} holds no Java SSL debug output; run the JVM with -Djavax.net.debug=ssl:handshake and give the file it writes.` });
    }
    return { file: this.file, formats, handshakes: this.collector.handshakes, lines: this.lineNo, issues: this.collector.issues };
  }

  /** The byte limit of one log. */
  get maxBytes(): number {
    return this.limits.maxJavaLogFileBytes;
  }
}

/** Reads a log file; an unreadable file rejects with the file system's error. */
export async function readJavaLog(path: string, limits: JavaLogLimits = {}): Promise<JavaLog> {
  const reader = new JavaLogReader(path, limits);
  let read = 0;
  let cut = false;
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const room = reader.maxBytes - read;
    if (chunk.length > room) {
      reader.push(chunk.subarray(0, Math.max(0, room)));
      cut = true;
      stream.destroy();
      break;
    }
    reader.push(chunk);
    read += chunk.length;
  }
  const log = reader.finish();
  if (!cut) return log;
  return { ...log, issues: [...log.issues, { code: 'javalog.file_limit', message: `${path} is larger than ${reader.maxBytes} bytes; the rest was not read (raise --limit maxJavaLogFileBytes).` }] };
}
