import packageJson from '../../package.json';
import { compareVersions, DeployClient } from '../api';
import { FRONTEND_VERSION } from '../version';
import { fakeServer } from './helpers';

describe('compareVersions', () => {
  it('reports no mismatch when both sides are the same version', () => {
    const result = compareVersions(
      { name: 'jupyter_deploy', version: '0.1.0', api_version: 1 },
      '0.1.0'
    );
    expect(result.mismatch).toBeNull();
  });

  it('names both versions when the product versions differ', () => {
    const result = compareVersions(
      { name: 'jupyter_deploy', version: '0.2.0', api_version: 1 },
      '0.1.0'
    );
    expect(result.mismatch).toContain('0.1.0');
    expect(result.mismatch).toContain('0.2.0');
  });

  it('reports a different REST API version first', () => {
    const result = compareVersions(
      { name: 'jupyter_deploy', version: '0.1.0', api_version: 2 },
      '0.1.0'
    );
    expect(result.mismatch).toMatch(/API version 2/);
  });
});

describe('DeployClient.handshake', () => {
  it('compares the server version with this frontend', async () => {
    const server = fakeServer(() => ({
      json: { name: 'jupyter_deploy', version: '9.9.9', api_version: 1 }
    }));
    const result = await new DeployClient(server.settings).handshake();
    expect(result.frontendVersion).toBe(FRONTEND_VERSION);
    expect(result.server.version).toBe('9.9.9');
    expect(result.mismatch).toContain('9.9.9');
    expect(new URL(server.requests[0].url).pathname).toBe(
      '/base/jupyter-deploy/version'
    );
  });

  it('matches the version in package.json', () => {
    expect(FRONTEND_VERSION).toBe(packageJson.version);
  });
});
