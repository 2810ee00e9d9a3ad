import { DEFAULT_QUIET_MS, QuietWatch } from '../models/quietWatch';

describe('QuietWatch', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('asks once the watched thing has been quiet for the quiet time', () => {
    const ask = jest.fn();
    const watch = new QuietWatch(ask, 1000);
    watch.start();
    expect(watch.watching).toBe(true);
    jest.advanceTimersByTime(999);
    expect(ask).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(ask).toHaveBeenCalledTimes(1);
    // Quiet again for as long: asked again.
    jest.advanceTimersByTime(1000);
    expect(ask).toHaveBeenCalledTimes(2);
    watch.dispose();
  });

  it('does not ask while events are heard', () => {
    const ask = jest.fn();
    const watch = new QuietWatch(ask, 1000);
    watch.start();
    for (let i = 0; i < 5; i++) {
      jest.advanceTimersByTime(600);
      watch.heard();
    }
    expect(ask).not.toHaveBeenCalled();
    // Heard 600 ms after a check: the next check finds it quiet for 400 ms
    // only, the one after for 1400 ms.
    jest.advanceTimersByTime(400);
    expect(ask).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1000);
    expect(ask).toHaveBeenCalledTimes(1);
    watch.dispose();
  });

  it('starts once, and asks nothing once stopped or disposed', () => {
    const ask = jest.fn();
    const watch = new QuietWatch(ask, 1000);
    watch.start();
    jest.advanceTimersByTime(500);
    // Already watching: the quiet time does not start again.
    watch.start();
    jest.advanceTimersByTime(500);
    expect(ask).toHaveBeenCalledTimes(1);
    watch.stop();
    expect(watch.watching).toBe(false);
    jest.advanceTimersByTime(5000);
    expect(ask).toHaveBeenCalledTimes(1);
    watch.dispose();
    watch.start();
    expect(watch.watching).toBe(false);
    expect(watch.isDisposed).toBe(true);
    jest.advanceTimersByTime(5000);
    expect(ask).toHaveBeenCalledTimes(1);
  });

  it('quiets for five seconds by default', () => {
    const ask = jest.fn();
    const watch = new QuietWatch(ask);
    watch.start();
    jest.advanceTimersByTime(DEFAULT_QUIET_MS - 1);
    expect(ask).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(ask).toHaveBeenCalledTimes(1);
    expect(DEFAULT_QUIET_MS).toBe(5000);
    watch.dispose();
  });
});
