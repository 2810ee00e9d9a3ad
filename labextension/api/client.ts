import type { ServerConnection } from '@jupyterlab/services';

import { compareVersions, type IHandshake } from './handshake';
import type { DoctorReport, VersionInfo } from './models';
import { requestAPI } from './request';

/** The typed calls of the jupyter_deploy REST API. */
export class DeployClient {
  constructor(private readonly _settings?: ServerConnection.ISettings) {}

  /** `GET /jupyter-deploy/version` */
  version(): Promise<VersionInfo> {
    return requestAPI<VersionInfo>('version', {}, { settings: this._settings });
  }

  /** Fetch the server's version and compare it with this frontend's. */
  async handshake(): Promise<IHandshake> {
    return compareVersions(await this.version());
  }

  /** `GET /jupyter-deploy/doctor?path=<folder relative to the Jupyter root>` */
  doctor(path: string): Promise<DoctorReport> {
    const query: Record<string, string> = path ? { path } : {};
    return requestAPI<DoctorReport>(
      'doctor',
      {},
      { query, settings: this._settings }
    );
  }
}
