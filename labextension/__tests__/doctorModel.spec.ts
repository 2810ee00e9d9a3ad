import { DeployClient, type DoctorReport } from '../api';
import { DoctorModel } from '../models/doctor';
import { fakeServer, makeReport, type FakeAnswer } from './helpers';

const VERSION = { name: 'jupyter_deploy', version: '0.1.0', api_version: 1 };

/** A server whose doctor answers are released by the test, in any order. */
function controlledServer() {
  const pending: Array<{
    path: string | null;
    release: (a: FakeAnswer) => void;
  }> = [];
  const server = fakeServer(request => {
    const url = new URL(request.url);
    if (url.pathname.endsWith('/version')) {
      return { json: VERSION };
    }
    return new Promise<FakeAnswer>(resolve => {
      pending.push({ path: url.searchParams.get('path'), release: resolve });
    });
  });
  return { ...server, pending };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
  await new Promise(resolve => setTimeout(resolve, 0));
}

function doctorRequests(requests: Request[]): string[] {
  return requests
    .map(r => new URL(r.url))
    .filter(u => u.pathname.endsWith('/doctor'))
    .map(u => u.searchParams.get('path') ?? '');
}

describe('DoctorModel', () => {
  it('collapses a burst of folder changes into one request for the last folder', async () => {
    const server = fakeServer(() => ({ json: VERSION }));
    const model = new DoctorModel({
      client: new DeployClient(server.settings),
      debounceMs: 20
    });
    model.setPath('a');
    model.setPath('a/b');
    model.setPath('examples');
    expect(doctorRequests(server.requests)).toEqual([]);
    await new Promise(resolve => setTimeout(resolve, 60));
    await settle();
    expect(doctorRequests(server.requests)).toEqual(['examples']);
    model.dispose();
  });

  it('does not request while hidden (refresh=false) until refreshed', async () => {
    const server = fakeServer(request =>
      new URL(request.url).pathname.endsWith('/version')
        ? { json: VERSION }
        : { json: makeReport() }
    );
    const model = new DoctorModel({
      client: new DeployClient(server.settings),
      debounceMs: 5
    });
    model.setPath('examples', false);
    await new Promise(resolve => setTimeout(resolve, 30));
    expect(doctorRequests(server.requests)).toEqual([]);
    await model.refresh();
    expect(doctorRequests(server.requests)).toEqual(['examples']);
    expect(model.state.report?.status).toBe('ok');
    expect(model.state.loading).toBe(false);
    model.dispose();
  });

  it('applies only the answer of the latest request', async () => {
    const server = controlledServer();
    const model = new DoctorModel({
      client: new DeployClient(server.settings)
    });
    model.setPath('old', false);
    const first = model.refresh();
    await settle();
    model.setPath('new', false);
    const second = model.refresh();
    await settle();
    expect(server.pending.map(p => p.path)).toEqual(['old', 'new']);

    const newReport: DoctorReport = makeReport({ status: 'warning' });
    server.pending[1].release({ json: newReport });
    await second;
    server.pending[0].release({ json: makeReport({ status: 'error' }) });
    await first;

    expect(model.state.report?.status).toBe('warning');
    expect(model.state.path).toBe('new');
    model.dispose();
  });

  it('keeps the error of a failed request and clears it on success', async () => {
    let fail = true;
    const server = fakeServer(request => {
      if (new URL(request.url).pathname.endsWith('/version')) {
        return { json: { ...VERSION, version: '0.0.9' } };
      }
      return fail
        ? {
            status: 403,
            json: { error: { code: 'forbidden', message: 'No.' } }
          }
        : { json: makeReport() };
    });
    const model = new DoctorModel({
      client: new DeployClient(server.settings)
    });
    await model.refresh();
    expect(model.state.error?.status).toBe(403);
    expect(model.state.report).toBeNull();

    fail = false;
    await model.refresh();
    expect(model.state.error).toBeNull();
    expect(model.state.report).not.toBeNull();
    expect(model.state.versionWarning).toContain('0.0.9');
    model.dispose();
  });
});
