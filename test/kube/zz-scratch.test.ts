import { test } from 'vitest';
import { SPDY_DICTIONARY, HeaderCodec } from './spdy.js';
import { adler32 } from './zz-adler.js';
test('x', () => {
  console.log(SPDY_DICTIONARY.length, adler32(SPDY_DICTIONARY).toString(16));
  const c = new HeaderCodec(); const d = new HeaderCodec();
  const a = c.encode([['streamType','stdin'],['x','y']]); const b = c.encode([['streamType','stdout']]);
  console.log(a.subarray(0,6).toString('hex'), d.decode(a), d.decode(b));
});
