/**
 * Bytes the TLS layer holds between packets, summed over every connection of a capture:
 * plaintext watched for a STARTTLS upgrade, handshake messages being reassembled, partial
 * record bodies. Per-connection limits alone allow hundreds of KiB per connection, so many
 * open connections could pin gigabytes; this one bound caps the sum. Capacities are counted
 * (what is really allocated), taken when a buffer grows and given back when it is dropped.
 */
export class TlsHeldBudget {
  /** Bytes held now. */
  bytes = 0;
  /** The most ever held at once. */
  peak = 0;
  /** Requests for room that did not fit (each one degrades a connection, which says so). */
  refusals = 0;

  constructor(readonly maxBytes: number) {}

  /**
   * Room for `need` bytes (see `withRoom`), the growth charged to the budget: `buffer` itself
   * when large enough, else a larger copy of its first `used` bytes. Close to the limit the
   * buffer grows to exactly `need` instead of doubling. Null when even that does not fit; the
   * caller still holds (and is still charged for) `buffer`.
   */
  grow(buffer: Uint8Array, used: number, need: number, floor: number, cap: number): Uint8Array | null {
    if (buffer.length >= need) return buffer;
    let size = Math.max(need, Math.min(cap, Math.max(buffer.length * 2, floor)));
    if (this.bytes + size - buffer.length > this.maxBytes) {
      size = need;
      if (this.bytes + size - buffer.length > this.maxBytes) {
        this.refusals++;
        return null;
      }
    }
    this.bytes += size - buffer.length;
    if (this.bytes > this.peak) this.peak = this.bytes;
    const grown = new Uint8Array(size);
    grown.set(buffer.subarray(0, used));
    return grown;
  }

  /** A copy of the first `size` bytes of `buffer` in a buffer of that size, the capacity saved given back; `buffer` itself when not larger. */
  shrink(buffer: Uint8Array, size: number): Uint8Array {
    if (buffer.length <= size) return buffer;
    this.bytes -= buffer.length - size;
    return buffer.slice(0, size);
  }

  /** Gives back the capacity of a buffer that is dropped. */
  release(capacity: number): void {
    this.bytes -= capacity;
  }
}

/** A budget without a limit, for streams and framers used on their own (tests, tools). */
export function unlimitedTlsBudget(): TlsHeldBudget {
  return new TlsHeldBudget(Infinity);
}
