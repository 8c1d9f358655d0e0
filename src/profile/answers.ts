// Answers to the organisation's own intake questions (policy `intake.questions`), as the profile keeps
// them (`answers`) and as people read them. The questions live in the policy, a layer above the profile,
// so this module names only the shape it needs; the policy's questions fit it.

/** One answer: yes/no, a choice's value, several values, a number or text. */
export type AnswerValue = boolean | number | string | string[];

/** What formatting needs of a question. */
export interface AnswerQuestion {
  id: string;
  type: 'yesno' | 'choice' | 'multi' | 'number' | 'text';
  label?: string | undefined;
  options?: ReadonlyArray<{ value: string; label: string }> | undefined;
}

/** "monthlyRecords" -> "Monthly records": a label for questions the policy gives none. */
export function labelFromId(id: string): string {
  const words = id
    .replace(/([a-z0-9])([A-Z])/gu, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/gu, '$1 $2')
    .split(' ')
    .map((word, index) => (index > 0 && /^[A-Z][a-z]/u.test(word) ? word.toLowerCase() : word));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function answerLabel(question: AnswerQuestion): string {
  return question.label ?? labelFromId(question.id);
}

function optionLabel(question: AnswerQuestion, value: string): string {
  return question.options?.find((option) => option.value === value)?.label ?? value;
}

/** An answer as the summary and reviewers read it: "Yes", "Europe", "OpenAI, Google", "1,200". */
export function formatAnswer(question: AnswerQuestion, value: unknown): string {
  if (value === null || value === undefined) return 'Skipped';
  switch (question.type) {
    case 'yesno':
      return value === true ? 'Yes' : value === false ? 'No' : String(value);
    case 'number':
      return typeof value === 'number' ? value.toLocaleString('en-US') : String(value);
    case 'choice':
      return optionLabel(question, String(value));
    case 'multi': {
      const values = Array.isArray(value) ? value.map(String) : [String(value)];
      return values.length === 0 ? 'None' : values.map((item) => optionLabel(question, item)).join(', ');
    }
    case 'text':
      return String(value);
  }
}
