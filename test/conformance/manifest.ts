/**
 * Reads the shared corpus's MANIFEST.json (third-party captures with expected facts from
 * other projects' baselines or tshark). Absent in some environments: callers skip then,
 * except in CI (see corpus.ts).
 */
import { readFileSync } from 'node:fs';
import { SHARED_CORPUS } from './corpus.js';

export const CAPTURES_DIR = SHARED_CORPUS.dir;
export const HAVE_CAPTURES = SHARED_CORPUS.present;
/** Why the corpus tests skip here; null when the corpus is present. */
export const CAPTURES_SKIP_REASON = SHARED_CORPUS.skipReason;

interface ExpectedAlert {
  readonly sender: 'client' | 'server';
  readonly level?: string;
  readonly description?: string;
  readonly encrypted?: boolean;
}

export interface ExpectedConnection {
  readonly expected: {
    readonly transport: 'tcp' | 'udp';
    readonly client: string;
    readonly server: string;
    readonly sni: string | null;
    readonly version: string | null;
    readonly cipher: string | null;
    readonly certificate_request_sent: boolean | null;
    readonly client_cert_chain_nonempty: boolean | null;
    readonly client_cert_count: number | null;
    readonly client_cert_subject_cn: string | null;
    readonly server_cert_subject_cn: string | null;
    readonly alerts: readonly ExpectedAlert[];
    readonly handshake_completed: boolean | null;
    readonly hello_retry_request: boolean | null;
    readonly resumed: boolean | null;
    readonly client_hello_format: 'TLS' | 'SSLv2' | null;
    readonly ja3: string | null;
    readonly ja3s: string | null;
    readonly ja4?: string | null;
    readonly zeek_ssl_history?: string | null;
    readonly requested_client_certificate_authorities?: string | null;
  };
  readonly provenance: Readonly<Record<string, string>>;
}

export interface ManifestCapture {
  readonly id: string;
  readonly file: string;
  readonly keylog: string | null;
  readonly file_format: string;
  readonly link_type: string;
  readonly packets: string;
  readonly features: readonly string[];
  readonly connections: readonly ExpectedConnection[];
}

export function loadManifest(): readonly ManifestCapture[] {
  const m = JSON.parse(readFileSync(SHARED_CORPUS.manifestPath, 'utf8')) as { captures: ManifestCapture[] };
  return m.captures;
}

/** "1.2.3.4:443" or "[2001:db8::1]:443" → {ip, port}. */
export function parseEndpoint(s: string): { ip: string; port: number } {
  const m = /^\[(.+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  if (m === null) throw new Error(`bad endpoint ${s}`);
  return { ip: (m[1] as string).toLowerCase(), port: Number(m[2]) };
}
