// The core's platform-neutral reply: adapters render it as Block Kit, Adaptive Cards or terminal text.

export interface ChoiceOption {
  /** What the core receives back when the option is picked (typed or clicked). */
  value: string;
  label: string;
}

export interface ReplyButton {
  label: string;
  /** Sent back to the core as the user's message when clicked. */
  value: string;
  style?: 'primary' | 'danger';
}

export interface ReplyField {
  label: string;
  value: string;
  /** The value was inferred rather than given by the user. */
  inferred?: boolean;
}

export interface Reply {
  /** Plain text, always present: the fallback every platform can show. */
  text: string;
  title?: string;
  fields?: ReplyField[];
  choices?: { multiple: boolean; options: ChoiceOption[] };
  buttons?: ReplyButton[];
  tone?: 'question' | 'info' | 'success' | 'warning' | 'error';
  /** Set on questions: once answered, adapters may update this message in place to show the answer. */
  questionId?: string;
}
