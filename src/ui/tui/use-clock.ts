import { useEffect, useState } from 'react';

/** The time now, refreshed every `everyMs` while `running`. */
export function useClock(now: () => number, running: boolean, everyMs = 1_000): number {
  const [time, setTime] = useState(now);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTime(now()), everyMs);
    return () => clearInterval(timer);
  }, [now, running, everyMs]);
  return running ? Math.max(time, now()) : time;
}
