/**
 * The TLS ≤ 1.2 pseudorandom function and key block (RFC 5246 §5, §6.3; RFC 4346 §5):
 *
 *   P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) + HMAC_hash(secret, A(2) + seed) + ...
 *       A(0) = seed, A(i) = HMAC_hash(secret, A(i-1))
 *   TLS 1.2:      PRF(secret, label, seed) = P_<hash>(secret, label + seed)   (SHA-256, or the suite's SHA-384)
 *   TLS 1.0/1.1:  PRF(secret, label, seed) = P_MD5(S1, label + seed) XOR P_SHA-1(S2, label + seed)
 *
 *   key_block = PRF(SecurityParameters.master_secret, "key expansion",
 *                   SecurityParameters.server_random + SecurityParameters.client_random);
 *   client_write_MAC_key[mac_key_length], server_write_MAC_key[mac_key_length],
 *   client_write_key[enc_key_length],     server_write_key[enc_key_length],
 *   client_write_IV[fixed_iv_length],     server_write_IV[fixed_iv_length]
 */
import { createHmac } from 'node:crypto';
import { concatBytes } from '../util/bytes.js';

/** PRF flavours: TLS 1.2 with SHA-256 or SHA-384, or the TLS 1.0/1.1 MD5+SHA-1 combination. */
export type PrfName = 'sha256' | 'sha384' | 'md5sha1';

/** Joins byte arrays (the shared helper, with the call shape used here). */
function concat(...parts: readonly Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

/** P_hash(secret, seed) truncated to `length` bytes (RFC 5246 §5). */
function pHash(hash: 'sha1' | 'md5' | 'sha256' | 'sha384', secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a: Uint8Array = seed;
  let filled = 0;
  while (filled < length) {
    a = new Uint8Array(createHmac(hash, secret).update(a).digest());
    const block = new Uint8Array(createHmac(hash, secret).update(a).update(seed).digest());
    out.set(block.subarray(0, Math.min(block.length, length - filled)), filled);
    filled += block.length;
  }
  return out;
}

/** PRF(secret, label, seed) with `length` bytes of output. */
export function prf(name: PrfName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelSeed = concat(new TextEncoder().encode(label), seed);
  if (name !== 'md5sha1') return pHash(name, secret, labelSeed, length);
  // RFC 4346 §5: S1 and S2 are the two halves of the secret, sharing the middle byte when odd.
  const half = Math.ceil(secret.length / 2);
  const md5 = pHash('md5', secret.subarray(0, half), labelSeed, length);
  const sha1 = pHash('sha1', secret.subarray(secret.length - half), labelSeed, length);
  // Both outputs are `length` bytes made by pHash above: the indexed reads cannot miss.
  for (let i = 0; i < length; i++) md5[i] = (md5[i] as number) ^ (sha1[i] as number);
  return md5;
}

/** Lengths of the key block's parts. */
export interface KeyBlockLengths {
  readonly macKey: number;
  readonly encKey: number;
  readonly fixedIv: number;
}

/** The key block split into its six parts (RFC 5246 §6.3). */
export interface KeyBlock {
  readonly clientMacKey: Uint8Array;
  readonly serverMacKey: Uint8Array;
  readonly clientKey: Uint8Array;
  readonly serverKey: Uint8Array;
  readonly clientIv: Uint8Array;
  readonly serverIv: Uint8Array;
}

/** key_block from the master secret and both randoms. */
export function keyBlock(name: PrfName, masterSecret: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, lengths: KeyBlockLengths): KeyBlock {
  const total = 2 * (lengths.macKey + lengths.encKey + lengths.fixedIv);
  const block = prf(name, masterSecret, 'key expansion', concat(serverRandom, clientRandom), total);
  let at = 0;
  const take = (n: number): Uint8Array => {
    const part = block.slice(at, at + n);
    at += n;
    return part;
  };
  const clientMacKey = take(lengths.macKey);
  const serverMacKey = take(lengths.macKey);
  const clientKey = take(lengths.encKey);
  const serverKey = take(lengths.encKey);
  const clientIv = take(lengths.fixedIv);
  const serverIv = take(lengths.fixedIv);
  return { clientMacKey, serverMacKey, clientKey, serverKey, clientIv, serverIv };
}
