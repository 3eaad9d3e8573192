// Flags the way `ac` (a cobra/pflag CLI, like kubectl and oc) reads them: --name=value, --name value, bare
// booleans, repeatable string arrays, klog's -v/--v, -h/--help; and cobra's wording when they are wrong
// ("Error: unknown flag: --confirm", then the usage, exit 1). pflag's own messages for bad values.
import { formatDuration, parseDuration } from './go-compat.mjs';

const TYPE = { bool: '', int: 'int', duration: 'duration', string: 'string', stringArray: 'stringArray' };
const GLOBAL = { v: { type: 'int', short: 'v', usage: 'number for the log level verbosity', typeName: 'Level', default: 0 } };

export class UsageError extends Error {}

/** Parses `args` against `spec` (name → { type, default, usage, short? }); throws UsageError with pflag's message. */
export function parseFlags(spec, args) {
  const all = { ...spec, ...GLOBAL, help: { type: 'bool', short: 'h', usage: 'help for' } };
  const values = Object.fromEntries(Object.entries(all).map(([name, f]) => [name, f.type === 'stringArray' ? [] : f.default ?? (f.type === 'bool' ? false : '')]));
  const changed = new Set();
  const positional = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    let name;
    let value;
    if (arg.startsWith('--')) {
      [name, value] = arg.includes('=') ? [arg.slice(2, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg.slice(2), undefined];
      if (!(name in all)) throw new UsageError(`unknown flag: --${name}`);
    } else if (arg.startsWith('-') && arg.length > 1) {
      const short = arg[1];
      name = Object.keys(all).find((n) => all[n].short === short);
      if (!name) throw new UsageError(`unknown shorthand flag: '${short}' in ${arg}`);
      value = arg.length > 2 ? arg.slice(arg[2] === '=' ? 3 : 2) : undefined;
    } else {
      positional.push(arg);
      continue;
    }
    const flag = all[name];
    const shown = arg.startsWith('--') ? `--${name}` : `-${flag.short}, --${name}`;
    if (value === undefined && flag.type !== 'bool') {
      if (i + 1 >= args.length) throw new UsageError(`flag needs an argument: ${arg.startsWith('--') ? `--${name}` : `'${flag.short}' in -${flag.short}`}`);
      value = args[++i];
    }
    values[name] = convert(flag, name, value, shown, values[name]);
    changed.add(name);
  }
  return { values, changed, positional };
}

function convert(flag, name, value, shown, previous) {
  const invalid = (why) => new UsageError(`invalid argument ${JSON.stringify(value)} for "${shown}" flag: ${why}`);
  switch (flag.type) {
    case 'bool':
      if (value === undefined) return true;
      if (/^(1|t|T|TRUE|true|True)$/.test(value)) return true;
      if (/^(0|f|F|FALSE|false|False)$/.test(value)) return false;
      throw invalid(`strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`);
    case 'int':
      if (!/^[+-]?\d+$/.test(value)) throw invalid(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
      return Number(value);
    case 'duration':
      try {
        return parseDuration(value);
      } catch (error) {
        throw invalid(error.message);
      }
    case 'stringArray':
      return [...previous, value];
    default:
      return value;
  }
}

/** The "Flags:" and "Global Flags:" blocks of cobra's usage, pflag's layout. */
export function flagUsages(spec, commandName) {
  const block = (flags) => {
    const rows = Object.entries(flags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, f]) => {
        const left = `${f.short ? `  -${f.short}, ` : '      '}--${name}${f.typeName ?? TYPE[f.type] ? ` ${f.typeName ?? TYPE[f.type]}` : ''}`;
        const def = defaultText(f);
        return [left, `${f.usage}${name === 'help' ? ` ${commandName}` : ''}${def ? ` (default ${def})` : ''}`];
      });
    const width = Math.max(...rows.map(([left]) => left.length));
    return rows.map(([left, usage]) => `${left.padEnd(width)}   ${usage}`).join('\n');
  };
  return `Flags:\n${block({ ...spec, help: { type: 'bool', short: 'h', usage: 'help for' } })}\n\nGlobal Flags:\n${block(GLOBAL)}\n`;
}

function defaultText(flag) {
  if (flag.default === undefined || flag.default === false || flag.default === '') return '';
  if (flag.type === 'duration') return formatDuration(flag.default);
  if (flag.type === 'int' && flag.default === 0) return '';
  return String(flag.default);
}
