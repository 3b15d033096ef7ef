/** The jobs module's public entry for server code: other modules and routes import only this (or its sibling index). */
export { registerCron, registerTask } from './registry.server';
export { migrateJobQueue, startWorker } from './worker.server';
