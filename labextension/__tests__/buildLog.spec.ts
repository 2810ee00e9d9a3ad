import {
  appendEventLines,
  applyLogPage,
  emptyLog,
  logText,
  MAX_LOG_LINES,
  type IBuildLog
} from '../models/buildLog';

const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `line ${from + i}`);

/** Read from the log's offset against a server holding `server` lines. */
function read(log: IBuildLog, server: string[], final = false): IBuildLog {
  const page = { lines: server.slice(log.offset), offset: server.length };
  return applyLogPage(log, log.offset, page, final);
}

describe('build log', () => {
  it('places event lines by their offset: no doubles, no lines past a gap', () => {
    let log = appendEventLines(emptyLog('b-1'), lines(0, 3), 0);
    log = appendEventLines(log, lines(2, 5), 2); // crosses: line 2 again
    expect(log.lines).toEqual(lines(0, 5));
    const gapped = appendEventLines(log, lines(7, 9), 7); // 5 and 6 were lost
    expect(gapped).toBe(log);
    log = read(log, lines(0, 9));
    expect(log.lines).toEqual(lines(0, 9));
    expect(appendEventLines(log, lines(9, 10), 9).lines).toEqual(lines(0, 10));
  });

  it('shows event lines at once and confirms them with the next page', () => {
    let log = appendEventLines(emptyLog('b-1'), lines(0, 2));
    expect(log.lines).toEqual(lines(0, 2));
    expect(log.offset).toBe(0);

    // The route already holds one more line than events brought.
    log = read(log, lines(0, 3));
    expect(log.lines).toEqual(lines(0, 3));
    expect(log).toMatchObject({ offset: 3, heard: 0, unconfirmed: 0 });
  });

  it('keeps heard lines past the end of a page answered earlier', () => {
    // The page was asked when the server had 2 lines; 4 were heard since.
    let log = appendEventLines(emptyLog('b-1'), lines(0, 4));
    log = applyLogPage(log, 0, { lines: lines(0, 2), offset: 2 });
    expect(log.lines).toEqual(lines(0, 4));
    expect(log).toMatchObject({ offset: 2, heard: 2, unconfirmed: 2 });
    log = appendEventLines(log, lines(4, 5));
    log = read(log, lines(0, 5));
    expect(log.lines).toEqual(lines(0, 5));
    expect(log).toMatchObject({ offset: 5, heard: 0 });
  });

  it('mends a line no event brought (written by the server itself)', () => {
    const server = ['── smoke', 'cancel requested by ada', 'cancelled'];
    let log = appendEventLines(emptyLog('b-1'), ['── smoke', 'cancelled']);
    log = read(log, server, true);
    expect(log.lines).toEqual(server);
    expect(log.complete).toBe(true);
  });

  it('drops heard lines a final page already holds, and later events', () => {
    let log = read(emptyLog('b-1'), lines(0, 2));
    // An event sent before the page was answered arrives after it.
    log = appendEventLines(log, lines(1, 2));
    expect(log.lines).toEqual([...lines(0, 2), 'line 1']);
    log = read(log, lines(0, 2), true);
    expect(log.lines).toEqual(lines(0, 2));
    expect(appendEventLines(log, ['late'])).toBe(log);
  });

  it('ignores an answer to a request from another offset', () => {
    const log = read(emptyLog('b-1'), lines(0, 3));
    expect(applyLogPage(log, 0, { lines: lines(0, 3), offset: 3 })).toBe(log);
  });

  it('keeps the newest lines only, and says how many it left out', () => {
    let log = read(emptyLog('b-1'), lines(0, MAX_LOG_LINES + 5));
    expect(log.lines).toHaveLength(MAX_LOG_LINES);
    expect(log.lines[0]).toBe('line 5');
    expect(log.dropped).toBe(5);
    expect(logText(log).split('\n')[0]).toBe('… 5 earlier lines not shown');

    log = appendEventLines(log, lines(MAX_LOG_LINES + 5, MAX_LOG_LINES + 7));
    expect(log.lines[log.lines.length - 1]).toBe(`line ${MAX_LOG_LINES + 6}`);
    expect(log.dropped).toBe(7);
    log = read(log, lines(0, MAX_LOG_LINES + 8));
    expect(log.lines[log.lines.length - 1]).toBe(`line ${MAX_LOG_LINES + 7}`);
    expect(log.lines[0]).toBe('line 8');
    expect(log.offset).toBe(MAX_LOG_LINES + 8);
  });
});
