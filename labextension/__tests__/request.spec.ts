import {
  API_VERSION_HEADER,
  ApiError,
  DeployClient,
  NETWORK_ERROR,
  requestAPI
} from '../api';
import { BASE_URL, caught, fakeServer, makeReport } from './helpers';

describe('requestAPI', () => {
  it('sends the API version header under the extension namespace', async () => {
    const server = fakeServer(() => ({ json: { ok: true } }));
    const data = await requestAPI<{ ok: boolean }>(
      'version',
      {},
      { settings: server.settings }
    );
    expect(data).toEqual({ ok: true });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request.headers.get(API_VERSION_HEADER)).toBe('1');
    expect(new URL(request.url).pathname).toBe('/base/jupyter-deploy/version');
  });

  it('encodes the doctor folder as the path query parameter', async () => {
    const server = fakeServer(() => ({ json: makeReport() }));
    await new DeployClient(server.settings).doctor('my models/iris & co');
    const url = new URL(server.requests[0].url);
    expect(url.href.startsWith(BASE_URL)).toBe(true);
    expect(url.pathname).toBe('/base/jupyter-deploy/doctor');
    expect(url.searchParams.get('path')).toBe('my models/iris & co');
  });

  it('omits the path parameter for the root folder', async () => {
    const server = fakeServer(() => ({ json: makeReport() }));
    await new DeployClient(server.settings).doctor('');
    expect(new URL(server.requests[0].url).searchParams.has('path')).toBe(
      false
    );
  });

  it.each([
    [403, 'forbidden', 'You are not allowed to read jupyter_deploy:doctor.'],
    [
      409,
      'api_version_mismatch',
      'The server speaks API version 2, this page speaks 1. Reload the page.'
    ],
    [400, 'invalid_path', 'The path ../etc is outside the Jupyter root.']
  ])(
    'turns a %i error body into an ApiError',
    async (status, code, message) => {
      const server = fakeServer(() => ({
        status,
        json: { error: { code, message } }
      }));
      const error = await caught(
        requestAPI('doctor', {}, { settings: server.settings })
      );
      expect(error).toBeInstanceOf(ApiError);
      expect(error.status).toBe(status);
      expect(error.code).toBe(code);
      expect(error.message).toBe(message);
    }
  );

  it('explains a 404 without an error body as a missing server extension', async () => {
    const server = fakeServer(() => ({
      status: 404,
      text: '<html>404</html>'
    }));
    const error = await caught(
      requestAPI('version', {}, { settings: server.settings })
    );
    expect(error.status).toBe(404);
    expect(error.code).toBe('not_found');
    expect(error.message).toMatch(/jupyter server extension list/);
  });

  it('keeps the text of other answers that are not the error contract', async () => {
    const server = fakeServer(() => ({ status: 502, text: 'Bad gateway' }));
    const error = await caught(
      requestAPI('version', {}, { settings: server.settings })
    );
    expect(error.code).toBe('http_502');
    expect(error.message).toContain('Bad gateway');
  });

  it('ignores malformed error bodies', async () => {
    const server = fakeServer(() => ({
      status: 500,
      json: { error: { code: 7, message: null } }
    }));
    const error = await caught(
      requestAPI('version', {}, { settings: server.settings })
    );
    expect(error.code).toBe('http_500');
  });

  it('reports a network failure with status 0', async () => {
    const server = fakeServer(() => new TypeError('Failed to fetch'));
    const error = await caught(
      requestAPI('version', {}, { settings: server.settings })
    );
    expect(error.status).toBe(0);
    expect(error.code).toBe(NETWORK_ERROR);
    expect(error.message).toContain('Failed to fetch');
  });

  it('rejects a 200 answer that is not JSON', async () => {
    const server = fakeServer(() => ({ text: '<html>login</html>' }));
    const error = await caught(
      requestAPI('version', {}, { settings: server.settings })
    );
    expect(error.code).toBe('invalid_response');
  });
});
