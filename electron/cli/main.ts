// The `mailprobe` command. Kept small: --help answers without loading the engine.
import { HELP, VERSION } from './help';
import { EXIT, UsageError } from './usage-error';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? EXIT.usage : EXIT.pass;
  }
  if (command === '--version' || command === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.pass;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(HELP);
    return EXIT.pass;
  }
  switch (command) {
    case 'check':
      return (await import('./check-command')).checkCommand(rest);
    case 'inspect':
      return (await import('./inspect-command')).inspectCommand(rest);
    case 'explain':
      return (await import('./explain-command')).explainCommand(rest);
    case 'token':
      return (await import('./token-command')).tokenCommand(rest);
    case 'profiles':
      return (await import('./profiles-command')).profilesCommand(rest);
    case 'serve':
      return (await import('./serve-command')).serveCommand(rest);
    case 'lab':
      return (await import('./lab-command')).labCommand(rest);
    case 'batch':
      return (await import('./batch-command')).batchCommand(rest);
    default:
      throw new UsageError(`unknown command "${command}"; see mailprobe --help`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`mailprobe: ${error.message}\n`);
      process.exitCode = EXIT.usage;
    } else {
      process.stderr.write(
        `mailprobe: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = EXIT.internal;
    }
  },
);
