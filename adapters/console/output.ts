/**
 * Terminal output that can hold a turn's text (replies and the escalations it caused) and write it
 * in one piece, so a program reading a piped chat sees whole turns, and a person at the interactive
 * chat never sees a reply land in the middle of the line they are typing.
 */
export class ConsoleOutput {
  private held: string | undefined;
  private through: ((text: string) => void) | undefined;

  constructor(private readonly sink: (text: string) => void) {}

  readonly write = (text: string): void => {
    if (this.held === undefined) this.emit(text);
    else this.held += text;
  };

  hold(): void {
    this.held ??= '';
  }

  flush(): void {
    const text = this.held;
    this.held = undefined;
    if (text) this.emit(text);
  }

  /**
   * Routes what is written through `writer` (which gets the sink to write to), e.g. to print above an
   * interactive prompt and draw it again; `undefined` writes to the sink directly again.
   */
  interpose(writer: ((text: string, sink: (text: string) => void) => void) | undefined): void {
    this.through = writer ? (text) => writer(text, this.sink) : undefined;
  }

  private emit(text: string): void {
    if (this.through) this.through(text);
    else this.sink(text);
  }
}
