// Every slash command the bot answers. manifest.yml must list exactly these (a test checks it).
import type { CommandSpec } from '../src/slack/command.js';
import { healthCommand } from './health.js';
import { opsCommand } from './ops.js';

export const COMMANDS: readonly CommandSpec[] = [healthCommand, opsCommand];
