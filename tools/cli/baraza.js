#!/usr/bin/env node
// Runs the TypeScript CLI in src/cli through tsx, so `npx baraza` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../../src/cli/main.ts');
