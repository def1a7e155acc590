// Re-reads a resource every second while its view is on screen and it is not finished, so the
// per-edge status of a deployment or an invalidation fills in by itself.
export function pollWhileVisible(
  element: HTMLElement,
  finished: () => boolean,
  tick: () => Promise<void>,
  intervalMs = 1000,
): void {
  const step = async () => {
    if (!element.isConnected || finished()) return;
    try {
      await tick();
    } catch {
      // The next tick tries again; the view shows the last good state.
    }
    if (element.isConnected && !finished()) window.setTimeout(step, intervalMs);
  };
  window.setTimeout(step, intervalMs);
}

export function isFinished(status: string): boolean {
  return /^(complete|completed|applied|failed|superseded|done)$/.test(status);
}
