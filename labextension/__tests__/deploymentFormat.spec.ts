import {
  deployedVersions,
  deploymentNameError,
  formatLatency,
  formatRate,
  formatShare,
  isNewerOperation,
  mergeDeployment,
  operationSteps,
  uptimeSeconds,
  withOperation
} from '../models/deploymentFormat';
import { makeDeployment, makeOperation } from './helpers';

const states = (steps: ReturnType<typeof operationSteps>) =>
  steps.map(step => `${step.name}:${step.state}`);

describe('operationSteps', () => {
  it('shows a running deploy up to its step, build not needed', () => {
    const operation = makeOperation({
      status: 'running',
      step: 'ready',
      finished_at: null,
      messages: [
        {
          at: '2026-11-23T06:00:01+00:00',
          step: 'start',
          message: 'starting 2 replicas'
        },
        {
          at: '2026-11-23T06:00:02+00:00',
          step: 'ready',
          message: 'waiting for /health/ready (1 of 2)'
        }
      ]
    });
    const steps = operationSteps(operation);
    expect(states(steps)).toEqual([
      'build:skipped',
      'start:done',
      'ready:running',
      'switch:pending',
      'drain:pending',
      'done:pending'
    ]);
    expect(steps[2].message).toBe('waiting for /health/ready (1 of 2)');
    expect(steps[3].message).toBeNull();
  });

  it('shows the build when the image had to be built', () => {
    const operation = makeOperation({
      status: 'running',
      step: 'build',
      messages: [
        { at: '2026-11-23T06:00:01+00:00', step: 'build', message: 'export' }
      ]
    });
    expect(states(operationSteps(operation)).slice(0, 2)).toEqual([
      'build:running',
      'start:pending'
    ]);
    expect(
      states(
        operationSteps({ ...operation, status: 'succeeded', step: 'done' })
      )
    ).toEqual([
      'build:done',
      'start:done',
      'ready:done',
      'switch:done',
      'drain:done',
      'done:done'
    ]);
  });

  it('marks where a failed operation stopped', () => {
    const operation = makeOperation({
      status: 'failed',
      step: 'ready',
      error: {
        code: 'deploy_failed',
        message: 'the replica did not become ready',
        log: ['ModuleNotFoundError: sklearn']
      }
    });
    expect(states(operationSteps(operation))).toEqual([
      'build:skipped',
      'start:done',
      'ready:failed',
      'switch:skipped',
      'drain:skipped',
      'done:skipped'
    ]);
  });

  it('shows only draining for a down', () => {
    const operation = makeOperation({
      action: 'down',
      version: null,
      status: 'running',
      step: 'drain',
      messages: []
    });
    expect(states(operationSteps(operation))).toEqual([
      'drain:running',
      'done:pending'
    ]);
  });
});

describe('merging copies of a deployment', () => {
  const running = makeOperation({
    status: 'running',
    step: 'start',
    messages: []
  });

  it('never goes back from an ended operation to a running copy', () => {
    const ended = makeOperation();
    expect(isNewerOperation(ended, running)).toBe(true);
    expect(isNewerOperation(running, ended)).toBe(false);
    const more = { ...running, messages: ended.messages.slice(0, 1) };
    expect(isNewerOperation(more, running)).toBe(true);
    expect(isNewerOperation(running, more)).toBe(false);
  });

  it('takes a later operation over an earlier one', () => {
    const later = makeOperation({
      id: 'op-0000000002',
      action: 'rollback',
      status: 'running',
      started_at: '2026-11-23T07:00:00+00:00'
    });
    expect(isNewerOperation(later, makeOperation())).toBe(true);
    expect(isNewerOperation(makeOperation(), later)).toBe(false);
    const deployment = makeDeployment();
    expect(withOperation(deployment, later).operation).toBe(later);
    expect(
      withOperation(withOperation(deployment, later), makeOperation())
    ).toEqual(withOperation(deployment, later));
  });

  it('keeps the history and the newer operation a copy lacks', () => {
    const held = makeDeployment();
    const pushed = makeDeployment({
      events: undefined,
      updated_at: '2026-11-23T06:00:09+00:00',
      replica_count: 2
    });
    const merged = mergeDeployment(held, pushed);
    expect(merged.replica_count).toBe(2);
    expect(merged.events).toBe(held.events);

    const stale = makeDeployment({
      updated_at: '2026-11-23T05:00:00+00:00',
      operation: running,
      status: 'deploying'
    });
    expect(mergeDeployment(held, stale)).toBe(held);
    expect(mergeDeployment(null, stale)).toBe(stale);
  });
});

describe('deployment facts', () => {
  it('checks names as the server does', () => {
    expect(deploymentNameError('iris-classifier')).toBeNull();
    expect(deploymentNameError('a')).toBeNull();
    expect(deploymentNameError('')).toMatch(/name/);
    expect(deploymentNameError('Iris')).toMatch(/Lowercase/);
    expect(deploymentNameError('-iris')).toMatch(/Lowercase/);
    expect(deploymentNameError('iris-')).toMatch(/Lowercase/);
    expect(deploymentNameError('iris_v2')).toMatch(/Lowercase/);
    expect(deploymentNameError('a'.repeat(63))).toBeNull();
    expect(deploymentNameError('a'.repeat(64))).toMatch(/63/);
  });

  it('counts uptime from when the version took traffic', () => {
    const deployment = makeDeployment();
    const live = Date.parse(deployment.live_since!);
    expect(uptimeSeconds(deployment, live + 90_000)).toBe(90);
    expect(
      uptimeSeconds({ ...deployment, status: 'stopped' }, live + 1)
    ).toBeNull();
    expect(
      uptimeSeconds({ ...deployment, live_since: null }, live + 1)
    ).toBeNull();
  });

  it('names the deployments running each version', () => {
    const deployed = deployedVersions([
      makeDeployment({ name: 'churn' }),
      makeDeployment({ name: 'iris-classifier' }),
      makeDeployment({
        name: 'old',
        version: 'iris-classifier@v1',
        status: 'stopped'
      }),
      makeDeployment({ name: 'new', version: null, status: 'deploying' })
    ]);
    expect([...deployed.entries()]).toEqual([
      ['iris-classifier@v2', ['churn', 'iris-classifier']]
    ]);
  });

  it('formats rates, shares and latencies', () => {
    expect(formatRate(null)).toBe('—');
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(0.05)).toBe('0.05/s');
    expect(formatRate(12.34)).toBe('12.3/s');
    expect(formatRate(250.4)).toBe('250/s');
    expect(formatShare(null)).toBe('—');
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(0.005)).toBe('0.5%');
    expect(formatShare(0.25)).toBe('25%');
    expect(formatLatency(null)).toBe('—');
    expect(formatLatency(0.00085)).toBe('850 µs');
    expect(formatLatency(0.0042)).toBe('4.2 ms');
    expect(formatLatency(0.042)).toBe('42 ms');
    expect(formatLatency(1.25)).toBe('1.3 s');
  });
});
