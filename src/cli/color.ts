// Whether a command may colour its output: only on a terminal, never with --no-color, and never when NO_COLOR is
// set to a non-empty value (https://no-color.org). Every command that can colour asks here.

export function useColor(flag: boolean | undefined, stream: { readonly isTTY?: boolean } = process.stdout): boolean {
  if (flag === false) return false;
  const noColor = process.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  return stream.isTTY === true;
}
