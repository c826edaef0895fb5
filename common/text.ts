// Owns small string trims done without regular expressions: they run on input from outside (URLs,
// names), where a pattern such as /\/+$/ costs quadratic time on a long run of the character
// followed by something else.

/** `value` without any run of `char` at its end (`char` is one UTF-16 unit). */
export function trimTrailing(value: string, char: string): string {
  let end = value.length;
  while (end > 0 && value[end - 1] === char) end--;
  return end === value.length ? value : value.slice(0, end);
}

/** `value` without any run of `char` at its start (`char` is one UTF-16 unit). */
export function trimLeading(value: string, char: string): string {
  let start = 0;
  while (start < value.length && value[start] === char) start++;
  return start === 0 ? value : value.slice(start);
}
