/**
 * Test helpers for the flow layer: TcpSegment builders and a recording consumer that turns
 * every handler call into one line, so scenarios read as tables.
 */
import type { TcpSegment } from '../../src/decode/types.js';
import { TcpFlag } from '../../src/decode/types.js';
import type {
  ConnectionControl,
  ConnectionHandler,
  ConnectionHandlerFactory,
  ConnectionInfo,
  ConnectionSummary,
  Direction,
  StreamChunk,
  StreamGap,
} from '../../src/flow/types.js';

export const CLIENT = { ip: '10.0.0.1', port: 40000 } as const;
export const SERVER = { ip: '10.0.0.2', port: 443 } as const;

/** One segment of a scenario: direction 0 = CLIENT → SERVER. */
export interface SegSpec {
  readonly dir: Direction;
  /** Absolute 32-bit sequence number (use seqAdd on an ISN). */
  readonly seq: number;
  readonly ack?: number;
  /** Letters: S=SYN A=ACK F=FIN R=RST P=PSH. Default 'A'. */
  readonly flags?: string;
  readonly data?: string | Uint8Array;
  readonly missing?: number;
  readonly window?: number;
  /** Capture time in seconds. Default: frame number / 1000. */
  readonly t?: number;
  /** Endpoints other than CLIENT/SERVER (several connections). */
  readonly client?: { readonly ip: string; readonly port: number };
  readonly server?: { readonly ip: string; readonly port: number };
}

function flagBits(letters: string): number {
  let f = 0;
  for (const c of letters) {
    if (c === 'S') f |= TcpFlag.SYN;
    else if (c === 'A') f |= TcpFlag.ACK;
    else if (c === 'F') f |= TcpFlag.FIN;
    else if (c === 'R') f |= TcpFlag.RST;
    else if (c === 'P') f |= TcpFlag.PSH;
    else throw new Error(`unknown flag letter ${c}`);
  }
  return f;
}

function bytesOf(data: string | Uint8Array | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

/** Builds a plain TcpSegment; frames are numbered from 1 in order. */
export function makeSegment(spec: SegSpec, frame: number): TcpSegment {
  const c = spec.client ?? CLIENT;
  const s = spec.server ?? SERVER;
  const [from, to] = spec.dir === 0 ? [c, s] : [s, c];
  const t = spec.t ?? frame / 1000;
  const sec = Math.floor(t);
  return {
    frame,
    time: { sec, nsec: Math.round((t - sec) * 1e9) },
    ipVersion: 4,
    src: from.ip,
    dst: to.ip,
    srcPort: from.port,
    dstPort: to.port,
    seq: spec.seq >>> 0,
    ack: (spec.ack ?? 0) >>> 0,
    flags: flagBits(spec.flags ?? 'A'),
    window: spec.window ?? 65535,
    options: {},
    payload: bytesOf(spec.data),
    missingPayloadBytes: spec.missing ?? 0,
    vlans: [],
  };
}

/** What a consumer may do from inside its callbacks. */
export interface RecorderHooks {
  onData?(control: ConnectionControl, direction: Direction, chunk: StreamChunk, info: ConnectionInfo): void;
  onCreate?(control: ConnectionControl, info: ConnectionInfo): void;
}

/** A consumer that logs every call as a line and keeps the summaries. */
export class Recorder {
  readonly lines: string[] = [];
  readonly summaries: ConnectionSummary[] = [];
  readonly infos: ConnectionInfo[] = [];
  /** Every chunk's bytes copied (they are only valid during the callback), per connection and direction. */
  readonly chunks: { id: number; direction: Direction; offset: number; bytes: Uint8Array }[] = [];
  readonly gaps: { id: number; direction: Direction; gap: StreamGap }[] = [];
  /** Data and gaps together, in call order. */
  readonly stream: { id: number; direction: Direction; kind: 'data' | 'gap'; offset: number; length: number }[] = [];
  readonly ends = new Map<number, number>();

  constructor(private readonly hooks: RecorderHooks = {}) {}

  readonly factory: ConnectionHandlerFactory = (info, control) => {
    this.infos.push(info);
    this.hooks.onCreate?.(control, info);
    const id = info.id;
    const handler: ConnectionHandler = {
      onData: (direction, chunk) => {
        this.lines.push(`${id} d${direction} @${chunk.offset} ${new TextDecoder('latin1').decode(chunk.bytes)}`);
        this.chunks.push({ id, direction, offset: chunk.offset, bytes: chunk.bytes.slice() });
        this.stream.push({ id, direction, kind: 'data', offset: chunk.offset, length: chunk.bytes.length });
        this.hooks.onData?.(control, direction, chunk, info);
      },
      onGap: (direction, gap) => {
        this.lines.push(`${id} d${direction} gap @${gap.offset}+${gap.length} ${gap.reason}`);
        this.gaps.push({ id, direction, gap });
        this.stream.push({ id, direction, kind: 'gap', offset: gap.offset, length: gap.length });
      },
      onTcpEvent: (ev) => {
        this.lines.push(`${id} ${ev.kind} d${ev.direction}`);
      },
      onEnd: (summary) => {
        const e = summary.end;
        this.lines.push(`${id} end ${e.how}${e.by === null ? '' : ` by d${e.by}`}`);
        this.summaries.push(summary);
        this.ends.set(id, (this.ends.get(id) ?? 0) + 1);
      },
    };
    return handler;
  };

  summary(id: number): ConnectionSummary {
    const s = this.summaries.find((x) => x.info.id === id);
    if (s === undefined) throw new Error(`connection ${id} has not ended`);
    return s;
  }
}
