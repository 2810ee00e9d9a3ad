/**
 * The version of this frontend. It must equal `version` in package.json
 * (a unit test enforces it); the handshake compares it with the server's.
 */
export const FRONTEND_VERSION = '0.1.0';
