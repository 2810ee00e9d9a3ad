import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Which action of a view is in flight, and a way to run one: a second
 * action cannot start (buttons read `pending`) until the first settles.
 */
export function usePending(): [
  string | null,
  (name: string, action: () => Promise<void>) => void
] {
  const [pending, setPending] = useState<string | null>(null);
  const running = useRef(false);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    []
  );
  const run = useCallback((name: string, action: () => Promise<void>) => {
    // The ref, not the state: two clicks in one frame both see the old state.
    if (running.current) {
      return;
    }
    running.current = true;
    setPending(name);
    const settle = () => {
      running.current = false;
      if (mounted.current) {
        setPending(null);
      }
    };
    // Actions report their own failures (notifications); here they only end.
    action().then(settle, settle);
  }, []);
  return [pending, run];
}
