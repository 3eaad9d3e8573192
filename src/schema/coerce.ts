import type { ParamValue } from './common.js';
import type { ParamSpec } from './runbook.js';

/** Type a raw value per the param spec; strings from the command line are parsed, YAML values are checked. */
export function coerce(spec: ParamSpec, raw: unknown, fromText: boolean): ParamValue | { problem: string } {
  switch (spec.type) {
    case 'integer': {
      const value = fromText && typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return { problem: `expected an integer, found ${show(raw, spec)}` };
      return allowed(spec, value);
    }
    case 'boolean': {
      const text = typeof raw === 'string' && fromText ? raw.trim().toLowerCase() : undefined;
      const value = text === undefined ? raw : ['true', 'yes', '1'].includes(text) ? true : ['false', 'no', '0'].includes(text) ? false : raw;
      if (typeof value !== 'boolean') return { problem: `expected true or false, found ${show(raw, spec)}` };
      return value;
    }
    case 'list': {
      const items = fromText && typeof raw === 'string' ? splitList(raw) : raw;
      if (!Array.isArray(items) || items.some((i) => typeof i !== 'string' && typeof i !== 'number')) return { problem: `expected a list of strings, found ${show(raw, spec)}` };
      for (const item of items) {
        const problem = checkString(spec, String(item));
        if (problem) return { problem: `item ${JSON.stringify(String(item))}: ${problem}` };
        if (spec.values && !spec.values.map(String).includes(String(item))) return { problem: `item ${show(String(item), spec)}: expected one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}` };
      }
      return items.map(String);
    }
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return { problem: `expected a string, found ${show(raw, spec)}` };
      const problem = checkString(spec, String(raw));
      return problem ? { problem } : allowed(spec, String(raw));
    }
  }
}

function splitList(text: string): string[] {
  if (text.trim().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // Not JSON: fall through to the comma form.
    }
  }
  return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function checkString(spec: ParamSpec, value: string): string | undefined {
  if (value.includes('\0')) return 'contains a NUL byte, which no shell can carry';
  if (spec.pattern !== undefined && !new RegExp(spec.pattern, 'u').test(value)) return `${spec.secret ? 'the value' : JSON.stringify(value)} does not match the pattern ${spec.pattern}`;
  return undefined;
}

function allowed(spec: ParamSpec, value: string | number): ParamValue | { problem: string } {
  if (spec.values && !spec.values.map(String).includes(String(value))) return { problem: `expected one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}, found ${show(value, spec)}` };
  return value;
}

function show(raw: unknown, spec: ParamSpec): string {
  if (spec.secret) return 'a value of the wrong form';
  return typeof raw === 'string' ? JSON.stringify(raw) : Array.isArray(raw) ? 'a list' : typeof raw === 'object' && raw !== null ? 'a mapping' : String(raw);
}
