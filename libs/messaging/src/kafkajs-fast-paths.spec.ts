import { randomBytes } from 'node:crypto';

import {
  crc32C,
  decodeRecord,
  encodeRecord,
  groupMessagesPerPartition,
  type RecordArgs,
  type RecordBatchContext,
  type RecordReader,
} from './kafkajs-fast-paths';

// kafkajs's own implementations, the references: the fast ones must give the same results.
const kafkajsGrouping = require('kafkajs/src/producer/groupMessagesPerPartition') as typeof groupMessagesPerPartition;
const kafkajsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C') as (buffer: Buffer) => number;
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (args: RecordArgs) => {
  buffer: Buffer;
};

interface Message {
  key: string;
  value: string;
}

describe('groupMessagesPerPartition', () => {
  const partitioner = ({ message }: { message: Message }) => Number(message.key.slice(1)) % 3;

  it('groups by the partitioner in send order, as kafkajs does', () => {
    const messages = ['k4', 'k0', 'k5', 'k3', 'k2', 'k9', 'k1'].map((key) => ({ key, value: key }));
    const args = { topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner };
    const groups = groupMessagesPerPartition(args);
    // 4 % 3 = 1, 0 → 0, 5 → 2, 3 → 0, 2 → 2, 9 → 0, 1 → 1
    expect(Object.entries(groups).map(([partition, list]) => [partition, list.map((m) => m.key)])).toEqual([
      ['0', ['k0', 'k3', 'k9']],
      ['1', ['k4', 'k1']],
      ['2', ['k5', 'k2']],
    ]);
    expect(groups).toEqual(kafkajsGrouping(args));
  });

  it('agrees with kafkajs on a large send and on a topic without partitions', () => {
    const messages = Array.from({ length: 5000 }, (_, n) => ({ key: `k${(n * 7919) % 10007}`, value: String(n) }));
    const args = { topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner };
    expect(groupMessagesPerPartition(args)).toEqual(kafkajsGrouping(args));
    expect(groupMessagesPerPartition({ ...args, partitionMetadata: [] })).toEqual({});
    expect(kafkajsGrouping({ ...args, partitionMetadata: [] })).toEqual({});
  });
});

describe('encodeRecord', () => {
  it('writes a small record byte by byte as the Kafka record format lays it out', () => {
    const encoded = encodeRecord({ offsetDelta: 1, timestampDelta: 2, key: 'k', value: 'v', headers: { h: 'x' } });
    // length 12 (zig-zag 24), attributes 0, timestamp delta 2 (4), offset delta 1 (2), key "k"
    // (length 1 → 2), value "v", one header (2): key "h", value "x". Without any: six bytes
    // (length 6 → 12), null key and value (-1 → 1), no headers.
    expect([...encoded.buffer]).toEqual([24, 0, 4, 2, 2, 0x6b, 2, 0x76, 2, 2, 0x68, 2, 0x78]);
    expect([...encodeRecord({ key: null, value: null }).buffer]).toEqual([12, 0, 0, 0, 1, 1, 0]);
  });

  it('gives the bytes kafkajs gives, for keys, values, headers and deltas of every kind', () => {
    let seed = 3;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const text = (length: number) =>
      Array.from({ length }, () => ['a', 'é', '港', '😀', '"', '\n'][next() % 6]).join('');
    const bytes = (length: number) => Buffer.from(Array.from({ length }, () => next() & 0xff));
    const pick = (n: number): Buffer | string | null => (n % 3 === 0 ? null : n % 3 === 1 ? text(n) : bytes(n));
    const deltas = [
      0,
      1,
      63,
      64,
      127,
      128,
      8191,
      8192,
      2 ** 20,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 40 + 7,
      2 ** 52,
      -1,
      -64,
      -(2 ** 40),
    ];
    for (let n = 0; n < 400; n += 1) {
      const headers: RecordArgs['headers'] = {};
      for (let h = 0; h < n % 4; h += 1) {
        headers[`h${h}${text(h)}`] = h === 2 ? [text(3), bytes(5)] : h === 1 ? bytes(next() % 40) : text(next() % 40);
      }
      const args: RecordArgs = {
        offsetDelta: n % 7 === 0 ? next() % 100_000 : n,
        timestampDelta: deltas[n % deltas.length]!,
        key: n % 5 === 0 ? null : pick(next() % 60),
        // Now and then a value longer than 16 KiB: a three-byte length.
        value: n % 50 === 0 ? text(20_000) : pick(next() % 600),
        headers,
      };
      expect(encodeRecord(args).buffer.toString('hex')).toBe(kafkajsRecord(args).buffer.toString('hex'));
    }
  });
});

describe('decodeRecord', () => {
  // kafkajs's own record decoder and its byte reader, the references.
  const kafkajsDecodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (
    decoder: unknown,
    context?: RecordBatchContext,
  ) => unknown;
  const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => RecordReader;
  /** A record's bytes without the length that the batch reads ahead of the record decoder. */
  const body = (args: RecordArgs) => {
    const reader = new KafkajsDecoder(encodeRecord(args).buffer);
    return (reader as unknown as { readVarIntBytes(): Buffer }).readVarIntBytes();
  };
  const both = (bytes: Buffer, context?: RecordBatchContext) => {
    const ours = new KafkajsDecoder(bytes);
    const theirs = new KafkajsDecoder(bytes);
    const result = { ours: decodeRecord(ours, context), theirs: kafkajsDecodeRecord(theirs, context) };
    expect(ours.offset).toBe(theirs.offset);
    return result;
  };
  const context: RecordBatchContext = {
    firstOffset: '4096',
    firstTimestamp: '1796000000000',
    magicByte: 2,
    isControlBatch: false,
    timestampType: 0,
    maxTimestamp: '1796000000999',
  };

  it("reads a small record field by field: offset and time are the batch's plus the deltas", () => {
    // The bytes of the encodeRecord test above: timestamp delta 2, offset delta 1, key "k",
    // value "v", one header h = "x".
    const record = decodeRecord(
      new KafkajsDecoder(Buffer.from([0, 4, 2, 2, 0x6b, 2, 0x76, 2, 2, 0x68, 2, 0x78])),
      context,
    );
    expect(record).toEqual({
      magicByte: 2,
      attributes: 0,
      timestamp: '1796000000002',
      offset: '4097',
      key: Buffer.from('k'),
      value: Buffer.from('v'),
      headers: { h: Buffer.from('x') },
      isControlRecord: false,
      batchContext: context,
    });
    // The broker's time, when the batch says so; no key or value, no headers.
    const appended = decodeRecord(new KafkajsDecoder(Buffer.from([0, 4, 2, 1, 1, 0])), {
      ...context,
      timestampType: 1,
    });
    expect([appended.timestamp, appended.offset, appended.key, appended.value, appended.headers]).toEqual([
      '1796000000999',
      '4097',
      null,
      null,
      {},
    ]);
  });

  it('gives what kafkajs gives, for deltas, keys, values and headers of every kind', () => {
    let seed = 11;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const text = (length: number) => Array.from({ length }, () => ['a', 'é', '港', '😀'][next() % 4]).join('');
    const bytes = (length: number) => Buffer.from(Array.from({ length }, () => next() & 0xff));
    const deltas = [
      0,
      1,
      -1,
      63,
      64,
      -65,
      8192,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 40 + 7,
      -(2 ** 40),
      2 ** 48,
      2 ** 52,
      -(2 ** 52),
    ];
    // Bases near and beyond 2^53, where the sum must be exact 64-bit arithmetic.
    const bases = ['0', '4096', '1796000000000', '-1', '9007199254740991', '9007199254740993', '9223372036854775000'];
    let protoSeen = 0;
    for (let n = 0; n < 600; n += 1) {
      const headers: RecordArgs['headers'] = {};
      // Repeated names (arrays), names an object inherits (toString) or would take as its prototype.
      const names = ['h', 'trace', 'toString', '__proto__', text(3)];
      for (let h = 0; h < n % 5; h += 1) {
        const name = names[(n + h) % names.length]!;
        const value = h % 2 === 0 ? [text(next() % 9), bytes(next() % 9)] : bytes(next() % 30);
        // As an own property: assigned, __proto__ would set the object's prototype instead.
        Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
      }
      const args: RecordArgs = {
        offsetDelta: n % 3 === 0 ? next() % 100_000 : n,
        timestampDelta: deltas[n % deltas.length]!,
        key: n % 4 === 0 ? null : text(next() % 40),
        value: n % 7 === 0 ? null : n % 50 === 0 ? bytes(20_000) : bytes(next() % 700),
        headers,
      };
      const batch = {
        ...context,
        firstOffset: bases[n % bases.length]!,
        firstTimestamp: bases[(n + 3) % bases.length]!,
        timestampType: n % 9 === 0 ? 1 : 0,
        isControlBatch: n % 11 === 0,
      };
      const { ours, theirs } = both(body(args), batch);
      expect(ours).toEqual(theirs);
      const theirHeaders = (theirs as { headers: Record<string, unknown> }).headers;
      expect(Object.keys(ours.headers)).toEqual(Object.keys(theirHeaders));
      for (const name of Object.keys(theirHeaders)) expect(ours.headers[name]).toEqual(theirHeaders[name]);
      if (Object.keys(headers).includes('__proto__')) protoSeen += 1;
    }
    expect(protoSeen).toBeGreaterThan(50);
  });

  it('reads eight- to ten-byte time deltas and fails where kafkajs fails', () => {
    // Timestamp deltas of 2^56 + 5 and -(2^62): varlongs of 9 and 10 bytes, beyond plain numbers.
    for (const delta of [2n ** 56n + 5n, -(2n ** 62n), 2n ** 49n]) {
      const zigzag = delta >= 0n ? delta << 1n : (-delta << 1n) - 1n;
      const varlong: number[] = [];
      let rest = zigzag;
      while (rest >= 0x80n) {
        varlong.push(Number(rest & 0x7fn) | 0x80);
        rest >>= 7n;
      }
      varlong.push(Number(rest));
      const bytes = Buffer.from([0, ...varlong, 0, 1, 1, 0]);
      const { ours, theirs } = both(bytes, context);
      expect(ours).toEqual(theirs);
      expect(ours.timestamp).toBe(String(1796000000000n + delta));
    }
    // Eleven bytes of a varlong; a negative header count other than -1.
    const tooLong = Buffer.from([0, ...Array(10).fill(0x80), 1, 0, 1, 1, 0]);
    expect(() => decodeRecord(new KafkajsDecoder(tooLong), context)).toThrow('Invalid Long');
    expect(() => kafkajsDecodeRecord(new KafkajsDecoder(tooLong), context)).toThrow('Invalid Long');
    const badCount = Buffer.from([0, 0, 0, 1, 1, 3]);
    expect(() => decodeRecord(new KafkajsDecoder(badCount), context)).toThrow(RangeError);
    expect(() => kafkajsDecodeRecord(new KafkajsDecoder(badCount), context)).toThrow(RangeError);
  });
});

describe('crc32C', () => {
  it('gives the CRC-32C check value and those of empty and one-byte input', () => {
    // The standard check value of CRC-32C ("123456789"), as in RFC 3720 and every CRC catalogue.
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32C(Buffer.alloc(0))).toBe(0);
    expect(crc32C(Buffer.from([0]))).toBe(0x527d5351);
  });

  it('gives what kafkajs gives for every length around the eight-byte steps, and for large buffers', () => {
    for (let length = 0; length <= 70; length += 1) {
      const buffer = randomBytes(length);
      expect([length, crc32C(buffer)]).toEqual([length, kafkajsCrc32C(buffer)]);
    }
    for (const length of [1023, 4096, 65_537, 1_048_576]) {
      const buffer = randomBytes(length);
      expect([length, crc32C(buffer)]).toEqual([length, kafkajsCrc32C(buffer)]);
    }
    // All bits set: every table lookup at its largest index.
    const ones = Buffer.alloc(257, 0xff);
    expect(crc32C(ones)).toBe(kafkajsCrc32C(ones));
    // A view into a larger buffer starts at its own first byte.
    const whole = randomBytes(100);
    expect(crc32C(whole.subarray(3, 90))).toBe(kafkajsCrc32C(whole.subarray(3, 90)));
  });
});
