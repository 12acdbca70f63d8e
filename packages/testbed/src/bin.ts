#!/usr/bin/env node
import { runTestbedCommand } from './cli.js';

void runTestbedCommand(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
