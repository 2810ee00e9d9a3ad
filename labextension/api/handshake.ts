import { FRONTEND_VERSION } from '../version';
import type { VersionInfo } from './models';
import { API_VERSION } from './request';

/** Result of comparing the server's version with this frontend's. */
export interface IHandshake {
  server: VersionInfo;
  frontendVersion: string;
  /** A sentence for the user when the two differ, else null. */
  mismatch: string | null;
}

/** Compare the server's version info with this frontend. */
export function compareVersions(
  server: VersionInfo,
  frontendVersion: string = FRONTEND_VERSION
): IHandshake {
  let mismatch: string | null = null;
  if (server.api_version !== API_VERSION) {
    mismatch =
      `The server speaks API version ${server.api_version} but this page ` +
      `speaks ${API_VERSION}. Reinstall jupyter_deploy and reload the page.`;
  } else if (server.version !== frontendVersion) {
    mismatch =
      `The Deploy panel is version ${frontendVersion} but the server extension ` +
      `is ${server.version}. Reinstall jupyter_deploy so both match, then ` +
      'restart JupyterLab and reload the page.';
  }
  return { server, frontendVersion, mismatch };
}
