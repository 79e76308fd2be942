// Nothing in the workspace depends on this package.
export function shout(text: string): string {
  return text.toUpperCase() + "!";
}
