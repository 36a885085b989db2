/** n8n's logger for code that runs outside an execution context (Redis outages are logged here). */

import { LoggerProxy } from 'n8n-workflow';

/** What shared code logs through: warnings and notices, never a secret. */
export interface SharedStateLogger {
	warn(message: string): void;
	info(message: string): void;
}

/** n8n's own logger in every n8n process (main, worker, webhook); silent elsewhere. */
export const n8nLogger: SharedStateLogger = {
	warn: (message) => LoggerProxy.warn(message),
	info: (message) => LoggerProxy.info(message),
};
