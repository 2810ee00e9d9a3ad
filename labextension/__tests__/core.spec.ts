import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import {
  BUILD_EVENT_SCHEMA,
  DEPLOYMENT_EVENT_SCHEMA,
  DeployClient,
  RUN_EVENT_SCHEMA,
  type BuildEvent,
  type DeploymentBusEvent,
  type IRunEvent
} from '../api';
import { DeployCore, type Emission } from '../core';
import { listenWhile } from '../plugins/shell';
import { makeBuild, makeDeployment, makeRun } from './helpers';

function setUp() {
  const bus = {};
  const stream = new Signal<object, Emission>(bus);
  const core = new DeployCore({ client: new DeployClient(), stream });
  const heard = {
    runs: [] as IRunEvent[],
    builds: [] as BuildEvent[],
    deployments: [] as DeploymentBusEvent[]
  };
  core.runEvents.connect((_, event) => heard.runs.push(event));
  core.buildEvents.connect((_, event) => heard.builds.push(event));
  core.deploymentEvents.connect((_, event) => heard.deployments.push(event));
  return { stream, core, heard };
}

const run = makeRun({ status: 'running' });
const runEmission = {
  schema_id: RUN_EVENT_SCHEMA,
  version: 1,
  kind: 'run',
  project: 'examples',
  run: JSON.stringify(run),
  sweep: ''
};

describe('DeployCore', () => {
  it('parses each emission once into the signal of its schema', () => {
    const { stream, heard } = setUp();
    const build = makeBuild({ status: 'running' });
    const deployment = makeDeployment({ events: undefined });
    stream.emit(runEmission);
    stream.emit({
      schema_id: BUILD_EVENT_SCHEMA,
      version: 1,
      kind: 'build',
      project: 'examples',
      build: JSON.stringify(build)
    });
    stream.emit({
      schema_id: DEPLOYMENT_EVENT_SCHEMA,
      version: 1,
      kind: 'deployment',
      project: 'examples',
      name: deployment.name,
      deployment: JSON.stringify(deployment)
    });
    expect(heard.runs).toEqual([{ project: 'examples', run, sweep: null }]);
    expect(heard.builds).toEqual([
      { kind: 'build', project: 'examples', build }
    ]);
    expect(heard.deployments).toEqual([
      {
        kind: 'deployment',
        project: 'examples',
        name: deployment.name,
        deployment
      }
    ]);
  });

  it('passes over other schemas and malformed events', () => {
    const { stream, heard } = setUp();
    stream.emit({ schema_id: 'https://events.jupyter.org/other/v1' });
    stream.emit({ ...runEmission, run: '{' });
    stream.emit({ ...runEmission, schema_id: BUILD_EVENT_SCHEMA });
    expect(heard).toEqual({ runs: [], builds: [], deployments: [] });
  });

  it('stops reading the stream once disposed', () => {
    const { stream, core, heard } = setUp();
    core.dispose();
    stream.emit(runEmission);
    expect(core.isDisposed).toBe(true);
    expect(heard.runs).toEqual([]);
  });
});

describe('listenWhile', () => {
  it('forwards events until its owner is disposed', () => {
    const { stream, core } = setUp();
    const owner = new Widget();
    const runs: string[] = [];
    listenWhile(core.runEvents, event => runs.push(event.run.id), owner);
    stream.emit(runEmission);
    owner.dispose();
    stream.emit(runEmission);
    expect(runs).toEqual([run.id]);
  });
});
