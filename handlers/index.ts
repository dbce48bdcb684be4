// Every slash command the bot answers. manifest.yml must list exactly these (a test checks it).
// Areas with their own services get them through CommandServices.
import type { CommandSpec } from '../src/slack/command.js';
import { healthCommand } from './health.js';
import { opsCommand } from './ops.js';
import { playbookCommand, type PlaybookHandlerServices } from './playbook.js';

export interface CommandServices {
  playbooks: PlaybookHandlerServices;
}

export function buildCommands(s: CommandServices): CommandSpec[] {
  return [healthCommand, playbookCommand(s.playbooks), opsCommand];
}
