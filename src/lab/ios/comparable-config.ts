// Test-only helper for IOS running-configs: which lines must round-trip.

const TIMESTAMP = /^! (Last configuration change|NVRAM config last updated) at /;

/**
 * The lines that must round-trip: the config after the `Building configuration...` / `Current configuration : N
 * bytes` header, without the two timestamp comments; `end` added when the text lacks it (the device always prints it).
 */
export function comparableConfig(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let start = 0;
  while (
    start < lines.length &&
    /^(Building configuration\.\.\.|Current configuration : \d+ bytes|\s*)$/.test(lines[start] ?? '')
  )
    start++;
  const body = lines.slice(start).filter((l) => !TIMESTAMP.test(l));
  if (body[body.length - 1] !== 'end') body.push('end');
  return body;
}
