import { DEPLOYMENT_EVENT_SCHEMA, parseDeploymentEvent } from '../api';
import { makeDeployment, makeOperation } from './helpers';

const base = {
  schema_id: DEPLOYMENT_EVENT_SCHEMA,
  version: 1,
  project: 'examples',
  name: 'iris-classifier'
};

describe('parseDeploymentEvent', () => {
  it('parses an operation’s progress', () => {
    const operation = makeOperation({ status: 'running', step: 'ready' });
    expect(
      parseDeploymentEvent({
        ...base,
        kind: 'operation',
        operation: JSON.stringify(operation)
      })
    ).toEqual({
      kind: 'operation',
      project: 'examples',
      name: 'iris-classifier',
      operation
    });
  });

  it('parses the deployment as an operation ended', () => {
    const deployment = makeDeployment({ events: undefined });
    expect(
      parseDeploymentEvent({
        ...base,
        kind: 'deployment',
        deployment: JSON.stringify(deployment)
      })
    ).toEqual({
      kind: 'deployment',
      project: 'examples',
      name: 'iris-classifier',
      deployment
    });
  });

  it('ignores other schemas and malformed events', () => {
    const operation = JSON.stringify(makeOperation());
    const deployment = JSON.stringify(makeDeployment());
    expect(
      parseDeploymentEvent({
        ...base,
        schema_id: 'https://events.jupyter.org/jupyter_deploy/build/v1',
        kind: 'operation',
        operation
      })
    ).toBeNull();
    expect(
      parseDeploymentEvent({ ...base, kind: 'operation', operation: '{' })
    ).toBeNull();
    expect(
      parseDeploymentEvent({ ...base, kind: 'operation', operation: '[]' })
    ).toBeNull();
    expect(
      parseDeploymentEvent({
        ...base,
        kind: 'operation',
        operation: '{"id": "op-1", "status": "running"}'
      })
    ).toBeNull();
    expect(
      parseDeploymentEvent({ ...base, kind: 'operation', operation, name: 3 })
    ).toBeNull();
    expect(
      parseDeploymentEvent({
        ...base,
        kind: 'operation',
        project: undefined,
        operation
      })
    ).toBeNull();
    // A copy of another deployment than the event names.
    expect(
      parseDeploymentEvent({
        ...base,
        kind: 'deployment',
        name: 'churn',
        deployment
      })
    ).toBeNull();
    expect(
      parseDeploymentEvent({
        ...base,
        kind: 'deployment',
        deployment: '{"name": "iris-classifier"}'
      })
    ).toBeNull();
    expect(
      parseDeploymentEvent({ ...base, kind: 'other', operation })
    ).toBeNull();
  });
});
