import { BUILD_EVENT_SCHEMA, parseBuildEvent } from '../api';
import { makeBuild } from './helpers';

const base = { schema_id: BUILD_EVENT_SCHEMA, version: 1, project: 'examples' };

describe('parseBuildEvent', () => {
  it('parses a build state change', () => {
    const build = makeBuild({ status: 'running', step: 'smoke' });
    expect(
      parseBuildEvent({ ...base, kind: 'build', build: JSON.stringify(build) })
    ).toEqual({ kind: 'build', project: 'examples', build });
  });

  it('parses new log lines, in order', () => {
    expect(
      parseBuildEvent({
        ...base,
        kind: 'log',
        build_id: 'b-0000000001',
        offset: 7,
        lines: JSON.stringify(['── resolve', 'Collecting numpy'])
      })
    ).toEqual({
      kind: 'log',
      project: 'examples',
      buildId: 'b-0000000001',
      offset: 7,
      lines: ['── resolve', 'Collecting numpy']
    });
  });

  it('reads a log event without a usable offset as unplaced', () => {
    const event = parseBuildEvent({
      ...base,
      kind: 'log',
      build_id: 'b-0000000001',
      offset: -1,
      lines: '["a"]'
    });
    expect(event).toMatchObject({ kind: 'log', offset: null });
  });

  it('ignores other schemas and malformed events', () => {
    const build = JSON.stringify(makeBuild());
    const log = {
      ...base,
      kind: 'log',
      build_id: 'b-0000000001',
      lines: '["a"]'
    };
    expect(
      parseBuildEvent({
        ...base,
        schema_id: 'https://events.jupyter.org/jupyter_deploy/run/v1',
        kind: 'build',
        build
      })
    ).toBeNull();
    expect(parseBuildEvent({ ...base, kind: 'build', build: '{' })).toBeNull();
    expect(parseBuildEvent({ ...base, kind: 'build', build: '[]' })).toBeNull();
    expect(
      parseBuildEvent({ ...base, kind: 'build', build: '{"id": "b-1"}' })
    ).toBeNull();
    expect(
      parseBuildEvent({ ...base, kind: 'build', build, project: 1 })
    ).toBeNull();
    expect(parseBuildEvent({ ...base, kind: 'other', build })).toBeNull();
    expect(parseBuildEvent({ ...log, lines: '"a"' })).toBeNull();
    expect(parseBuildEvent({ ...log, lines: '[1]' })).toBeNull();
    expect(parseBuildEvent({ ...log, build_id: undefined })).toBeNull();
  });
});
