// SPDY/3.1 framing as Kubernetes streaming uses it (moby/spdystream): control and data frames, and header
// blocks compressed with one zlib context per direction, primed with the SPDY/3 dictionary.
import { constants, inflateSync } from 'node:zlib';

export const SYN_STREAM = 1;
export const SYN_REPLY = 2;
export const RST_STREAM = 3;
export const SETTINGS = 4;
export const PING = 6;
export const GOAWAY = 7;
export const FLAG_FIN = 0x01;

const DICTIONARY_WORDS = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language',
  'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding',
  'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag',
  'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since',
  'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
  'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
  'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive',
  'origin',
];
const DICTIONARY_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
  'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

/** The zlib dictionary of SPDY/3 header blocks (draft 3, section 2.6.10.1): length-prefixed words, then a tail. */
export const SPDY_DICTIONARY = Buffer.concat([
  ...DICTIONARY_WORDS.map((word) => {
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(word.length);
    return Buffer.concat([prefix, Buffer.from(word, 'latin1')]);
  }),
  Buffer.from(DICTIONARY_TAIL, 'latin1'),
]);

export type Frame =
  | { control: true; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; data: Buffer };

/** Splits a byte stream into frames. */
export class FrameReader {
  private buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUIntBE(5, 3);
      if (this.buffer.length < 8 + length) break;
      const body = this.buffer.subarray(8, 8 + length);
      const flags = this.buffer[4]!;
      const word = this.buffer.readUInt32BE(0);
      frames.push(
        word & 0x80000000
          ? { control: true, type: word & 0xffff, flags, payload: Buffer.from(body) }
          : { control: false, streamId: word & 0x7fffffff, flags, data: Buffer.from(body) },
      );
      this.buffer = this.buffer.subarray(8 + length);
    }
    return frames;
  }
}

function frameHeader(first: number, flags: number, length: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(first >>> 0, 0);
  header.writeUInt8(flags, 4);
  header.writeUIntBE(length, 5, 3);
  return header;
}

/** A control frame of SPDY version 3. */
export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([frameHeader((0x8003 << 16) | type, flags, payload.length), payload]);
}

/** A data frame; callers keep `data` under 16 MiB. */
export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  return Buffer.concat([frameHeader(streamId & 0x7fffffff, flags, data.length), data]);
}

/** Adler-32, the checksum zlib names a preset dictionary by. */
function adler32(bytes: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * The header compression of one SPDY connection. Node's zlib has no synchronous API for a stream that goes on
 * across calls, and the frames must be answered in order, so: incoming blocks are inflated by running the whole
 * history again (a few hundred bytes per exec), and outgoing blocks are written as stored (uncompressed) deflate
 * blocks, which any zlib reader accepts as a continuation of the connection's stream.
 */
export class HeaderCodec {
  private received = Buffer.alloc(0);
  private inflated = 0;
  private sentHeader = false;

  /** Decodes a compressed name/value block into lower-case names and their values. */
  decode(compressed: Buffer): Map<string, string[]> {
    this.received = Buffer.concat([this.received, compressed]);
    const all = inflateSync(this.received, { dictionary: SPDY_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    const block = all.subarray(this.inflated);
    this.inflated = all.length;
    const headers = new Map<string, string[]>();
    const count = block.readUInt32BE(0);
    let at = 4;
    const read = (): string => {
      const length = block.readUInt32BE(at);
      const text = block.subarray(at + 4, at + 4 + length).toString('latin1');
      at += 4 + length;
      return text;
    };
    for (let i = 0; i < count; i++) {
      const name = read().toLowerCase();
      headers.set(name, read().split('\0'));
    }
    return headers;
  }

  /** Encodes a name/value block as the next piece of this connection's zlib stream. */
  encode(headers: Array<[string, string]>): Buffer {
    const u32 = (n: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n);
      return b;
    };
    const parts: Buffer[] = [u32(headers.length)];
    for (const [name, value] of headers) {
      for (const text of [name.toLowerCase(), value]) parts.push(u32(Buffer.byteLength(text, 'latin1')), Buffer.from(text, 'latin1'));
    }
    const raw = Buffer.concat(parts);
    const out: Buffer[] = [];
    if (!this.sentHeader) {
      // CMF 0x78 (deflate, 32 KiB window), FLG 0x20 (preset dictionary; 0x7820 is a multiple of 31), then DICTID.
      out.push(Buffer.from([0x78, 0x20]), u32(adler32(SPDY_DICTIONARY)));
      this.sentHeader = true;
    }
    // A non-final stored block: BFINAL=0 BTYPE=00 padded to a byte, LEN and its complement, little-endian.
    const stored = Buffer.alloc(5);
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    // Then an empty stored block, as Z_SYNC_FLUSH writes: Go's inflater hands out a block's bytes only once it
    // has seen where the next block starts, and the next frame is not there yet.
    out.push(stored, raw, Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(out);
  }
}
