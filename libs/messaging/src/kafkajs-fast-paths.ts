import Module, { createRequire } from 'node:module';

/**
 * kafkajs internals that every message passes through, rewritten to give the same result with a
 * fraction of the allocations or time: the producer's grouping by partition, record encoding and
 * batch checksum, and the consumer's record decoding. Every service sends thousands of messages a
 * second through them (the gateway its canonical events, the scorer its indicator and score
 * updates), and in their heap or CPU profiles they stood out. They replace kafkajs's own files in
 * Node's module cache before kafkajs is first loaded: this module is imported ahead of kafkajs
 * wherever kafkajs is imported. Unit tests check each against kafkajs's own.
 */

/** The arguments kafkajs's producer passes to its per-partition grouping. */
export interface GroupingArgs<M> {
  topic: string;
  partitionMetadata: readonly unknown[];
  messages: readonly M[];
  partitioner: (args: { topic: string; partitionMetadata: readonly unknown[]; message: M }) => number;
}

/**
 * A send's messages grouped by the partition the partitioner picks, each group in send order:
 * what kafkajs's `src/producer/groupMessagesPerPartition.js` returns, in one pass. kafkajs's own
 * copies a partition's whole list for every message added to it (`[...current, message]`), so
 * its cost grows with the square of the messages a send holds: at the 512 KiB the bus sends at
 * once (about 1,300 canonical events) it was a tenth of all the scorer allocated, and it cost the
 * gateway about 8 % of its CPU (docs/benchmarks.md).
 */
export function groupMessagesPerPartition<M>({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: GroupingArgs<M>): Record<number, M[]> {
  const groups: Record<number, M[]> = {};
  if (partitionMetadata.length === 0) return groups;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const group = groups[partition];
    if (group) group.push(message);
    else groups[partition] = [message];
  }
  return groups;
}

type Bytes = Buffer | string | null | undefined;

/** What kafkajs's produce request passes to encode one record. */
export interface RecordArgs {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: Bytes;
  value?: Bytes;
  headers?: Record<string, Bytes | Bytes[]>;
}

/** An encoded record, read the way kafkajs's record batch reads its own encoders (`buf`, `buffer`). */
export class EncodedRecord {
  constructor(readonly buf: Buffer) {}

  get buffer(): Buffer {
    return this.buf;
  }
}

/**
 * One record of a record batch (Kafka's v2 message format): the bytes kafkajs's
 * `src/protocol/recordBatch/record/v0` writes, into one buffer of the exact size. kafkajs's own
 * starts a 512-byte zero-filled buffer per record and allocates an array and a buffer for every
 * variable-length integer (and 64-bit integer objects for the timestamp).
 */
export function encodeRecord({
  offsetDelta = 0,
  timestampDelta = 0,
  key,
  value,
  headers = {},
}: RecordArgs): EncodedRecord {
  // Each string's UTF-8 length is measured once, for the size and for the write.
  const keyLength = lengthOf(key);
  const valueLength = lengthOf(value);
  const pairs: Array<{ name: string; nameLength: number; value: Bytes; valueLength: number }> = [];
  for (const name of Object.keys(headers)) {
    const given = headers[name];
    const nameLength = Buffer.byteLength(name, 'utf8');
    for (const each of Array.isArray(given) ? given : [given])
      pairs.push({ name, nameLength, value: each, valueLength: lengthOf(each) });
  }
  let body =
    1 +
    sizeOfVarLong(timestampDelta) +
    sizeOfVarInt(offsetDelta) +
    sizeOfBytes(keyLength) +
    sizeOfBytes(valueLength) +
    sizeOfVarInt(pairs.length);
  for (const pair of pairs) body += sizeOfBytes(pair.nameLength) + sizeOfBytes(pair.valueLength);
  const buf = Buffer.allocUnsafe(sizeOfVarInt(body) + body);
  let at = writeVarInt(buf, 0, body);
  buf[at++] = 0; // attributes: none used
  at = writeVarLong(buf, at, timestampDelta);
  at = writeVarInt(buf, at, offsetDelta);
  at = writeBytes(buf, at, key, keyLength);
  at = writeBytes(buf, at, value, valueLength);
  at = writeVarInt(buf, at, pairs.length);
  for (const pair of pairs) {
    at = writeBytes(buf, at, pair.name, pair.nameLength);
    at = writeBytes(buf, at, pair.value, pair.valueLength);
  }
  return new EncodedRecord(buf);
}

/** Zig-zag of a 32-bit integer, as kafkajs computes it (then written as unsigned). */
function zigZag(value: number): number {
  return (value << 1) ^ (value >> 31);
}

function sizeOfVarInt(value: number): number {
  let rest = zigZag(value);
  let bytes = 1;
  while ((rest & 0xffffff80) !== 0) {
    bytes += 1;
    rest >>>= 7;
  }
  return bytes;
}

function writeVarInt(buf: Buffer, at: number, value: number): number {
  let rest = zigZag(value);
  while ((rest & 0xffffff80) !== 0) {
    buf[at++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  buf[at++] = rest & 0x7f;
  return at;
}

/**
 * Below 2^30 in magnitude a 64-bit zig-zag fits 31 bits and equals the 32-bit one, so the
 * timestamp deltas of a batch (milliseconds apart) are written as 32-bit varints.
 */
const SMALL_LONG = 2 ** 30;

const MASK_64 = (1n << 64n) - 1n;

/** Zig-zag of a 64-bit integer, as an unsigned 64-bit value. */
function zigZag64(value: number): bigint {
  const long = BigInt.asIntN(64, BigInt(Math.trunc(value)));
  return ((long << 1n) ^ (long >> 63n)) & MASK_64;
}

function sizeOfVarLong(value: number): number {
  if (Math.abs(value) < SMALL_LONG) return sizeOfVarInt(value);
  let rest = zigZag64(value);
  let bytes = 1;
  while (rest >= 0x80n) {
    bytes += 1;
    rest >>= 7n;
  }
  return bytes;
}

function writeVarLong(buf: Buffer, at: number, value: number): number {
  if (Math.abs(value) < SMALL_LONG) return writeVarInt(buf, at, value);
  let rest = zigZag64(value);
  while (rest >= 0x80n) {
    buf[at++] = Number(rest & 0x7fn) | 0x80;
    rest >>= 7n;
  }
  buf[at++] = Number(rest);
  return at;
}

/** Bytes a key, value or header takes (-1 for none), as the record writes it. */
function lengthOf(value: Bytes): number {
  if (value === null || value === undefined) return -1;
  return Buffer.isBuffer(value) ? value.length : Buffer.byteLength(String(value), 'utf8');
}

function sizeOfBytes(length: number): number {
  return sizeOfVarInt(length) + Math.max(length, 0);
}

function writeBytes(buf: Buffer, at: number, value: Bytes, length: number): number {
  at = writeVarInt(buf, at, length);
  if (value === null || value === undefined) return at;
  return at + (Buffer.isBuffer(value) ? value.copy(buf, at) : buf.write(String(value), at, 'utf8'));
}

/** The decoder kafkajs hands a record's decoder: the record's bytes and a read position. */
export interface RecordReader {
  buffer: Buffer;
  offset: number;
}

/** What kafkajs's record batch decoder passes along with each of its records. */
export interface RecordBatchContext {
  firstOffset?: string;
  firstTimestamp?: string;
  magicByte?: number;
  isControlBatch?: boolean;
  timestampType?: number;
  maxTimestamp?: string;
  [more: string]: unknown;
}

/** A fetched record, as kafkajs's consumer receives it. */
export interface DecodedRecord {
  magicByte: number | undefined;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, unknown>;
  isControlRecord: boolean;
  batchContext: RecordBatchContext;
}

/** kafkajs's `TimestampTypes.LOG_APPEND_TIME`: the broker's time stands for every record's. */
const LOG_APPEND_TIME = 1;

/**
 * One fetched record (Kafka's v2 message format): what kafkajs's
 * `src/protocol/recordBatch/record/v0/decoder` returns, field for field. kafkajs's own reads the
 * timestamp delta through a 64-bit integer object per byte, parses the batch's first offset and
 * timestamp from their text for every record, and rebuilds the headers object once per header;
 * here plain numbers serve wherever the values fit (BigInt where they do not).
 */
export function decodeRecord(decoder: RecordReader, batchContext: RecordBatchContext = {}): DecodedRecord {
  const { firstOffset, firstTimestamp, magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
  const reader = new Reader(decoder.buffer, decoder.offset);
  const attributes = decoder.buffer.readInt8(reader.at);
  reader.at += 1;
  const timestampDelta = reader.varLong();
  const timestamp =
    timestampType === LOG_APPEND_TIME && maxTimestamp ? maxTimestamp : sum(firstTimestamp, timestampDelta);
  const offset = sum(firstOffset, reader.varInt());
  const key = reader.bytes();
  const value = reader.bytes();
  const headers: Record<string, unknown> = {};
  const count = reader.varInt();
  // kafkajs allocates an array of the count first: a negative one other than -1 (none) throws.
  if (count < -1) throw new RangeError('Invalid array length');
  for (let n = 0; n < count; n += 1) {
    const name = reader.text() as string;
    const each = reader.bytes();
    // As kafkajs merges them: a repeated header becomes an array; the lookup, like kafkajs's,
    // sees inherited properties too.
    const known = headers[name];
    const merged = known === undefined ? each : Array.isArray(known) ? known.concat([each]) : [known, each];
    if (name === '__proto__')
      Object.defineProperty(headers, name, { value: merged, writable: true, enumerable: true, configurable: true });
    else headers[name] = merged;
  }
  decoder.offset = reader.at;
  return {
    magicByte,
    attributes,
    timestamp,
    offset,
    key,
    value,
    headers,
    isControlRecord: isControlBatch,
    batchContext,
  };
}

/** A 64-bit base given as text plus a delta, as text: what kafkajs's `Long` arithmetic gives. */
function sum(base: string | undefined, delta: number | bigint): string {
  if (typeof base === 'string' && typeof delta === 'number') {
    const start = Number(base);
    const total = start + delta;
    if (Number.isSafeInteger(start) && Number.isSafeInteger(total) && String(start) === base) return String(total);
  }
  return String(kafkajsLong().fromValue(base).add(kafkajsLong().fromValue(delta)).value);
}

let longClass: KafkajsLong | undefined;

interface KafkajsLong {
  fromValue(value: unknown): { add(other: unknown): { value: bigint } };
}

/** kafkajs's own 64-bit integer, for what plain numbers cannot hold exactly. */
function kafkajsLong(): KafkajsLong {
  longClass ??= createRequire(__filename)('kafkajs/src/utils/long') as KafkajsLong;
  return longClass;
}

/** Reads Kafka's variable-length fields as kafkajs's `Decoder` does, without its allocations. */
class Reader {
  constructor(
    readonly buf: Buffer,
    public at: number,
  ) {}

  /** A zig-zag varint, with kafkajs's 32-bit arithmetic. */
  varInt(): number {
    let byte: number;
    let result = 0;
    let shift = 0;
    do {
      byte = this.buf[this.at++]!;
      result += (byte & 0x7f) << shift;
      shift += 7;
    } while (byte >= 0x80);
    return (result >>> 1) ^ -(result & 1);
  }

  /** A zig-zag varlong: a number when it is exact (up to 2^53), a BigInt beyond. */
  varLong(): number | bigint {
    const start = this.at;
    let byte: number;
    let result = 0;
    let scale = 1;
    do {
      byte = this.buf[this.at++]!;
      result += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte >= 0x80 && this.at - start < 7);
    if (byte < 0x80) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
    // Eight bytes or more: 56 bits and up.
    this.at = start;
    let long = 0n;
    let shift = 0n;
    do {
      if (shift > 63n) throw new Error('Invalid Long, must contain 9 bytes or less');
      byte = this.buf[this.at++]!;
      long += BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte >= 0x80);
    return (long >> 1n) ^ -(long & 1n);
  }

  /** Length-prefixed bytes, null for length -1: a view of the record's buffer, as kafkajs's. */
  bytes(): Buffer | null {
    const length = this.varInt();
    if (length === -1) return null;
    const bytes = this.buf.slice(this.at, this.at + length);
    this.at += length;
    return bytes;
  }

  /** A length-prefixed UTF-8 string, null for length -1. */
  text(): string | null {
    const length = this.varInt();
    if (length === -1) return null;
    const text = this.buf.slice(this.at, this.at + length).toString('utf8');
    this.at += length;
    return text;
  }
}

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) tables for eight bytes at a time. */
const CRC32C_TABLES = ((): Int32Array => {
  const tables = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n += 1) {
    let crc = n;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    tables[n] = crc;
  }
  for (let n = 0; n < 256; n += 1) {
    let crc = tables[n]!;
    for (let table = 1; table < 8; table += 1) {
      crc = tables[crc & 0xff]! ^ (crc >>> 8);
      tables[table * 256 + n] = crc;
    }
  }
  return tables;
})();

/**
 * The CRC-32C of a record batch, unsigned: what kafkajs's `src/protocol/recordBatch/crc32C/crc32C`
 * returns, eight bytes a step instead of one (slicing-by-8). Every byte a service produces passes
 * through it once; over 200,000 filings it took 86 ms of the gateway's CPU profile where kafkajs's
 * took 222 (docs/benchmarks.md).
 */
export function crc32C(buffer: Uint8Array): number {
  const t = CRC32C_TABLES;
  const length = buffer.length;
  const whole = length - (length & 7);
  let crc = -1;
  let at = 0;
  for (; at < whole; at += 8) {
    const low = crc ^ (buffer[at]! | (buffer[at + 1]! << 8) | (buffer[at + 2]! << 16) | (buffer[at + 3]! << 24));
    crc =
      t[1792 + (low & 0xff)]! ^
      t[1536 + ((low >>> 8) & 0xff)]! ^
      t[1280 + ((low >>> 16) & 0xff)]! ^
      t[1024 + (low >>> 24)]! ^
      t[768 + buffer[at + 4]!]! ^
      t[512 + buffer[at + 5]!]! ^
      t[256 + buffer[at + 6]!]! ^
      t[buffer[at + 7]!]!;
  }
  for (; at < length; at += 1) crc = t[(crc ^ buffer[at]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** Whether kafkajs's producer and consumer in this process use each of the functions above. */
export const kafkajsFastPaths: Readonly<{
  grouping: boolean;
  records: boolean;
  fetchedRecords: boolean;
  checksums: boolean;
}> = {
  grouping: replaceModule(
    'kafkajs/src/producer/groupMessagesPerPartition',
    'kafkajs/src/producer/sendMessages',
    groupMessagesPerPartition,
  ),
  records: replaceModule(
    'kafkajs/src/protocol/recordBatch/record/v0',
    'kafkajs/src/protocol/requests/produce/v3/request',
    encodeRecord,
  ),
  fetchedRecords: replaceModule(
    'kafkajs/src/protocol/recordBatch/record/v0/decoder',
    'kafkajs/src/protocol/recordBatch/v0/decoder',
    decodeRecord,
  ),
  checksums: replaceModule(
    'kafkajs/src/protocol/recordBatch/crc32C/crc32C',
    'kafkajs/src/protocol/recordBatch/crc32C/index',
    crc32C,
  ),
};

/**
 * Puts `exports` in Node's module cache as the module `request` names, unless the module that
 * loads it (`loadedBy`) is loaded already (it would keep the original). False where there is no
 * CommonJS module cache (under Jest), kafkajs was loaded first or has moved its files; kafkajs's
 * own code is then used, with the same result.
 */
function replaceModule(request: string, loadedBy: string, exports: unknown): boolean {
  const load = createRequire(__filename);
  let target: string;
  let user: string;
  try {
    target = load.resolve(request);
    user = load.resolve(loadedBy);
  } catch {
    return false;
  }
  const cache = load.cache as NodeJS.Dict<NodeJS.Module> | undefined;
  if (!cache || typeof cache !== 'object') return false;
  if (cache[user]) return cache[target]?.exports === exports;
  const module = new Module(target);
  module.filename = target;
  module.loaded = true;
  module.exports = exports;
  cache[target] = module;
  return cache[target] === module;
}
