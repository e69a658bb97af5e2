#!/usr/bin/env node
// `npx passerelle …`: runs the TypeScript CLI through tsx, the same loader `npm start` uses.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
