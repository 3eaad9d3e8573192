import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { FieldbookError, TransportError } from '../errors.js';
import { unitLabel, type Review, type UnitKey } from '../journal/events.js';
import { logPath } from '../journal/run-dir.js';
import { newLogMark, sectionFooter, sectionHeader, type SectionOutput } from '../journal/log-framing.js';
import { hostView, MASK } from '../plan/plan.js';
import { displayCommand, renderCommand } from '../plan/render-step.js';
import { referencedSteps } from '../plan/references.js';
import { buildScope } from '../plan/scope.js';
import type { PlannedStep, PlannedTarget } from '../plan/types.js';
import type { Command, DetachRequest, ExecOutcome, OutputOffsets } from '../schema/transport.js';
import { itemValue } from '../template/record-item.js';
import { CaptureBuffer, captureOutputs, DEFAULT_CAPTURE_BUDGET_MS, MAX_CAPTURE_BYTES, MIN_CAPTURE_BUDGET_MS } from './capture.js';
import type { RegexBounds } from './regex-worker.js';
import type { EngineContext } from './context.js';
import { stepViews, withSecretRecords } from './outputs.js';
import { OutputBatch, type OutputStream } from './output-batch.js';
import { secretCapture, secretInArgv } from './secret-guards.js';
import { UnitLog } from './unit-log.js';

/** How one attempt ended, as the engine judges it. */
export type UnitResult = { outcome: 'succeeded' } | { outcome: 'failed'; reason: string; unreviewed?: string[] } | { outcome: 'unknown'; reason: string };

/** The scope a unit's templates are expanded in: real values, or masked ones for display. */
export function unitScope(ctx: EngineContext, step: PlannedStep, target: PlannedTarget, item: string | undefined, masked: boolean, reviewing?: Review) {
  const params = masked ? Object.fromEntries(Object.entries(ctx.params).map(([name, value]) => [name, ctx.plan.params[name]?.secret ? MASK : value])) : ctx.params;
  const host = target.transport.kind === 'host' && step.kind === 'run' ? hostView(ctx.site, target.name) : undefined;
  // The list as confirmed (journaled), or the one being confirmed now (to show the command it will run).
  const review = step.spec.confirm?.review === undefined ? undefined : (reviewing ?? ctx.state.steps.get(step.id)?.review);
  return buildScope({
    params,
    site: ctx.site,
    run: { id: ctx.state.runId, mode: ctx.mode },
    steps: masked ? stepViews(ctx.state.steps, referenced(ctx, step)) : withSecretRecords(stepViews(ctx.state.steps, referenced(ctx, step)), ctx.secretRecords),
    ...(host ? { host } : {}),
    ...(item !== undefined ? { item: itemValue(item) } : {}),
    ...(review ? { review: review.items.map(itemValue) } : {}),
  });
}


const REFERENCED = new WeakMap<PlannedStep, PlannedStep[]>();
const BY_ID = new WeakMap<EngineContext['plan'], Map<string, PlannedStep>>();

/**
 * The earlier steps a step's expressions name: only their views are built (found once per step, not per unit,
 * and by id: a scan of every step for every step made a long runbook quadratic).
 */
function referenced(ctx: EngineContext, step: PlannedStep): PlannedStep[] {
  let steps = REFERENCED.get(step);
  if (!steps) {
    let byId = BY_ID.get(ctx.plan);
    if (!byId) BY_ID.set(ctx.plan, (byId = new Map(ctx.plan.steps.map((s) => [s.id, s]))));
    steps = [...new Set(referencedSteps(step.spec, step.index))].map((id) => byId.get(id)).filter((s): s is PlannedStep => s !== undefined);
    REFERENCED.set(step, steps);
  }
  return steps;
}

/**
 * Run one unit with its retries; every attempt is journaled before it starts and after it ends. `reattach`
 * continues the last attempt of a detached unit (still running on its host) instead of starting a new one.
 */
export async function runUnit(ctx: EngineContext, step: PlannedStep, target: PlannedTarget, unit: UnitKey, reattach = false): Promise<UnitResult> {
  const previous = ctx.state.steps.get(step.id)?.units;
  let attempt = [...(previous?.values() ?? [])].find((u) => u.key.target === unit.target && u.key.item?.index === unit.item?.index)?.attempt ?? 0;
  if (reattach) attempt--;
  for (;;) {
    attempt++;
    const result = await runAttempt(ctx, step, target, unit, attempt);
    const retriesLeft = step.retries.count - (attempt - 1);
    // Never again after it acted on items nobody reviewed: the run stops for a person (handleFailure).
    const unreviewed = result.outcome === 'failed' && result.unreviewed !== undefined;
    const retryable = !unreviewed && (result.outcome === 'failed' || (result.outcome === 'unknown' && step.idempotent));
    if (!retryable || retriesLeft <= 0 || ctx.signal.aborted) return result;
    ctx.emit({ type: 'retrying', unit, attempt: attempt + 1, delayMs: step.retries.delayMs, reason: result.reason });
    await ctx.sleep(step.retries.delayMs, ctx.signal);
    if (ctx.signal.aborted) return result;
  }
}

async function runAttempt(ctx: EngineContext, step: PlannedStep, target: PlannedTarget, unit: UnitKey, attempt: number): Promise<UnitResult> {
  const item = unit.item?.value;
  let command: Command;
  let display: string;
  try {
    command = forPod(renderCommand(step.spec, ctx.site, unitScope(ctx, step, target, item, false))!, item);
    display = ctx.masker.mask(displayCommand(forPod(renderCommand(step.spec, ctx.site, unitScope(ctx, step, target, item, true))!, item)));
    const argvSecret = secretInArgv(command, ctx.masker);
    if (argvSecret) throw new FieldbookError('refused', argvSecret);
  } catch (error) {
    // A template that cannot be expanded now (a capture gave an unexpected value), a secret bound for argv: the
    // step fails, clearly.
    const reason = ctx.masker.mask(error instanceof FieldbookError ? error.message : String(error));
    await ctx.record({ type: 'unit-started', unit, attempt, command: '(not rendered)' });
    return finish(ctx, unit, attempt, { outcome: 'failed', reason }, 0);
  }
  // The line is written now and fsynced in the background: meanwhile the transport connects and starts the shell
  // that will read the script, and hands the script over (or starts an argv command) only once the line is
  // durable. Until it is awaited below, a failed fsync must not count as an unhandled rejection.
  const mark = newLogMark();
  const durable = ctx.record({ type: 'unit-started', unit, attempt, command: display, logMark: mark });
  durable.catch(() => undefined);
  ctx.emit({ type: 'unit-started', unit, attempt, command: display });

  const log = new UnitLog(logPath(ctx.paths, step.id, target.name), sectionHeader(new Date().toISOString(), ctx.masker.mask(unitLabel(unit)), attempt, display, mark));
  const footer = (text: string) => (output: SectionOutput) => sectionFooter(mark, text, output);
  const detach = step.detach && target.transport.kind === 'host';
  // A detached unit saves its output offsets once a chunk is in the file: the file must exist before any output.
  if (detach) await log.ready();
  const streams = { stdout: ctx.masker.stream(), stderr: ctx.masker.stream() };
  const captured = { stdout: new CaptureBuffer(), stderr: new CaptureBuffer() };
  const wants = new Set(Object.values(step.spec.capture).map((c) => c.from));
  const forward = (stream: OutputStream, text: string) => {
    if (text === '') return;
    log.write(text);
    if (wants.has(stream)) captured[stream].push(text);
    ctx.emit({ type: 'output', unit, stream, text });
  };
  // A detached unit saves its offsets right after each chunk is handed on: its chunks go to the log at once.
  const batch = detach ? undefined : new OutputBatch(forward);
  const receive = (stream: OutputStream, text: string) => (batch ? batch.push(stream, text) : forward(stream, text));

  let outcome: ExecOutcome;
  let durationMs = 0;
  // Captures share the step's timeout with its command: the deadline counts from the start.
  const deadline = Date.now() + (step.timeoutMs ?? DEFAULT_CAPTURE_BUDGET_MS);
  const bounds = (): RegexBounds => ({ budgetMs: Math.max(deadline - Date.now(), MIN_CAPTURE_BUDGET_MS), signal: ctx.signal });
  try {
    const result = await ctx.transports.exec({
      target: target.transport,
      command,
      ...(detach ? { detach: detachRequest(ctx, step, target, unit, attempt) } : {}),
      ...(step.timeoutMs !== undefined ? { timeoutMs: step.timeoutMs } : {}),
      signal: ctx.signal,
      startGate: durable,
      onStdout: (chunk) => receive('stdout', streams.stdout.push(chunk)),
      onStderr: (chunk) => receive('stderr', streams.stderr.push(chunk)),
    });
    outcome = result.outcome;
    durationMs = Math.round(result.durationMs);
  } catch (error) {
    // The hint says what to try (`--accept-host-key cp1=SHA256:...`, `ssh-keygen -R ...`): keep it with the reason.
    const hint = error instanceof TransportError && error.details.hint ? ` (${error.details.hint})` : '';
    const reason = ctx.masker.mask(`${error instanceof Error ? error.message : String(error)}${hint}`);
    // Failing to connect or authenticate means nothing ran; failing later leaves the outcome unknown.
    const beforeStart = error instanceof TransportError && error.details.phase !== undefined && error.details.phase !== 'exec';
    outcome = beforeStart ? { kind: 'refused', reason } : { kind: 'unknown', reason };
  }
  // A journal that cannot be synced stops the run here: the command never got its script, as its log says.
  await durable.catch(async (error: unknown) => {
    await log.close(footer('not run: its start could not be written to the journal')).catch(() => undefined);
    throw error;
  });
  batch?.drain();
  forward('stdout', streams.stdout.flush());
  forward('stderr', streams.stderr.flush());

  // The check runs after a Ctrl-C too (that is when it matters most); a second Ctrl-C exits at once.
  const judged = await withinReview(ctx, step, judge(step, outcome), captured, () => ({ budgetMs: bounds().budgetMs }));
  const texts = { stdout: captured.stdout.text(), stderr: captured.stderr.text() };
  let outputs: Record<string, unknown> | undefined;
  if (judged.outcome === 'succeeded' && Object.keys(step.spec.capture).length > 0) {
    const overflow = (['stdout', 'stderr'] as const).find((s) => captured[s].overflowed);
    const taken = overflow ? { error: `${overflow} is larger than ${MAX_CAPTURE_BYTES / 1024 / 1024} MiB, the most a capture reads` } : await captureOutputs(step.spec.capture, texts, bounds());
    const secret = 'error' in taken ? undefined : secretCapture(step.spec.capture, taken.outputs, { stdout: streams.stdout.hidden > 0, stderr: streams.stderr.hidden > 0 }, ctx.masker);
    const result = secret ? { error: secret } : taken;
    if ('error' in result) {
      return finishWithLog(ctx, log, footer(result.error), () => finish(ctx, unit, attempt, { outcome: 'failed', reason: result.error }, durationMs, exitCodeOf(outcome)));
    }
    outputs = result.outputs;
  }
  const ended = `${judged.outcome}${judged.outcome === 'succeeded' ? '' : `: ${judged.reason}`} after ${(durationMs / 1000).toFixed(1)}s`;
  return finishWithLog(ctx, log, footer(ended), () => finish(ctx, unit, attempt, judged, durationMs, exitCodeOf(outcome), outputs));
}

/**
 * Close the log, then journal the outcome: when the log could not be written (disk full, permissions), the
 * outcome is still journaled (the command did run) before the error stops the run.
 */
async function finishWithLog(ctx: EngineContext, log: UnitLog, footer: (output: SectionOutput) => string, record: () => Promise<UnitResult>): Promise<UnitResult> {
  const failure = await log.close(footer).then(
    () => undefined,
    (error: unknown) => error,
  );
  const result = await record();
  if (failure !== undefined) throw new FieldbookError('journal', `cannot write the step's log: ${ctx.masker.mask(failure instanceof Error ? failure.message : String(failure))}`, { cause: failure });
  return result;
}

async function finish(ctx: EngineContext, unit: UnitKey, attempt: number, result: UnitResult, durationMs: number, exitCode?: number, outputs?: Record<string, unknown>): Promise<UnitResult> {
  const reason = result.outcome === 'succeeded' ? undefined : result.reason;
  const unreviewed = result.outcome === 'failed' ? result.unreviewed : undefined;
  await ctx.record({ type: 'unit-finished', unit, attempt, outcome: result.outcome, durationMs, ...(exitCode !== undefined ? { exitCode } : {}), ...(reason ? { reason } : {}), ...(outputs ? { outputs } : {}), ...(unreviewed ? { unreviewed } : {}) });
  ctx.emit({ type: 'unit-finished', unit, attempt, outcome: result.outcome, durationMs, ...(exitCode !== undefined ? { exitCode } : {}), ...(reason ? { reason } : {}), ...(outputs ? { outputs } : {}) });
  return result;
}

/**
 * Where a detached unit runs on its host, and how much of its output this machine already has: kept beside the
 * log, so a resume after a crash of this machine picks the output up where it stopped.
 */
function detachRequest(ctx: EngineContext, step: PlannedStep, target: PlannedTarget, unit: UnitKey, attempt: number): DetachRequest {
  const key = `${step.id}--${target.name}--${unit.item?.index ?? 0}--${attempt}`;
  const path = `${logPath(ctx.paths, step.id, target.name).replace(/\.log$/, '')}.offsets.json`;
  let offsets: OutputOffsets = { stdout: 0, stderr: 0 };
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { key: string } & OutputOffsets;
    if (saved.key === key) offsets = { stdout: saved.stdout, stderr: saved.stderr };
  } catch {
    // No offsets yet: the output starts at the beginning.
  }
  return {
    key,
    // Run ids can repeat (--run-id, another machine): the start time makes the remote directory this run's own.
    runDir: `.fieldbook/runs/${ctx.state.runId}-${createHash('sha256').update(ctx.state.startedAt).digest('hex').slice(0, 8)}`,
    offsets,
    // Right after each chunk reached the log (written synchronously), so a crash of this machine can repeat at
    // most what a kill between these two writes would (microseconds), not a throttle's worth of output.
    onOffsets(next) {
      writeFileSync(path, JSON.stringify({ key, ...next }));
    },
  };
}

/** A `pods: all` unit execs into its own pod (its item), not into whatever the selector matches now. */
function forPod(command: Command, pod: string | undefined): Command {
  if (command.kind !== 'kubectl-exec' || command.exec.pods !== 'all' || pod === undefined) return command;
  const { selector: _selector, pods: _pods, ...exec } = command.exec;
  return { ...command, exec: { ...exec, pod } };
}

/**
 * `expect.withinReview`: what the step says it acted on (one of its captures) must all be on the reviewed list.
 * Checked whatever the exit code (a deletion that failed half-way still deleted); an item that was not reviewed
 * fails the unit, naming every such item, and stops the run (see handleFailure).
 */
async function withinReview(ctx: EngineContext, step: PlannedStep, judged: UnitResult, output: Record<OutputStream, CaptureBuffer>, bounds: () => RegexBounds): Promise<UnitResult> {
  const rule = step.spec.expect.withinReview;
  // Also when interrupted (cancelled, a dropped connection): what it printed before is known to have happened.
  if (rule === undefined) return judged;
  const reviewed = ctx.state.steps.get(rule.step ?? step.id)?.review;
  const where = rule.step ?? step.id;
  const spec = step.spec.capture[rule.output]!;
  const text = output[spec.from];
  // Printed nothing: it acted on nothing it says (what a command does silently is out of reach).
  if (!text.overflowed && text.text().trim() === '') return judged;
  const captured = text.overflowed ? { error: `${spec.from} is larger than ${MAX_CAPTURE_BYTES / 1024 / 1024} MiB, the most a capture reads` } : await captureOutputs({ [rule.output]: spec }, { stdout: output.stdout.text(), stderr: output.stderr.text() }, bounds());
  // It printed something, but what it acted on cannot be read from it in time (JSON cut off half-way, too much
  // output, a regex stopped at the deadline): it may have acted on anything, so it stops the run as an unreviewed
  // item does, for a person to check.
  if ('error' in captured) {
    const reason = `what it acted on cannot be checked against the list reviewed at ${where} (${captured.error}): check its log by hand`;
    return { outcome: 'failed', reason, unreviewed: [`(unreadable: ${captured.error})`] };
  }
  const value = captured.outputs[rule.output];
  const acted = (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const allowed = new Set(reviewed?.items ?? []);
  const unreviewed = acted.filter((item) => !allowed.has(item));
  if (unreviewed.length === 0) return judged;
  const reason = `${unreviewed.length} item${unreviewed.length === 1 ? '' : 's'} acted on that ${unreviewed.length === 1 ? 'was' : 'were'} not on the list reviewed at ${where}${reviewed ? '' : ' (no list was reviewed)'}: ${unreviewed.join(', ')}`;
  return { outcome: 'failed', reason, unreviewed };
}

/** The engine's verdict on how a command ended, given the step's `expect`. */
export function judge(step: PlannedStep, outcome: ExecOutcome): UnitResult {
  switch (outcome.kind) {
    case 'exited':
      return step.spec.expect.exitCodes.includes(outcome.exitCode)
        ? { outcome: 'succeeded' }
        : { outcome: 'failed', reason: `exit code ${outcome.exitCode}${step.spec.expect.exitCodes.length > 1 || step.spec.expect.exitCodes[0] !== 0 ? ` (expected ${step.spec.expect.exitCodes.join(' or ')})` : ''}${outcome.note ? `: ${outcome.note}` : ''}` };
    case 'refused':
      return { outcome: 'failed', reason: outcome.reason };
    case 'signalled':
      return { outcome: 'failed', reason: `killed by ${outcome.signal}` };
    case 'timeout':
      return { outcome: 'failed', reason: `timed out after ${step.spec.timeout}` };
    case 'cancelled':
      return { outcome: 'unknown', reason: 'interrupted by the operator while running' };
    case 'unknown':
      return { outcome: 'unknown', reason: outcome.reason };
  }
}

function exitCodeOf(outcome: ExecOutcome): number | undefined {
  return outcome.kind === 'exited' ? outcome.exitCode : undefined;
}
