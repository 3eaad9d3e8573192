// What the vendors' Go tools print, for the stand-ins: Go's time.ParseDuration (and its messages, which the
// real ac prints for a bad --keep-younger-than), Go's Duration.String for flag defaults, and go-units'
// BytesSize as OpenShift's hard prune prints it ("2.835 GiB", the openshift-docs example; newer go-units
// drop the space).

const UNITS = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go duration ("72h", "1h30m", "90s"); throws with Go's message when it is not one. */
export function parseDuration(text) {
  const quoted = JSON.stringify(text);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new Error(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest);
    if (!number || number[0] === '' || number[0] === '.') throw new Error(`time: invalid duration ${quoted}`);
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(rest)[0];
    if (unit === '') throw new Error(`time: missing unit in duration ${quoted}`);
    if (!(unit in UNITS)) throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    rest = rest.slice(unit.length);
    total += Number(`${number[1] || '0'}.${number[2] || '0'}`) * UNITS[unit];
  }
  return sign * total;
}

/** Go's Duration.String for whole seconds and above ("1h0m0s", "72h0m0s", "0s"). */
export function formatDuration(ms) {
  if (ms === 0) return '0s';
  const seconds = Math.floor(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** go-units BytesSize with OpenShift's documented spacing: "%.4g %s" over B, KiB, MiB, GiB, TiB. */
export function bytesSize(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let size = bytes;
  let i = 0;
  while (size >= 1024 && i < units.length - 1) {
    size /= 1024;
    i++;
  }
  return `${Number(size.toPrecision(4))} ${units[i]}`;
}
