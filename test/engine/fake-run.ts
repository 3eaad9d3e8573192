import { runEngine, type RunResult } from '../../src/engine/engine.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { nobody, type Operator } from '../../src/engine/operator.js';
import type { JournalEvent, NewJournalEvent } from '../../src/journal/events.js';
import { runPaths, type RunPaths } from '../../src/journal/run-dir.js';
import { applyEvent, replay, type RunState } from '../../src/journal/state.js';
import { buildPlan } from '../../src/plan/plan.js';
import type { ResolvedParam } from '../../src/plan/params.js';
import type { Mode } from '../../src/plan/types.js';
import { parseText } from '../../src/schema/load.js';
import { createMasker } from '../../src/secrets/masker.js';
import { gateOpened } from '../../src/transports/start-gate.js';
import type { ExecOutcome, ExecRequest } from '../../src/schema/transport.js';
import { tempDirForTest } from '../harness/tmp.js';

/** What a fake transport does for one request: print, then end how it says (optionally after a delay). */
export interface FakeReply {
  stdout?: string;
  stderr?: string;
  outcome?: ExecOutcome;
  delayMs?: number;
}

export interface FakeRun {
  result: RunResult;
  events: EngineEvent[];
  journal: JournalEvent[];
  state: RunState;
  requests: ExecRequest[];
  /** Requests whose command acted (their start gate opened), in order. */
  acted: ExecRequest[];
  /** Highest number of executions running at once. */
  peak: number;
}

/**
 * Drive the engine with fakes: runbook and site from text, a scripted transport, an in-memory journal that is
 * replayed exactly as the real one. `previous` continues a run from its journal, as resume does.
 */
export async function fakeRun(options: {
  runbook: string;
  site?: string;
  params?: Record<string, ResolvedParam>;
  mode?: Mode;
  reply: (request: ExecRequest, call: number) => FakeReply;
  operator?: Operator;
  previous?: JournalEvent[];
  abortAfterMs?: number;
  /** What `pods: all` finds. */
  pods?: string[];
  /** The fsync of the in-memory journal: awaited after each event is recorded (default: none). */
  sync?: (event: JournalEvent) => Promise<void>;
  /** The run directory (logs); a fresh temp one by default. */
  paths?: RunPaths;
  /** Called as each request reaches the transport, before its start gate opens. */
  onExec?: (request: ExecRequest) => void;
  /** Nobody at a terminal: a stop's resume command carries every later flag. */
  unattended?: boolean;
}): Promise<FakeRun> {
  const runbook = parseText('runbook.yaml', options.runbook, 'Runbook').value;
  const site = parseText('site.yaml', options.site ?? 'apiVersion: fieldbook/v1\nkind: Site\nmetadata: { name: lab }\n', 'Site').value;
  const params = options.params ?? {};
  const plan = buildPlan(runbook, site, params);
  const mode = options.mode ?? 'live';
  const started: JournalEvent = {
    type: 'run-started', v: 1, at: new Date().toISOString(), runId: 'fake', fieldbook: 'test', mode,
    runbook: { name: runbook.metadata.name, title: runbook.metadata.title, path: 'runbook.yaml', sha256: '' },
    site: { name: site.metadata.name, path: 'site.yaml', sha256: '' }, params: {}, by: { user: 'tester', host: 'test' }, pid: 0,
  };
  const journal: JournalEvent[] = options.previous ? [...options.previous] : [started];
  const state = replay(journal);
  const events: EngineEvent[] = [];
  const requests: ExecRequest[] = [];
  const acted: ExecRequest[] = [];
  let running = 0;
  let peak = 0;
  const controller = new AbortController();
  if (options.abortAfterMs !== undefined) setTimeout(() => controller.abort(), options.abortAfterMs);
  const paths = options.paths ?? runPaths(tempDirForTest());
  const secrets = Object.values(params).filter((p) => p.secret).map((p) => String(p.value));
  const result = await runEngine({
    plan, runbook, site, mode, state,
    params: Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.value])),
    paths,
    record: async (event: NewJournalEvent) => {
      const full = { ...event, at: new Date().toISOString() } as JournalEvent;
      journal.push(full);
      await options.sync?.(full);
      applyEvent(state, full);
    },
    transports: {
      async exec(request) {
        const call = requests.push(request) - 1;
        options.onExec?.(request);
        // Like the real transports: nothing acts before the start gate opens.
        if (!(await gateOpened(request))) return { outcome: { kind: 'cancelled' }, durationMs: 0 };
        acted.push(request);
        const reply = options.reply(request, call);
        running++;
        peak = Math.max(peak, running);
        try {
          if (reply.stdout) request.onStdout(Buffer.from(reply.stdout));
          if (reply.stderr) request.onStderr(Buffer.from(reply.stderr));
          const outcome = await new Promise<ExecOutcome>((resolve) => {
            const timer = setTimeout(() => resolve(reply.outcome ?? { kind: 'exited', exitCode: 0 }), reply.delayMs ?? 0);
            const limit = request.timeoutMs !== undefined && request.timeoutMs < (reply.delayMs ?? 0) ? setTimeout(() => (clearTimeout(timer), resolve({ kind: 'timeout' })), request.timeoutMs) : undefined;
            request.signal?.addEventListener('abort', () => (clearTimeout(timer), limit && clearTimeout(limit), resolve({ kind: 'cancelled' })), { once: true });
          });
          return { outcome, durationMs: reply.delayMs ?? 0 };
        } finally {
          running--;
        }
      },
      async listPods() {
        return { pods: options.pods ?? [] };
      },
      async closeAll() {},
    },
    masker: createMasker(secrets),
    secretRecords: new Map(),
    operator: options.operator ?? nobody,
    actor: { user: 'tester', host: 'test' },
    emit: (event) => events.push(event),
    signal: controller.signal,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5))),
    resumeCommand: 'fieldbook resume fake',
    ...(options.unattended ? { unattended: true } : {}),
  });
  return { result, events, journal, state, requests, acted, peak };
}

/** The script a request ran (for `run` steps). */
export function scriptOf(request: ExecRequest): string {
  return request.command.kind === 'script' ? request.command.script : '';
}
