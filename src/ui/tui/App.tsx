import { Box, Static, useInput } from 'ink';
import { useState } from 'react';
import { MAIN_VIEW } from './key-owners.js';
import { KeyRouter, KeyRouterContext, splitKeys } from './use-keys.js';
import { LiveArea, type Selection } from './LiveArea.js';
import { StaticEntryView } from './StaticEntryView.js';
import type { RunModel } from './run-model.js';
import { ThemeContext, type Theme } from './theme.js';
import { useModel } from './use-model.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface AppProps {
  model: RunModel;
  theme: Theme;
  /** Key input is read (a terminal on stdin). */
  interactive: boolean;
  resumeCommand: string;
  /** q was pressed: ask, then pause. */
  onQuit: () => void;
  /** Ctrl-C: in raw mode the terminal sends no SIGINT, so the key itself pauses (and twice, exits). */
  onCtrlC: () => void;
}

/** The whole TUI: finished steps printed once above (`<Static>`), the live area below, repainted as the model changes. */
export function App({ model, theme, interactive, resumeCommand, onQuit, onCtrlC }: AppProps) {
  useModel(model);
  const [router] = useState(() => new KeyRouter());
  // One subscription for the whole app: each key goes to the dialog on top of the model *now*, else the main view.
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') return onCtrlC();
      for (const [part, partKey] of splitKeys(input, key)) router.dispatch(model.dialogs[0] ?? MAIN_VIEW, part, partKey);
    },
    { isActive: interactive },
  );
  const size = useTerminalSize();
  const [selection, setSelection] = useState<Selection>({ step: undefined, hosts: {} });
  return (
    <ThemeContext.Provider value={theme}>
      <KeyRouterContext.Provider value={router}>
        <Box flexDirection="column">
          {/* A fresh array each render: Static remembers how many items it printed, by length. */}
          <Static items={model.statics.slice()}>{(entry) => <StaticEntryView key={entry.key} entry={entry} />}</Static>
          <LiveArea model={model} columns={size.columns} rows={size.rows} selection={selection} onSelect={setSelection} resumeCommand={resumeCommand} onQuit={onQuit} />
        </Box>
      </KeyRouterContext.Provider>
    </ThemeContext.Provider>
  );
}
