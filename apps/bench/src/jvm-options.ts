/**
 * The heap, collector and compiler options on a JVM's command line (its words separated by
 * spaces, as /proc/PID/cmdline reads with its NULs replaced): `-Xms`, `-Xmx` and `-XX:` options,
 * in order; "the JVM defaults" when it has none.
 */
export function jvmOptions(commandLine: string): string {
  const options = commandLine.split(' ').filter((word) => /^-(Xm[sx]\d+[kmgt]?|XX:[+-]?\w\S*)$/i.test(word));
  return options.length > 0 ? options.join(' ') : 'the JVM defaults';
}
