/** The local server capability: serve the embedded database over the wire protocol, and control it. */
export { DEFAULT_HOST, DEFAULT_IDLE_IN_TRANSACTION_MS, DEFAULT_PORT, DEFAULT_SESSION_WAIT_MS } from './defaults.js';
export { FOLDER_GONE, serve, type RunningServer, type ServeOptions, type ServerInfo } from './serve.js';
export { serverStatus, serverUrl, startServer, stopServer, type ServerStatus, type StartResult, type StopResult } from './control.js';
export { exposureWarning, isWildcard, listenAddress } from './address.js';
