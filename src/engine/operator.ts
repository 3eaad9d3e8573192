import { DIGEST_PREFIX, shortDigest } from '../journal/review.js';
import type { UnitRef, Waiting } from './events.js';

export interface ConfirmRequest {
  step: string;
  title: string;
  phrase: string;
  message?: string;
  /** Where it would act: hosts, namespace, pod, and the resolved command. */
  scope: string[];
  /** The list it acts on (`confirm.review`): every item, and the digest an approval names. */
  review?: { items: string[]; digest: string };
}

export interface ManualRequest {
  step: string;
  title: string;
  instructions: string;
  checklist: string[];
  record: { name: string; prompt: string; pattern?: string; secret: boolean }[];
}

export interface FailureRequest {
  step: string;
  title: string;
  failed: { unit: UnitRef; reason: string }[];
  logPaths: string[];
}

export interface UnknownRequest {
  step: string;
  title: string;
  unit: UnitRef;
  /** Why the outcome is unknown: the process that drove it died, the connection dropped, ... */
  reason: string;
  /** Running it again asks for the step's phrase first; marking it done or skipping it runs nothing, so does not. */
  destructive: boolean;
  /** What it printed last (its log's end, masked): where it had got to. */
  lastLines: string[];
  logPath: string;
  /** The runbook's `check:`, rendered: how to see on the target whether it acted. */
  check?: string;
}

/** A host key that is not in known_hosts yet (asked by the SSH transport before anything runs on the host). */
export interface HostKeyRequest {
  /** Site host name. */
  host: string;
  address: string;
  port: number;
  keyType: string;
  /** `SHA256:...` */
  fingerprint: string;
  /** The name the key is recorded under in known_hosts: `address` or `[address]:port`. */
  knownHostsName: string;
}

/** An answer, or `undefined` when nobody can be asked (non-interactive): the run then stops with exit 3. */
export type Answer<T> = Promise<T | undefined>;

/**
 * The person at the keyboard, as the engine sees them. The TUI and the plain renderer implement it; the
 * `--approve`/`--decide` flags answer first (see `withPresets`).
 */
export interface Operator {
  confirm(request: ConfirmRequest): Answer<{ phrase: string; via: 'prompt' | 'flag' } | 'refused'>;
  manual(request: ManualRequest): Answer<{ values: Record<string, string>; via: 'prompt' | 'flag' } | 'refused'>;
  onFailure(request: FailureRequest): Answer<{ decision: 'retry' | 'skip' | 'abort'; reason: string; via: 'prompt' | 'flag' }>;
  decideUnknown(request: UnknownRequest): Answer<{ decision: 'rerun' | 'done' | 'skip'; reason: string; via: 'prompt' | 'flag' }>;
  /** Optional: accept or refuse an unknown SSH host key after showing its fingerprint; absent means refuse. */
  acceptHostKey?(request: HostKeyRequest): Promise<'accept' | 'refuse'>;
  /** A decision given in advance (--decide) for a unit that failed before this resume; never prompts. */
  presetDecision?(unit: UnitRef): 'rerun' | 'done' | 'skip' | undefined;
}

/** Nobody to ask: every question stops the run (exit 3) naming what it waits for. */
export const nobody: Operator = {
  confirm: async () => undefined,
  manual: async () => undefined,
  onFailure: async () => undefined,
  decideUnknown: async () => undefined,
};

/** Answers given on the command line before the run: --approve, --decide, --record. */
export interface Presets {
  approve: ReadonlySet<string>;
  /** Keyed by `step` or `step@target`. */
  decide: ReadonlyMap<string, 'rerun' | 'done' | 'skip'>;
  /** Keyed by `step.name`. */
  record: ReadonlyMap<string, string>;
}

/** An operator that answers from the presets first and asks `fallback` for the rest. */
export function withPresets(presets: Presets, fallback: Operator): Operator {
  const preset = (unit: UnitRef) => presets.decide.get(`${unit.step}@${unit.target}`) ?? presets.decide.get(unit.step);
  return {
    async confirm(request) {
      if (approves(presets.approve, request)) return { phrase: request.phrase, via: 'flag' };
      return fallback.confirm(request);
    },
    async manual(request) {
      const values = Object.fromEntries(request.record.flatMap((r) => {
        const value = presets.record.get(`${request.step}.${r.name}`);
        return value === undefined ? [] : [[r.name, value]];
      }));
      if (presets.approve.has(request.step) && Object.keys(values).length === request.record.length) return { values, via: 'flag' };
      return fallback.manual(request);
    },
    async onFailure(request) {
      return fallback.onFailure(request);
    },
    async decideUnknown(request) {
      const decision = preset(request.unit);
      if (decision) return { decision, reason: `--decide ${request.step}=${decision}`, via: 'flag' };
      return fallback.decideUnknown(request);
    },
    presetDecision: preset,
    ...(fallback.acceptHostKey ? { acceptHostKey: (request: HostKeyRequest) => fallback.acceptHostKey!(request) } : {}),
  };
}

/**
 * `--approve <step>` approves a step; a step with a reviewed list needs `--approve <step>=<digest>`, naming the
 * list the operator read, so a list that changed since (the preview ran again) is not approved unseen.
 */
function approves(approve: ReadonlySet<string>, request: ConfirmRequest): boolean {
  if (!request.review) return approve.has(request.step);
  return [...approve].some((entry) => {
    const [step, digest] = entry.split('=', 2);
    return step === request.step && digest !== undefined && digest.length >= DIGEST_PREFIX && request.review!.digest.startsWith(digest.toLowerCase());
  });
}

/** The exact flag that settles a waiting item, for messages and the resume command. */
export function settleFlag(waiting: Omit<Waiting, 'flag' | 'detail'>): string {
  switch (waiting.kind) {
    case 'confirmation':
      return `--approve ${waiting.step}${waiting.digest ? `=${shortDigest(waiting.digest)}` : ''}`;
    case 'manual':
      // Ticking the checklist without its values would stop at the same step again.
      return [`--approve ${waiting.step}`, ...(waiting.records ?? []).map((name) => `--record ${waiting.step}.${name}=<${name}>`)].join(' ');
    case 'decision':
      // A placeholder a shell refuses (`<`, `|`): pasted unchanged, nothing is decided.
      return `--decide ${waiting.step}${waiting.unit && waiting.unit.target !== 'local' ? `@${waiting.unit.target}` : ''}=<rerun|done|skip>`;
    case 'failure':
      if (waiting.restart) return `--from ${waiting.step}`;
      return waiting.unreviewed
        ? `--decide ${waiting.step}=done|skip|rerun, after checking what it acted on (resume alone stops here again)`
        : `--decide ${waiting.step}=skip|done (or fix the cause and resume to retry)`;
  }
}
