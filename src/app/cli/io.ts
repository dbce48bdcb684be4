// What a CLI command gets from the outside: environment, output and fetch (tests pass fakes).
export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  fetch: typeof fetch;
}
