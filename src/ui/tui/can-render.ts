/**
 * Whether the TUI can show a live run here: a terminal on stdout, and not CI (ink renders only the last frame
 * when is-in-ci says CI, so the screen would look frozen).
 */
export function tuiCanRender(stdout: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI'] !== '0' && env['CI'] !== 'false' && ('CI' in env || 'CONTINUOUS_INTEGRATION' in env || Object.keys(env).some((k) => k.startsWith('CI_')));
  return stdout.isTTY === true && !ci;
}
