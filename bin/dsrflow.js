#!/usr/bin/env node
// The `dsrflow` command. dsrflow runs its TypeScript sources as they are, through tsx, as `npm start` does.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
