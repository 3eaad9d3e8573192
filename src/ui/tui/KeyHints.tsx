import { Text } from 'ink';
import { paint, useTheme } from './theme.js';

/** The keys that apply now, as `key label` pairs on one row. */
export function KeyHints({ keys }: { keys: [string, string][] }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      {keys.map(([key, label], i) => (
        <Text key={key}>
          {i > 0 ? '  ' : ''}
          <Text bold {...paint(theme, 'cyan')} inverse={!theme.color}>
            {key}
          </Text>
          <Text dimColor> {label}</Text>
        </Text>
      ))}
    </Text>
  );
}
