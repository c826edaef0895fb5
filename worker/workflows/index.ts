// Owns the list of workflows the worker registers: every function exported here is a workflow
// type of the same name (the bundle entry point; sandbox code only).
export { fail } from './fail.js';
export { helloWorld } from './hello-world.js';
export { longRunning } from './long-running.js';
export { migrate } from './migrate.js';
export { noop } from './noop.js';
export { sleep } from './sleep.js';
