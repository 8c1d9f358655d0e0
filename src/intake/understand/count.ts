import type { Reading } from './reading.ts';
import { confirm, miss, value } from './reading.ts';
import { fold } from './tokens.ts';

// How many people: "around 1,200", "5k", "a dozen", "two hundred", "fewer than ten", "me plus 3
// colleagues". A range or two different numbers is confirmed with the larger one.

const MAX_USERS = 10_000_000;

const UNITS: Record<string, number> = {
  zero: 0,
  none: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const SCALES: Record<string, number> = {
  hundred: 100,
  thousand: 1000,
  k: 1000,
  million: 1_000_000,
  m: 1_000_000,
  mil: 1_000_000,
  // Indian English: "2 lakh" is 200,000, "1 crore" 10 million.
  lakh: 100_000,
  lakhs: 100_000,
  crore: 10_000_000,
  crores: 10_000_000,
};
const VAGUE: Record<string, number> = { couple: 2, few: 3, handful: 5, dozen: 12 };
const HALVED = /^(dozen|hundred|thousand|k|million|m|mil)$/u;
const PEOPLE =
  /^(people|persons?|users?|employees?|colleagues?|staff|ppl|folks?|members?|agents?|of|reps?|managers?|recruiters?|makers?|accountants?|engineers?|analysts?|teachers?|nurses?|drivers?|guys|peeps|heads?|fte|seats?|licen[cs]es?)$/u;

interface Mention {
  value: number;
  /** Word index where the number starts and ends. */
  start: number;
  end: number;
}

/** Words with digits split from their suffix ("5k" -> "5 k", "40ish" -> "40 ish") and thousands joined. */
function words(text: string): string[] {
  return fold(text)
    .replace(/(\d)[,’'](\d{3})\b/gu, '$1$2')
    .replace(/(\d)[,’'](\d{3})\b/gu, '$1$2')
    .replace(/(\d) (\d{3})\b/gu, '$1$2')
    .replace(/(\d)(k|m|mil|ish|\+)\b/gu, '$1 $2')
    .replace(/(\d)\+/gu, '$1 +')
    .split(/[^\p{L}\p{N}.+]+/u)
    .map((word) => word.replace(/^\.+|\.+$/gu, ''))
    .filter(Boolean);
}

function mentions(list: string[]): Mention[] {
  const found: Mention[] = [];
  let index = 0;
  while (index < list.length) {
    const start = index;
    let total = 0;
    let current = 0;
    let seen = false;
    for (; index < list.length; index++) {
      const word = list[index]!;
      if (/^\d+(\.\d+)?$/u.test(word)) {
        if (seen && current !== 0) break;
        current += Number(word);
        seen = true;
      } else if (word in UNITS && word !== 'none') {
        if (seen && current % 10 !== 0 && current !== 0) break;
        current += UNITS[word]!;
        seen = true;
      } else if (word in TENS) {
        if (seen && current !== 0 && current % 100 !== 0) break;
        current += TENS[word]!;
        seen = true;
      } else if (word in SCALES && seen) {
        const scale = SCALES[word]!;
        if (scale === 100) current *= 100;
        else {
          total += current * scale;
          current = 0;
        }
      } else if (word === 'half' && list[index + 1] === 'a' && HALVED.test(list[index + 2] ?? '')) {
        // "half a million", "half a dozen": the half is taken with the scale that follows.
        if (seen) break;
        current = 0.5;
        seen = true;
        index += 1;
      } else if (word in VAGUE) {
        // "a dozen", "half a dozen", "two dozen", "a few", "a couple".
        const base = VAGUE[word]!;
        if (word === 'dozen') current = seen ? current * 12 : 12;
        else current = seen ? current : base;
        seen = true;
      } else if (seen && word === 'and' && /^(hundred|thousand)$/u.test(list[index - 1] ?? '')) {
        continue;
      } else break;
    }
    if (seen) found.push({ value: Math.round((total + current) * 1e6) / 1e6, start, end: index });
    else index += 1;
  }
  return found;
}

export function readCount(text: string): Reading<number> {
  const list = words(text);
  const folded = list.join(' ');
  if (/(^|\s)-\s*\d/u.test(fold(text).trim()) || /^minus\b/u.test(folded)) {
    return miss('The number of users cannot be negative. Roughly how many people will use it?');
  }
  const found = mentions(list);
  if (found.length === 0) {
    if (/\b(just|only)\s+(me|myself)\b|^(me|myself)$|^me\s+myself/u.test(folded)) return value(1);
    return miss('Please give a number, even a rough one: for example 12, "about 200" or "5k".');
  }
  const decimals = found.find((mention) => !Number.isInteger(mention.value));
  if (decimals) return miss('Please give a whole number of people, for example 12.');
  const tooMany = found.find((mention) => mention.value > MAX_USERS);
  if (tooMany)
    return miss(`That's more than ${MAX_USERS.toLocaleString('en-US')} people. Please give a realistic estimate.`);

  // "two teams of 8": groups times their size.
  const groups =
    /\b(\d+|two|three|four|five|six) (teams|groups|shifts|sites|offices|classes|departments|squads) of (\d+)\b/u.exec(
      folded,
    );
  if (groups) return value((Number(groups[1]) || UNITS[groups[1]!]!) * Number(groups[3]));

  // "me plus 3 colleagues", "me and 2 others": the maker counts too.
  const first = found[0]!;
  if (found.length === 1 && /\bme\s+(plus|and|\+)\s*$/u.test(list.slice(0, first.start).join(' ')))
    return value(first.value + 1);

  const values = [...new Set(found.map((mention) => mention.value))];
  if (values.length === 1) return value(first.value);
  // A number said next to "people" is the count ("8 people in 2 teams").
  const counted = found.filter((mention) => PEOPLE.test(list[mention.end] ?? ''));
  if (counted.length === 1) return value(counted[0]!.value);
  return confirm(Math.max(...values));
}

/** Words that give a number no size of its own: "a few hundred", "a couple of thousand". */
const VAGUE_AMOUNT = /\b(few|couple|handful|several|dozens)\b/u;
/** "7.500" and "1.200.000": a dot every three digits, as much of Europe writes thousands. */
const DOTTED_THOUSANDS = /(?<![\d.])\d{1,3}(?:\.\d{3})+(?![\d.]|\s*(?:k|m|mil|million|thousand)\b)/giu;
const MAX_NUMBER = 1e12;

/**
 * Any amount, for the policy's own number questions: "~5k", "1,200", "twelve hundred", "about 300",
 * "half a million", "ca. 7.500". Vague amounts ("a few hundred") are asked again; a range or two
 * different numbers is confirmed with the larger one, as is a number written with dots for thousands.
 */
export function readNumber(text: string, what = 'number'): Reading<number> {
  let unsure = false;
  const undotted = text.replace(DOTTED_THOUSANDS, (match) => {
    unsure = true;
    return match.replaceAll('.', '');
  });
  const list = words(undotted);
  const folded = list.join(' ');
  if (/(^|\s)-\s*\d/u.test(fold(text).trim()) || /^minus\b/u.test(folded))
    return miss(`The ${what} cannot be negative. Please give a number, for example 300 or "about 5k".`);
  const found = mentions(list);
  const again = `Please give one number, even a rough one: for example 300, "about 1,200" or "5k".`;
  if (found.length === 0) return miss(again);
  if (VAGUE_AMOUNT.test(folded)) return miss(`How many roughly? ${again}`);
  const tooBig = found.find((mention) => mention.value > MAX_NUMBER);
  if (tooBig) return miss(`That number is too large. ${again}`);
  const values = [...new Set(found.map((mention) => mention.value))];
  if (values.length > 1) return confirm(Math.max(...values));
  return unsure ? confirm(values[0]!) : value(values[0]!);
}
