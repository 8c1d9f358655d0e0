// Text a person typed, after an adapter took markup or a mention out of it.

/** Runs of spaces between words (a removed mention, &nbsp;) become one; lines keep their breaks and indentation. */
export function tidyText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/(\S)[^\S\n]{2,}/gu, '$1 ').trimEnd())
    .join('\n')
    .replace(/\n{3,}/gu, '\n\n')
    .trim();
}
