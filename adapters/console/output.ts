/**
 * Terminal output that can hold a turn's text (replies and the escalations it caused) and write it
 * in one piece, so a program reading a piped chat sees whole turns.
 */
export class ConsoleOutput {
  private held: string | undefined;

  constructor(private readonly sink: (text: string) => void) {}

  readonly write = (text: string): void => {
    if (this.held === undefined) this.sink(text);
    else this.held += text;
  };

  hold(): void {
    this.held ??= '';
  }

  flush(): void {
    const text = this.held;
    this.held = undefined;
    if (text) this.sink(text);
  }
}
