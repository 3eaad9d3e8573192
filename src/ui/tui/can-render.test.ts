import { describe, expect, it } from 'vitest';
import { tuiCanRender } from './can-render.js';
import { themeFromEnv } from './theme.js';

describe('where the TUI runs', () => {
  it('needs a terminal on stdout and no CI (ink would only print the last frame)', () => {
    expect(tuiCanRender({ isTTY: true }, {})).toBe(true);
    expect(tuiCanRender({ isTTY: false }, {})).toBe(false);
    expect(tuiCanRender({}, {})).toBe(false);
    expect(tuiCanRender({ isTTY: true }, { CI: 'true' })).toBe(false);
    expect(tuiCanRender({ isTTY: true }, { GITHUB_ACTIONS: 'true', CI_JOB_ID: '1' })).toBe(false);
    expect(tuiCanRender({ isTTY: true }, { CI: 'false' })).toBe(true);
  });

  it('honours NO_COLOR when set and not empty', () => {
    expect(themeFromEnv({}).color).toBe(true);
    expect(themeFromEnv({ NO_COLOR: '1' }).color).toBe(false);
    expect(themeFromEnv({ NO_COLOR: '' }).color).toBe(true);
  });
});
