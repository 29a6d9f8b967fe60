#!/usr/bin/env -S node --max-semi-space-size=32
// The `dsrflow` command. dsrflow runs its TypeScript sources as they are, through tsx, as `npm start` does, with the
// same larger young generation (docs/performance.md).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
