import { createContext, useContext } from 'react';

/** Whether to colour: off when NO_COLOR is set (https://no-color.org); bold, dim and inverse stay. */
export interface Theme {
  color: boolean;
}

export const ThemeContext = createContext<Theme>({ color: true });

/** The theme of the nearest provider. */
export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** `NO_COLOR` present and not empty turns colours off. */
export function themeFromEnv(env: NodeJS.ProcessEnv): Theme {
  return { color: !(env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') };
}

/** A colour prop that disappears when colours are off. */
export function paint(theme: Theme, color: string | undefined): { color?: string } {
  return theme.color && color ? { color } : {};
}
