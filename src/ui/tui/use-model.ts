import { useEffect, useState } from 'react';
import type { RunModel } from './run-model.js';

/** Re-render when the model says it changed (at most every `repaintMs`); returns the model's version. */
export function useModel(model: RunModel): number {
  const [version, setVersion] = useState(model.version);
  useEffect(() => {
    const update = () => setVersion(model.version);
    const unsubscribe = model.subscribe(update);
    update();
    return unsubscribe;
  }, [model]);
  return version;
}
