// A tiny workflow for proving the Temporal dev server and worker wiring: returns its input reversed.
export async function reverseEcho(input: string): Promise<string> {
  return Promise.resolve([...input].reverse().join(''));
}
