/**
 * Runs the subcommand named by the first argument of a command-line tool: no or an unknown
 * subcommand prints `usage` (exit 0 for none or help, 2 otherwise); a failure prints one line
 * `program: message` and exits 1. A subcommand may set process.exitCode itself.
 */
export async function runSubcommand(
  program: string,
  usage: string,
  subcommands: Record<string, (args: string[]) => Promise<void>>,
  argv: string[] = process.argv.slice(2),
): Promise<void> {
  const [command, ...rest] = argv;
  const run = command === undefined ? undefined : Object.hasOwn(subcommands, command) ? subcommands[command] : undefined;
  try {
    if (run) await run(rest);
    else {
      console.log(usage);
      process.exitCode = command === undefined || command === '--help' || command === 'help' ? 0 : 2;
    }
  } catch (error) {
    console.error(`${program}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
