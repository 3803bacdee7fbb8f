/** The flow layer: TCP connections and per-direction reassembly. */
export { FlowTable, FLOW_DEFAULTS, flowKey } from './flow-table.js';
export { seqAdd, seqDiff, seqLessThan, seqToOffset } from './seq.js';
export type {
  ConnectionControl,
  ConnectionHandler,
  ConnectionHandlerFactory,
  ConnectionInfo,
  ConnectionSummary,
  Direction,
  Endpoint,
  FlowStats,
  FlowTableOptions,
  GapReason,
  StreamChunk,
  StreamGap,
  TcpEnd,
  TcpEvent,
  TcpEventKind,
} from './types.js';
