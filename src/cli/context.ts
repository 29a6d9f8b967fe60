import type { Command } from 'commander';
import type { privacyRequestView, taskViews } from '../http/views.ts';
import { EngineClient } from './engine-client.ts';

/** What a command that talks to the engine gets from the global options. */

export type RequestView = ReturnType<typeof privacyRequestView>;
export type TaskView = ReturnType<typeof taskViews>[number];

export interface CliContext {
  client: EngineClient;
  /** Print the engine's JSON answers as they are. */
  json: boolean;
}

export function contextOf(command: Command): CliContext {
  const options = command.optsWithGlobals<{ url: string; apiKey?: string; json?: boolean }>();
  return { client: new EngineClient(options.url, options.apiKey), json: options.json === true };
}
