/** The flow layer: TCP connections and per-direction reassembly. */
export { FlowTable } from './flow-table.js';
