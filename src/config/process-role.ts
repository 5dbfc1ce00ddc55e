/** Which entry point this process is: an API instance (`npm start`) or a worker (`npm run worker`). */
export type ProcessRole = 'api' | 'worker';

/** Injection token for the process role. */
export const PROCESS_ROLE = Symbol('PROCESS_ROLE');
